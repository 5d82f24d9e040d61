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

// runIn runs steward with a roster in dir and the given environment.
func runIn(t *testing.T, vars map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, env{stdout: &out, stderr: &errb, now: fixedNow, getenv: func(k string) string { return vars[k] }})
	return out.String(), errb.String(), code
}

// The path the README starts with: init in an empty directory with no
// flags, validate, schedule. fixedNow is Thursday 2026-11-26, so the
// first handoff is Monday 2026-11-30.
func TestInitValidateScheduleFromAnEmptyDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "roster.yaml")
	vars := map[string]string{"STEWARD_ROSTER_FILE": path}
	out, errs, code := runIn(t, vars, "init")
	if code != 0 || !strings.Contains(out, "first handoff on 2026-11-30") {
		t.Fatalf("init: %d\n%s%s", code, out, errs)
	}
	out, errs, code = runIn(t, vars, "validate")
	if code != 0 || !strings.Contains(out, "is valid (0 warning(s))") {
		t.Fatalf("validate: %d\n%s%s", code, out, errs)
	}
	out, _, code = runIn(t, vars, "schedule", "--format", "json")
	if code != 0 || !strings.Contains(out, `"start": "2026-11-30"`) || strings.Contains(out, `"confirmed": true`) || !strings.Contains(out, "replace-me-1") {
		t.Fatalf("schedule: %d\n%s", code, out)
	}
	// Never over an existing roster without --force.
	before, _ := os.ReadFile(path)
	if _, errs, code := runIn(t, vars, "init", "--team", "Other", "--engineer", "ada"); code != 1 || !strings.Contains(errs, "already exists") {
		t.Errorf("overwrite: %d %s", code, errs)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the roster changed")
	}
	if _, errs, code := runIn(t, vars, "init", "--force", "--team", "Other", "--engineer", "Ada Lovelace, ada", "--engineer", "grace"); code != 0 {
		t.Errorf("--force: %d %s", code, errs)
	}
}

func TestInitForARealTeam(t *testing.T) {
	dir := t.TempDir()
	names := filepath.Join(dir, "team.txt")
	os.WriteFile(names, []byte("# the platform team\nGrace Hopper, grace\nAda Lovelace, @ada\n"), 0o644)
	path := filepath.Join(dir, "roster.yaml")
	out, errs, code := runIn(t, nil, "init", "--roster", path, "--team", "Platform", "--timezone", "Europe/Berlin",
		"--engineers-file", names, "--engineer", "Alan Turing, aturing", "--start", "2027-01-04")
	if code != 0 || !strings.Contains(out, "3 engineer(s) in Europe/Berlin, first handoff on 2027-01-04") {
		t.Fatalf("%d\n%s%s", code, out, errs)
	}
	out, _, _ = runIn(t, nil, "who", "--roster", path, "--on", "2027-01-04")
	if !strings.Contains(out, "Ada Lovelace (@ada), 2027-01-04 to 2027-01-18") || !strings.Contains(out, "Alan Turing (@aturing), 2027-01-04 to 2027-02-01") {
		t.Errorf("who:\n%s", out)
	}
	// Mistakes are usage errors that say what to write.
	for _, args := range [][]string{
		{"--team", "T"},
		{"--team", "T", "--engineer", "Ada Lovelace"},
		{"--team", "T", "--engineer", "ada", "--timezone", "Mars/Olympus"},
	} {
		if _, errs, code := runIn(t, nil, append([]string{"init", "--roster", filepath.Join(dir, "x.yaml")}, args...)...); code != 2 {
			t.Errorf("%v: %d %s", args, code, errs)
		}
	}
}

func TestInitFromAGitHubTeam(t *testing.T) {
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"ghp_t": "someone"}})
	g.AddTeam("acme", "platform", "grace", "ada")
	srv := httptest.NewServer(g)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "roster.yaml")
	vars := map[string]string{"GITHUB_API_URL": srv.URL, "GITHUB_TOKEN": "ghp_t"}
	out, errs, code := runIn(t, vars, "init", "--roster", path, "--team", "Platform", "--github-team", "acme/platform")
	if code != 0 || !strings.Contains(out, "2 engineer(s)") || !strings.Contains(out, "names are the GitHub handles") {
		t.Fatalf("%d\n%s%s", code, out, errs)
	}
	if out, _, code := runIn(t, nil, "validate", "--roster", path); code != 0 {
		t.Errorf("validate: %s", out)
	}
	delete(vars, "GITHUB_TOKEN")
	if _, errs, code := runIn(t, vars, "init", "--roster", filepath.Join(t.TempDir(), "r.yaml"), "--team", "P", "--github-team", "acme/platform"); code != 1 || !strings.Contains(errs, "To fix: give steward GitHub credentials") {
		t.Errorf("without credentials: %d %s", code, errs)
	}
}

// demo needs no roster.yaml where it runs: the sample is in the binary.
// On main it failed outside the repository's root.
func TestDemoRunsFromAnyDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	out, errs, code := runIn(t, nil, "demo")
	if code != 0 || !strings.Contains(out, "== What it cost") || !strings.Contains(out, "Open Infrastructure Engineering Team") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	// And with a new team's roster.
	if _, errs, code := runIn(t, nil, "init"); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code = runIn(t, nil, "demo", "--roster", "roster.yaml")
	if code != 0 || !strings.Contains(out, "Example Support Team") || !strings.Contains(out, "sandbox stand-ins") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}

// rotate --dry-run needs no credentials: it prints the pull request it
// would open, title, body and the change to roster.yaml. On main it
// stopped at "roster.yaml has no integrations.github".
func TestRotateDryRunWithoutCredentials(t *testing.T) {
	path := filepath.Join(t.TempDir(), "roster.yaml")
	os.WriteFile(path, []byte(strings.Replace(newTeamRoster, "engineers:\n", "engineers:\n  - name: \"Alan Turing\"\n    github: aturing\n", 1)), 0o644)
	out, errs, code := runIn(t, nil, "rotate", "--dry-run", "--roster", path)
	for _, want := range []string{
		`Would open "Support Stewards: `, "== Title", "== Body", "## Support Steward handoff on 2026-11-30",
		"+  - {github: ada, start: 2026-11-30, end: 2026-12-14}", "-shifts: []", "hand-over checklist",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if code != 0 || t.Failed() {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	// Without --dry-run it still needs GitHub, and says how to get there.
	if _, errs, code := runIn(t, nil, "rotate", "--roster", path); code != 1 || !strings.Contains(errs, "no integrations.github") {
		t.Errorf("a real rotate: %d %s", code, errs)
	}
}
