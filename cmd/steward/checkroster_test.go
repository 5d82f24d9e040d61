package main

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/sandbox"
)

// newTeamRoster is a new team's roster: no shifts, no integrations.
const newTeamRoster = `version: 1
team: Platform
timezone: UTC
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-11-30}
engineers:
  - name: "Ada Lovelace"
    github: ada
  - name: "Grace Hopper"
    github: grace
shifts: []
`

func git(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// A roster pull request is checked from the checkout's own history: no
// integrations, no credentials. On main it failed with "roster.yaml has no
// integrations.github" until both were set up.
func TestCheckRosterWithoutIntegrationsOrCredentials(t *testing.T) {
	t.Chdir(t.TempDir())
	git(t, "init", "-q", "-b", "main")
	os.WriteFile("roster.yaml", []byte(newTeamRoster), 0o644)
	git(t, "add", "roster.yaml")
	git(t, "commit", "-qm", "roster")
	git(t, "checkout", "-qb", "add-alan")
	data, _ := os.ReadFile("roster.yaml")
	changed := strings.Replace(string(data), "engineers:\n", "engineers:\n  - name: \"Alan Turing\"\n    github: aturing\n", 1)
	os.WriteFile("roster.yaml", []byte(changed), 0o644)
	git(t, "commit", "-qam", "add Alan")

	summary := filepath.Join(t.TempDir(), "summary")
	vars := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
	out, errs, code := runIn(t, vars, "check-roster", "--base", "main", "--head", "add-alan")
	sum, _ := os.ReadFile(summary)
	// The roster's names and handles are escaped Markdown: they read as
	// written, and ping nobody.
	read := strings.NewReplacer(`\`, "", "\u200b", "")
	if code != 0 || !strings.Contains(out, "roster.yaml is valid") || !strings.Contains(out, "#### Schedule changes, 2026-11-26") ||
		!strings.Contains(read.Replace(out), "Alan Turing (@aturing)") || !strings.Contains(read.Replace(string(sum)), "Alan Turing (@aturing)") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\nsummary:\n%s", code, out, errs, sum)
	}
	if !strings.Contains(errs, "no check run or comment") {
		t.Errorf("it should say why nothing was posted: %s", errs)
	}

	// A broken change: exit 1, annotated at its line.
	os.WriteFile("roster.yaml", []byte(strings.Replace(changed, "github: aturing", "github: ada", 1)), 0o644)
	git(t, "commit", "-qam", "oops")
	out, _, code = runIn(t, vars, "check-roster", "--base", "main", "--head", "HEAD", "--annotate")
	if code != 1 || !strings.Contains(out, "::error file=roster.yaml,line=") {
		t.Errorf("a broken roster: exit %d\n%s", code, out)
	}
}

// With a token, the check also goes to the workflow's own repository as a
// check run, though the roster has no integrations; when posting fails
// (here the head is not on GitHub, as with a fork's read-only token the
// write would fail), the check printed above stands and a warning says why.
func TestCheckRosterPostsWhenItCan(t *testing.T) {
	t.Chdir(t.TempDir())
	git(t, "init", "-q", "-b", "main")
	os.WriteFile("roster.yaml", []byte(newTeamRoster), 0o644)
	git(t, "add", "roster.yaml")
	git(t, "commit", "-qm", "roster")
	git(t, "checkout", "-qb", "local-only")

	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"ghs_actions": "github-actions[bot]"}})
	g.AddRepo("acme", "team", "main", map[string]string{"roster.yaml": newTeamRoster})
	srv := httptest.NewServer(g)
	defer srv.Close()
	vars := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/team", "GITHUB_TOKEN": "ghs_actions", "GITHUB_API_URL": srv.URL}

	out, errs, code := runIn(t, vars, "check-roster", "--base", "main", "--head", "main")
	if code != 0 || len(g.CheckRuns("acme", "team")) != 1 || strings.Contains(errs, "failed") {
		t.Fatalf("exit %d, %d check run(s)\n%s%s", code, len(g.CheckRuns("acme", "team")), out, errs)
	}
	out, errs, code = runIn(t, vars, "check-roster", "--base", "main", "--head", "local-only")
	if code != 0 || !strings.Contains(out, "roster.yaml is valid") || !strings.Contains(out, "::warning::the check is above, but posting it to GitHub failed") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
}
