package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/support-steward/steward/internal/clock"
)

var update = flag.Bool("update", false, "rewrite golden files")

// systemNow is the moment the suite runs as: STEWARD_NOW when CI sets it
// (.ci/run replays the suite on other days), else the wall clock. A test on
// it builds its fixtures around it, as the sandboxes' default clock does.
var systemNow = clock.MustSystem().Now

// fixedNow is 2026-11-26 10:00 in Los Angeles.
func fixedNow() time.Time { return time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC) }

func steward(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "STEWARD_ROSTER_FILE" {
			return "../../roster.yaml"
		}
		return ""
	}
	code = run(context.Background(), args, env{stdout: &out, stderr: &errb, now: fixedNow, getenv: getenv})
	return out.String(), errb.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, got)
	}
}

func TestScheduleFormats(t *testing.T) {
	for _, f := range []string{"table", "json", "markdown", "ics"} {
		t.Run(f, func(t *testing.T) {
			out, errs, code := steward(t, "schedule", "--format", f)
			if code != 0 || errs != "" {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden(t, "schedule."+f, out)
		})
	}
}

func TestScheduleJSONIsTheDesignShape(t *testing.T) {
	out, _, code := steward(t, "schedule", "--format", "json", "--from", "2026-11-30", "--until", "2027-01-01")
	if code != 0 {
		t.Fatal(code)
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc) != 2 || doc["shifts"] == nil || doc["gaps"] == nil {
		t.Fatalf("top-level keys: %v", doc)
	}
	for _, s := range doc["shifts"] {
		if len(s) != 5 || s["github"] == nil || s["name"] == nil || s["start"] == nil || s["end"] == nil || s["confirmed"] == nil {
			t.Errorf("shift keys: %v", s)
		}
	}
	// Every shift overlapping [2026-11-30, 2027-01-01), sorted by start then handle.
	want := "grace 2026-11-09 kjohnson 2026-11-23 ada-l 2026-12-07 dknuth 2026-12-21 "
	got := ""
	for _, s := range doc["shifts"] {
		got += s["github"].(string) + " " + s["start"].(string) + " "
	}
	if got != want {
		t.Errorf("shifts: %s, want %s", got, want)
	}
}

func TestScheduleForOneEngineerAsICS(t *testing.T) {
	out, _, code := steward(t, "schedule", "--format", "ics", "--engineer", "ADA-L", "--from", "2026-01-01", "--until", "2027-12-31")
	if code != 0 {
		t.Fatal(code)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range cal.Events() {
		if s := ev.GetProperty(ics.ComponentPropertySummary).Value; s != "Support Steward: Ada Lovelace" {
			t.Errorf("event for someone else: %s", s)
		}
	}
	if len(cal.Events()) < 3 {
		t.Errorf("%d events for ada-l over two years", len(cal.Events()))
	}
}

func TestWho(t *testing.T) {
	out, _, code := steward(t, "who")
	if code != 0 {
		t.Fatal(code)
	}
	golden(t, "who.txt", out)
	out, _, _ = steward(t, "who", "--on", "2026-12-07", "--format", "json")
	var st struct {
		OnDuty []struct{ GitHub string } `json:"on_duty"`
		Next   struct {
			Date    string
			Joining []struct{ GitHub string }
		} `json:"next_handoff"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.OnDuty) != 2 || st.OnDuty[1].GitHub != "ada-l" || st.Next.Date != "2026-12-21" || st.Next.Joining[0].GitHub != "dknuth" {
		t.Errorf("who on 2026-12-07: %s", out)
	}
}

func TestValidate(t *testing.T) {
	out, _, code := steward(t, "validate")
	if code != 0 || !strings.Contains(out, "is valid") {
		t.Fatalf("sample: exit %d\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}\nengineers:\n  - {name: Ada, github: ada}\n  - {name: Ada2, github: ADA}\nshifts:\n  - {github: zed, start: 2026-01-05, end: 2026-01-19}\n"), 0o644)
	out, _, code = steward(t, "validate", "--roster", bad, "--format", "github")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	want := "::error file=" + bad + ",line=7,col=18::engineers[1].github: \"ADA\" is already used by engineers[0]\n" +
		"::warning file=" + bad + ",line=9,col=6::shifts[0].github: \"zed\" is not on the roster; the shift is kept as confirmed\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	out, _, code = steward(t, "validate", "--roster", bad)
	if code != 1 || !strings.Contains(out, bad+":7:18: engineers[1].github:") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
}

func TestExitCodesAndHelp(t *testing.T) {
	tests := []struct {
		args []string
		code int
		in   string // expected in stdout or stderr
	}{
		{nil, 2, "Usage: steward COMMAND"},
		{[]string{"--help"}, 0, "Commands:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"schedule", "--help"}, 0, "--engineer"},
		{[]string{"who", "--help"}, 0, "--on"},
		{[]string{"validate", "--help"}, 0, "--format"},
		{[]string{"schedule", "--format", "pdf"}, 2, `--format "pdf": use one of table, json, ics, markdown`},
		{[]string{"schedule", "--from", "2026-02-30"}, 2, `"2026-02-30" is not a date`},
		{[]string{"schedule", "--from", "2026-03-01", "--until", "2026-02-01"}, 2, "must be after --from"},
		{[]string{"schedule", "--format", "ics", "--from", "0001-01-01", "--until", "9999-12-31"}, 2, "is longer than 50 years: ask for a shorter range"},
		{[]string{"schedule", "--from", "2170-01-01", "--until", "2210-01-01"}, 0, "Support Stewards"},
		{[]string{"schedule", "--from", "2200-01-01", "--until", "2230-01-01"}, 2, "is outside 1900-01-01 to 2210-01-01"},
		{[]string{"schedule", "--engineer", "nobody"}, 2, `--engineer "nobody" is not on the roster`},
		{[]string{"schedule", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"schedule", "--roster", "/nonexistent/roster.yaml"}, 1, "No roster yet? 'steward init' writes one"},
		{[]string{"schedule", "--from", "2100-01-05"}, 0, "2100-01-05 to 2100-08-03"},
		{[]string{"who", "--format", "xml"}, 2, "use one of text, json"},
	}
	for _, tt := range tests {
		out, errs, code := steward(t, tt.args...)
		if code != tt.code || !strings.Contains(out+errs, tt.in) {
			t.Errorf("steward %v: exit %d (want %d)\nstdout: %s\nstderr: %s\nwant to see %q", tt.args, code, tt.code, out, errs, tt.in)
		}
	}
}

func TestDemoTellsTheStory(t *testing.T) {
	out, errs, code := steward(t, "demo", "--roster", "../../roster.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"== The rotation", "== The rotation pull request", "== FreshDesk to GitHub", "== Response targets", "== Routing support issues", "== Resolving a ticket through its issue", "== What it cost"} {
		if !strings.Contains(out, want) {
			t.Errorf("the story lacks %q:\n%s", want, out)
		}
	}
	out, _, code = steward(t, "demo", "--roster", "../../roster.yaml", "--format", "json")
	var story map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &story) != nil || story["facts"] == nil {
		t.Errorf("demo --format json: %d %.300s", code, out)
	}
}

// futureShifts writes the sample roster with the next two handoffs
// confirmed, so that a swap has shifts that have not started.
func futureShifts(t *testing.T) string {
	sample, err := os.ReadFile("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	last := "  - {github: kjohnson, start: 2026-11-23, end: 2026-12-21}\n"
	text := strings.Replace(string(sample), last, last+
		"  - {github: ada-l, start: 2026-12-07, end: 2027-01-04}\n  - {github: aturing, start: 2026-12-21, end: 2027-01-18}\n", 1)
	path := filepath.Join(t.TempDir(), "roster.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// steward swap and cover --dry-run print the pull request they would open,
// with no credentials at all.
func TestSwapAndCoverDryRun(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"swap.txt", []string{"swap", "ada-l", "aturing", "--dry-run", "--roster", futureShifts(t)}},
		{"cover.txt", []string{"cover", "ewd", "--for", "kjohnson", "--from", "2026-12-01", "--to", "2026-12-04", "--note", "conference", "--dry-run"}},
	} {
		out, errs, code := steward(t, tt.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tt.args, code, errs)
		}
		golden(t, tt.name, out)
	}
	for _, tt := range []struct {
		args []string
		code int
		in   string
	}{
		{[]string{"swap", "grace", "--dry-run"}, 2, "expected 2 handle(s), found 1"},
		{[]string{"swap", "grace", "dknuth", "--dry-run"}, 1, "@grace has no confirmed shift starting after 2026-11-26"},
		{[]string{"swap", "grace", "GRACE", "--dry-run"}, 1, "@grace cannot swap with themselves"},
		{[]string{"swap", "aturing", "grace", "--shift", "2026-10-26", "--with", "2026-11-09", "--dry-run"}, 1, "rewrites the past"},
		{[]string{"cover", "ewd", "--for", "grace", "--from", "2000-01-01", "--to", "2026-12-01", "--dry-run"}, 1, "rewrites the past"},
		{[]string{"cover", "ewd", "--for", "kjohnson", "--from", "2026-12-04", "--to", "2026-12-01", "--dry-run"}, 2, "--to 2026-12-01 is before --from 2026-12-04"},
		{[]string{"cover", "ewd", "--for", "ewd", "--from", "2026-12-01", "--to", "2026-12-04", "--dry-run"}, 1, `"ewd" cannot cover for themselves`},
		{[]string{"cover", "ewd", "--from", "2026-12-01", "--to", "2026-12-04"}, 2, "--for, --from and --to are required"},
		{[]string{"cover", "ewd", "--for", "kjohnson", "--from", "2026-12-01", "--to", "2026-12-04"}, 1, "GITHUB"},
	} {
		out, errs, code := steward(t, tt.args...)
		if code != tt.code || !strings.Contains(out+errs, tt.in) {
			t.Errorf("steward %v: exit %d (want %d)\nstdout: %s\nstderr: %s\nwant to see %q", tt.args, code, tt.code, out, errs, tt.in)
		}
	}
}

// Covers in every format: the table and Markdown list them as rows, JSON
// under "covers", the ICS as events categorised Cover; no shift moves.
func TestScheduleShowsCoversInEveryFormat(t *testing.T) {
	for _, f := range []string{"table", "json", "ics", "markdown"} {
		out, errs, code := steward(t, "schedule", "--roster", "testdata/covers.yaml", "--from", "2026-01-05", "--until", "2026-04-06", "--format", f)
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d: %s", f, code, errs)
		}
		golden(t, "covers."+f, out)
	}
}

// who before the rotation begins, during a cover, and with an away steward
// nobody covers.
func TestWhoWithCoversAndAbsences(t *testing.T) {
	var all strings.Builder
	for _, d := range []string{"2026-01-01", "2026-02-10", "2026-02-17"} {
		out, errs, code := steward(t, "who", "--roster", "testdata/covers.yaml", "--on", d)
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d: %s", d, code, errs)
		}
		all.WriteString("$ steward who --on " + d + "\n" + out + "\n")
	}
	golden(t, "who-covers.txt", all.String())
}

// Every warning issue #17 lists, each at its line with what to do.
func TestValidateWarnsAtEachLine(t *testing.T) {
	out, _, code := steward(t, "validate", "--roster", "testdata/warnings.yaml")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	golden(t, "validate-warnings.txt", out)
}

// Issue #17: the footer named today even when no row was starred.
func TestScheduleFooterNamesTodayOnlyWhenARowIsMarked(t *testing.T) {
	out, _, code := steward(t, "schedule", "--from", "2027-06-01", "--until", "2027-08-01")
	if code != 0 || strings.Contains(out, "* on duty") || strings.Contains(out, " * ") || !strings.Contains(out, "Ranges are [start, end)") {
		t.Errorf("a range without today:\n%s", out)
	}
	out, _, _ = steward(t, "schedule", "--from", "2026-11-01", "--until", "2026-12-01")
	if !strings.Contains(out, "* on duty on 2026-11-26.") {
		t.Errorf("a range with today:\n%s", out)
	}
}
