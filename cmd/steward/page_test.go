package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/health/healthtest"
	"github.com/support-steward/steward/internal/roster"
)

func TestScheduleHTMLIsTheTeamRolesPage(t *testing.T) {
	out, errs, code := steward(t, "schedule", "--format", "html")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"<!doctype html>",
		"Open Infrastructure Engineering Team",
		"Mon 23 Nov 2026 to Sun 14 Feb 2027 · 84 days", // 12 weeks from this Monday
		`data-handle="grace" data-status="confirmed"`,  // on duty on 2026-11-26
		"America/Los_Angeles",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(out, `class="cal"`) || strings.Contains(out, "Subscribe") {
		t.Error("subscribe links without --calendar-url")
	}
}

func TestScheduleHTMLFlags(t *testing.T) {
	out, _, code := steward(t, "schedule", "--format", "html", "--until", "2027-06-01")
	if code != 0 || !strings.Contains(out, "Mon 23 Nov 2026 to Mon 31 May 2027 · 190 days") {
		t.Errorf("--until: exit %d, range not shown as asked", code)
	}
	out, _, code = steward(t, "schedule", "--format", "html", "--from", "2027-01-06")
	if code != 0 || !strings.Contains(out, "Wed 6 Jan 2027 to Sun 28 Mar 2027") {
		t.Errorf("--from alone: exit %d, want 12 weeks from that week's Monday", code)
	}
	out, _, code = steward(t, "schedule", "--format", "html", "--calendar-url", "https://steward.example.org")
	if code != 0 || !strings.Contains(out, `href="https://steward.example.org/calendar/grace.ics"`) ||
		!strings.Contains(out, `href="https://steward.example.org/calendar.ics"`) {
		t.Errorf("--calendar-url: exit %d, links missing", code)
	}
	for _, args := range [][]string{
		{"--calendar-url", "javascript:alert(1)"},
		{"--calendar-url", "steward.example.org"},
		{"--engineer", "grace"},
		{"--from", "2026-01-01", "--until", "2030-01-01"},
	} {
		_, errs, code := steward(t, append([]string{"schedule", "--format", "html"}, args...)...)
		if code == 0 || errs == "" {
			t.Errorf("%q: exit %d with no error", args, code)
		}
	}
}

// savedReport saves a support health report of the sample roster's team in
// a new directory, as a run leaves one in STEWARD_CACHE_DIR, and returns
// the directory.
func savedReport(t *testing.T) string {
	t.Helper()
	r, probs, err := roster.Load("../../roster.yaml")
	if err != nil {
		t.Fatalf("%v %v", err, probs)
	}
	dir := t.TempDir()
	healthtest.Save(t, r, fixedNow(), dir, "Example Hub", 12)
	return dir
}

// stewardWith runs steward as steward does, with more of the environment.
func stewardWith(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "STEWARD_ROSTER_FILE" {
			return "../../roster.yaml"
		}
		return vars[k]
	}
	code = run(context.Background(), args, env{stdout: &out, stderr: &errb, now: fixedNow, getenv: getenv})
	return out.String(), errb.String(), code
}

// With the report a run saved in STEWARD_CACHE_DIR, the page shows the
// support health section; a report that cannot be read is named on stderr
// and the page is made without the section; no report, or no
// STEWARD_CACHE_DIR, is no section and nothing said.
func TestScheduleHTMLShowsTheSavedHealthReport(t *testing.T) {
	dir := savedReport(t)
	out, errs, code := stewardWith(t, map[string]string{"STEWARD_CACHE_DIR": dir}, "schedule", "--format", "html")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{`<section class="support-health"`, "Tickets received a week, by priority", `<svg role="img"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The page is public (serve answers GET / to anyone): the hubs, who
	// are customers, stay in the report and on GitHub.
	if strings.Contains(out, "Example Hub") {
		t.Error("a hub's name is on the team page")
	}
	plain, _, _ := steward(t, "schedule", "--format", "html")
	if !strings.HasSuffix(out, plain[strings.Index(plain, "</main>"):]) || !strings.Contains(out, plain[strings.Index(plain, "<body>"):strings.Index(plain, "</main>")]) {
		t.Error("with the section, the rest of the page is not the page without it")
	}

	for name, vars := range map[string]map[string]string{
		"no STEWARD_CACHE_DIR": nil,
		"no report saved":      {"STEWARD_CACHE_DIR": t.TempDir()},
	} {
		out, errs, code := stewardWith(t, vars, "schedule", "--format", "html")
		if code != 0 || errs != "" || out != plain {
			t.Errorf("%s: exit %d, stderr %q, the page differs from the plain one: %v", name, code, errs, out != plain)
		}
	}

	file := filepath.Join(dir, health.ReportFile)
	if err := os.WriteFile(file, []byte(`{"version": 1, "weeks": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code = stewardWith(t, map[string]string{"STEWARD_CACHE_DIR": dir}, "schedule", "--format", "html")
	if code != 0 || out != plain {
		t.Errorf("a corrupt report: exit %d, and the page is not the page without the section", code)
	}
	if !strings.Contains(errs, file) || !strings.Contains(errs, "without its Support health section") {
		t.Errorf("stderr does not name %s and say what became of the page: %q", file, errs)
	}
}
