package main

import (
	"bytes"
	"context"
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
	fd.AddTicket(sandbox.FDTicket{Subject: "s", Priority: 4, CreatedAt: time.Now().Add(-72 * time.Hour)})
	ghSrv, fdSrv := httptest.NewServer(g), httptest.NewServer(fd)
	defer ghSrv.Close()
	defer fdSrv.Close()
	rosterPath := filepath.Join(t.TempDir(), "roster.yaml")
	os.WriteFile(rosterPath, sample, 0o644)
	vars := map[string]string{"GITHUB_API_URL": ghSrv.URL, "GITHUB_TOKEN": "ghp_x", "FRESHDESK_BASE_URL": fdSrv.URL, "FRESHDESK_API_KEY": "k"}
	steward := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append(args, "--roster", rosterPath), env{stdout: &out, stderr: &errb, now: time.Now, getenv: func(k string) string { return vars[k] }})
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
	if _, errs, code := steward("route"); code != 2 || !strings.Contains(errs, "give the issue number") {
		t.Errorf("route without an issue: %d %s", code, errs)
	}
}
