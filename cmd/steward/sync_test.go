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

const syncRoster = `version: 1
team: T
timezone: America/Los_Angeles
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
  - {name: Bob, github: bob}
integrations:
  github:
    repo: acme/support
    project: {owner: acme, number: 7}
  freshdesk:
    domain: acme
`

func TestSyncCommand(t *testing.T) {
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "fd-secret-key"})
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"ghp_secret": "steward-bot"}})
	g.AddRepo("acme", "support", "main", nil)
	// The sprint began yesterday: today in any zone falls inside it.
	today := systemNow().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	g.AddProject("acme", 7, "Board",
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "Done"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION", Iterations: []sandbox.ProjectIteration{{Title: "Now", StartDate: today, Duration: 14}}})
	fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Tags: []string{"engineering"}, Priority: 4})
	fdSrv, ghSrv := httptest.NewServer(fd), httptest.NewServer(g)
	defer fdSrv.Close()
	defer ghSrv.Close()
	dir := t.TempDir()
	rosterPath := filepath.Join(dir, "roster.yaml")
	os.WriteFile(rosterPath, []byte(syncRoster), 0o644)
	vars := map[string]string{"GITHUB_API_URL": ghSrv.URL, "GITHUB_TOKEN": "ghp_secret", "FRESHDESK_BASE_URL": fdSrv.URL, "FRESHDESK_API_KEY": "fd-secret-key"}
	run1 := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append(args, "--roster", rosterPath), env{stdout: &out, stderr: &errb, now: systemNow, getenv: func(k string) string { return vars[k] }})
		return out.String(), errb.String(), code
	}

	out, errs, code := run1("sync", "--dry-run")
	if code != 0 || !strings.Contains(out, "would do 1 piece(s) of work") || !strings.Contains(out, "create-issue") || len(g.Issues("acme", "support")) != 0 {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = run1("sync")
	if code != 0 || !strings.Contains(out, "1 issue(s) created, 0 step(s) failed") {
		t.Fatalf("sync: exit %d\n%s%s", code, out, errs)
	}
	out, _, code = run1("sync", "--format", "json")
	var rep map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep["planned"].([]any)) != 0 {
		t.Errorf("second sync as JSON: exit %d %s", code, out)
	}
	for _, s := range []string{"ghp_secret", "fd-secret-key"} {
		if strings.Contains(out+errs, s) {
			t.Errorf("a secret reached the output")
		}
	}

	// Missing credentials and configuration are one clear message each.
	delete(vars, "FRESHDESK_API_KEY")
	if _, errs, code := run1("sync"); code != 1 || !strings.Contains(errs, "FRESHDESK_API_KEY is not set") {
		t.Errorf("no FreshDesk key: exit %d %s", code, errs)
	}
	os.WriteFile(rosterPath, []byte(strings.Split(syncRoster, "integrations:")[0]), 0o644)
	if _, errs, code := run1("sync"); code != 1 || !strings.Contains(errs, "no integrations.freshdesk and no integrations.github") {
		t.Errorf("no integrations: exit %d %s", code, errs)
	}
	if _, errs, code := run1("sync", "--since", "-1h"); code != 2 || !strings.Contains(errs, "positive duration") {
		t.Errorf("bad --since: exit %d %s", code, errs)
	}
}

// A sync that fails before it can plan (here FreshDesk refuses the key)
// prints the error and what to fix, and never "Everything is in step".
func TestAFailedSyncNeverSaysItIsInStep(t *testing.T) {
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "the-right-key"})
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"ghp_secret": "steward-bot"}})
	g.AddRepo("acme", "support", "main", nil)
	fdSrv, ghSrv := httptest.NewServer(fd), httptest.NewServer(g)
	defer fdSrv.Close()
	defer ghSrv.Close()
	rosterPath := filepath.Join(t.TempDir(), "roster.yaml")
	os.WriteFile(rosterPath, []byte(syncRoster), 0o644)
	vars := map[string]string{"GITHUB_API_URL": ghSrv.URL, "GITHUB_TOKEN": "ghp_secret", "FRESHDESK_BASE_URL": fdSrv.URL, "FRESHDESK_API_KEY": "a-wrong-key"}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"sync", "--roster", rosterPath}, env{stdout: &out, stderr: &errb, now: systemNow, getenv: func(k string) string { return vars[k] }})
	if code != 1 || strings.Contains(out.String(), "in step") || !strings.Contains(errb.String(), "401") || !strings.Contains(errb.String(), "To fix: FreshDesk refused the credentials") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
	}
}
