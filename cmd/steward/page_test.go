package main

import (
	"strings"
	"testing"
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
