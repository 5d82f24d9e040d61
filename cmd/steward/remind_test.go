package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
)

func TestRemindAndRouteCommands(t *testing.T) {
	sample, _ := os.ReadFile("../../roster.yaml")
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"ghp_x": "steward-bot"}})
	g.AddRepo("open-infra", "support", "main", nil)
	for _, u := range []string{"ada-l", "aturing", "bliskov", "dknuth", "ewd", "fran-allen", "grace", "kjohnson"} {
		g.AddUser(u)
	}
	n := g.CreateIssue("open-infra", "support", "grace", "Storage full on a hub", "", "support", "storage")
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "k"})
	fd.AddTicket(sandbox.FDTicket{Subject: "s", Priority: 4, CreatedAt: systemNow().Add(-14 * 24 * time.Hour)})
	ghSrv, fdSrv := httptest.NewServer(g), httptest.NewServer(fd)
	defer ghSrv.Close()
	defer fdSrv.Close()
	rosterPath := filepath.Join(t.TempDir(), "roster.yaml")
	os.WriteFile(rosterPath, sample, 0o644)
	vars := map[string]string{"GITHUB_API_URL": ghSrv.URL, "GITHUB_TOKEN": "ghp_x", "FRESHDESK_BASE_URL": fdSrv.URL, "FRESHDESK_API_KEY": "k"}
	steward := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append(args, "--roster", rosterPath), env{stdout: &out, stderr: &errb, now: systemNow, getenv: func(k string) string { return vars[k] }})
		return out.String(), errb.String(), code
	}
	out, errs, code := steward("remind")
	if code != 0 || !strings.Contains(out, "1 open ticket(s), 1 overdue") {
		t.Fatalf("remind: %d\n%s%s", code, out, errs)
	}
	out, _, _ = steward("remind", "--dry-run", "--format", "markdown")
	if !strings.Contains(out, "# Support dashboard") || !strings.Contains(out, "#1 Storage full on a hub: no one is assigned") {
		t.Errorf("dashboard markdown:\n%s", out)
	}
	out, errs, code = steward("route", "1", "--dry-run")
	if code != 0 || !strings.Contains(out, "#1: asking @") {
		t.Fatalf("route --dry-run: %d %s%s", code, out, errs)
	}
	if is := g.Issues("open-infra", "support")[n-1]; len(is.Assignees) != 0 {
		t.Error("a dry run assigned")
	}
	out, _, code = steward("route", "#1")
	if is := g.Issues("open-infra", "support")[n-1]; code != 0 || len(is.Assignees) != 1 || !strings.Contains(out, "@"+is.Assignees[0]) {
		t.Errorf("route: %d %s %+v", code, out, is)
	}
	// The asked engineer gives it back; the next one is asked.
	first := g.Issues("open-infra", "support")[n-1].Assignees[0]
	g.HumanUpdate("open-infra", "support", n, first, func(c *sandbox.IssueChange) { c.Assignees = nil })
	if _, errs, code := steward("route", "1"); code != 0 {
		t.Fatalf("route again: %s", errs)
	}
	second := g.Issues("open-infra", "support")[n-1].Assignees[0]
	out, errs, code = steward("fairness", "--format", "json")
	if code != 0 {
		t.Fatalf("fairness: %d %s", code, errs)
	}
	var f struct {
		Rows []struct {
			GitHub                 string
			Asked, Taken, Declined int
		} `json:"engineers"`
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	counts := map[string][3]int{}
	for _, r := range f.Rows {
		counts[r.GitHub] = [3]int{r.Asked, r.Taken, r.Declined}
	}
	if counts[first] != [3]int{1, 0, 1} || counts[second] != [3]int{1, 1, 0} {
		t.Errorf("fairness after one decline: %s=%v %s=%v\n%s", first, counts[first], second, counts[second], out)
	}
	if out, _, _ := steward("fairness"); !strings.Contains(out, "Spread of asks") {
		t.Errorf("fairness text:\n%s", out)
	}
	if _, errs, code := steward("fairness", "--since", "tomorrow"); code != 2 || !strings.Contains(errs, "--since") {
		t.Errorf("bad --since: %d %s", code, errs)
	}
	if _, errs, code := steward("route"); code != 2 || !strings.Contains(errs, "give the issue number") {
		t.Errorf("route without an issue: %d %s", code, errs)
	}
}
