package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/sandbox"
)

// Issue #25, fact 12: validate checks the board's settings against the
// board when GitHub can be reached: a done_option the board's Status field
// does not have is an error at its line, naming the options there are,
// not a failure of every run's board pass.
func TestValidateChecksTheBoardWhenGitHubIsReachable(t *testing.T) {
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"ghp_x": "steward-bot"}})
	g.AddRepo("acme", "support", "main", nil)
	g.AddProject("acme", 7, "Board",
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Closed"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION"})
	srv := httptest.NewServer(g)
	defer srv.Close()
	dir := t.TempDir()
	write := func(done string) string {
		p := filepath.Join(dir, "roster.yaml")
		os.WriteFile(p, []byte(strings.Replace(syncRoster, "project: {owner: acme, number: 7}", "project: {owner: acme, number: 7, done_option: "+done+"}", 1)), 0o644)
		return p
	}
	validate := func(path string, vars map[string]string) (string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"validate", "--roster", path}, env{stdout: &out, stderr: &errb, now: fixedNow, getenv: func(k string) string { return vars[k] }})
		return out.String() + errb.String(), code
	}
	reach := map[string]string{"GITHUB_API_URL": srv.URL, "GITHUB_TOKEN": "ghp_x"}
	out, code := validate(write("Shipped"), reach)
	if code != exitFindings || !strings.Contains(out, "roster.yaml:11:39: integrations.github.project.done_option: field \"Status\" has no option") || !strings.Contains(out, "integrations.github.project.done_option") ||
		!strings.Contains(out, `"Shipped"`) || !strings.Contains(out, "Closed") {
		t.Errorf("a done_option the board lacks: exit %d\n%s", code, out)
	}
	if out, code := validate(write("Closed"), reach); code != exitOK {
		t.Errorf("the board's own done option: exit %d\n%s", code, out)
	}
	// Without credentials the board is not read, and the file alone is
	// judged.
	if out, code := validate(write("Shipped"), nil); code != exitOK || g.Ledger().Len() != 2 {
		t.Errorf("without GitHub: exit %d, %d requests\n%s", code, g.Ledger().Len(), out)
	}
}
