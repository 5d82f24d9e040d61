package wire

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
)

// The board's Status option for closed support issues is the roster's
// done_option (Done unless set), checked against the board when the board
// pass finds the project, with the options the board has; archive_after
// (14 days unless set) reaches the mirror's board rules. On main, wire
// passed "Done" whatever the board called it.
func TestTheBoardIsWiredFromTheRostersProjectSettings(t *testing.T) {
	clk := sandbox.NewManualClock(time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC))
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"t": "bot"}, Clock: clk})
	g.AddRepo("o", "r", "main", nil)
	g.AddProject("o", 3, "Board",
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "In progress", "Shipped"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION"})
	vars := map[string]string{"GITHUB_TOKEN": "t", "GITHUB_API_URL": "https://api.github.sandbox/", "FRESHDESK_API_KEY": "k"}
	e := Env{Getenv: func(k string) string { return vars[k] }, Now: clk.Now, Clock: clk, Transport: sandbox.Transport{Handler: g}}
	project := func(settings string) string {
		return strings.Replace(configured, "github: {repo: o/r}", "github: {repo: o/r, project: {owner: o, number: 3"+settings+"}}", 1)
	}
	ctx := context.Background()

	m, _, err := Connect(e, mustRoster(t, project(", done_option: Shipped, archive_after: 3w"))).Mirror()
	if err != nil {
		t.Fatal(err)
	}
	if m.BoardDone != "Shipped" || m.BoardArchiveAfter != 21*24*time.Hour {
		t.Errorf("done %q, archive after %s", m.BoardDone, m.BoardArchiveAfter)
	}
	if _, err := m.Board.Items(ctx); err != nil {
		t.Errorf("a board with the done_option: %v", err)
	}

	m, _, err = Connect(e, mustRoster(t, project(""))).Mirror()
	if err != nil {
		t.Fatal(err)
	}
	if m.BoardDone != "Done" || m.BoardArchiveAfter != 14*24*time.Hour {
		t.Errorf("defaults: done %q, archive after %s", m.BoardDone, m.BoardArchiveAfter)
	}
	_, err = m.Board.Items(ctx)
	if want := `integrations.github.project.done_option: field "Status" has no option "Done"; its options are: Todo, In progress, Shipped`; err == nil || err.Error() != want {
		t.Errorf("a board without Done: %v", err)
	}
}

// With STEWARD_CACHE_DIR, the mirror keeps its sync mark there, one per
// account, repository and label; without it, none.
func TestTheSyncMarkIsKeptInTheCacheDirectory(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"GITHUB_TOKEN": "t", "FRESHDESK_API_KEY": "k", "STEWARD_CACHE_DIR": dir}
	at := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	e := Env{Getenv: func(k string) string { return vars[k] }, Now: func() time.Time { return at }}
	m, _, err := Connect(e, mustRoster(t, configured)).Mirror()
	if err != nil {
		t.Fatal(err)
	}
	if m.Mark == nil {
		t.Fatal("no mark with STEWARD_CACHE_DIR set")
	}
	m.Mark.Set(at)
	again, _, _ := Connect(e, mustRoster(t, configured)).Mirror()
	if got, ok := again.Mark.Get(); !ok || !got.Equal(at) {
		t.Errorf("the next run's mark: %v %v", got, ok)
	}
	vars["STEWARD_CACHE_DIR"] = ""
	if m, _, _ := Connect(e, mustRoster(t, configured)).Mirror(); m.Mark != nil {
		t.Errorf("a mark without STEWARD_CACHE_DIR: %+v", m.Mark)
	}
}
