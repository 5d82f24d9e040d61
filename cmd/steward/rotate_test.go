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

func TestRotateAndCheckRosterCommands(t *testing.T) {
	sample, _ := os.ReadFile("../../roster.yaml")
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"ghp_x": "steward-bot"}})
	g.AddRepo("open-infra", "support", "main", map[string]string{"roster.yaml": string(sample)})
	for _, u := range []string{"ada-l", "grace", "kjohnson"} {
		g.AddUser(u)
	}
	g.AddTeam("open-infra", "support-stewards")
	srv := httptest.NewServer(g)
	defer srv.Close()
	rosterPath := filepath.Join(t.TempDir(), "roster.yaml")
	os.WriteFile(rosterPath, sample, 0o644)
	vars := map[string]string{"GITHUB_API_URL": srv.URL, "GITHUB_TOKEN": "ghp_x"}
	steward := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append(args, "--roster", rosterPath), env{stdout: &out, stderr: &errb, now: systemNow, getenv: func(k string) string { return vars[k] }})
		return out.String(), errb.String(), code
	}
	out, errs, code := steward("rotate", "--now", "2026-11-30", "--dry-run")
	if code != 0 || !strings.Contains(out, `Would open "Support Stewards: Ada Lovelace joins, Grace Hopper leaves on 2026-12-07"`) {
		t.Fatalf("dry run: %d\n%s%s", code, out, errs)
	}
	out, errs, code = steward("rotate", "--now", "2026-11-30")
	if code != 0 || !strings.Contains(out, "Opened #1") || !strings.Contains(out, "Stewards on duty: grace, kjohnson") ||
		!strings.Contains(out, "FreshDesk off: FRESHDESK_API_KEY is not set") {
		t.Fatalf("rotate: %d\n%s%s", code, out, errs)
	}
	if m := g.TeamMembers("open-infra", "support-stewards"); strings.Join(m, ",") != "grace,kjohnson" {
		t.Errorf("team %v", m)
	}
	out, _, code = steward("rotate", "--now", "2026-11-30", "--lead", "2w")
	if code != 0 || !strings.Contains(out, "#1, \"Support Stewards") || !strings.Contains(out, "is up to date") {
		t.Errorf("second rotate: %d %s", code, out)
	}
	if _, errs, code := steward("rotate", "--lead", "soon"); code != 2 || !strings.Contains(errs, "--lead") {
		t.Errorf("bad --lead: %d %s", code, errs)
	}
	// The rotation pull request's own roster change passes the check.
	out, errs, code = steward("check-roster", "--base", "main", "--head", "steward/rotation-2026-12-07")
	if code != 0 || !strings.Contains(out, "roster.yaml is valid") {
		t.Errorf("check-roster: %d\n%s%s", code, out, errs)
	}
	if _, errs, code := steward("check-roster", "--base", "main"); code != 2 || !strings.Contains(errs, "--base and --head are required") {
		t.Errorf("missing --head: %d %s", code, errs)
	}
}
