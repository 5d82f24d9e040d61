package usecase_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
)

// personal is what a requester may put in a subject; none of it may reach
// GitHub, by default.
var personal = []string{"jane.doe@example.org", "555", "123-4567"}

func TestEmailAddressesAndPhoneNumbersInSubjectsStayOffGitHub(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Login loop for jane.doe@example.org, call +1 (555) 123-4567",
		Tags: []string{"engineering"}, Priority: sandbox.PriorityUrgent})
	w.clock.Advance(time.Minute)
	var logs bytes.Buffer
	a := w.applier()
	a.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if r, err := a.Sync(context.Background(), w.config, "support", 24*time.Hour, false); err != nil || r.Failed() > 0 {
		t.Fatalf("%v %s", err, failures(r))
	}
	is := w.issues()[0]
	if is.Title != "Login loop for [email], call [phone]" {
		t.Errorf("title %q", is.Title)
	}
	if len(w.gh.ProjectItems("acme", 7)) != 1 {
		t.Error("the issue is not on the board")
	}
	// A subject change scrubs the same way, and once: the run after it
	// plans nothing.
	w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.Subject = "Still looping, write to jane.doe@example.org" })
	w.settle(3)
	if is := w.issues()[0]; is.Title != "Still looping, write to [email]" {
		t.Errorf("title after the change %q", is.Title)
	}
	// Nothing steward sent to GitHub (issue, marker, board, comments) nor
	// logged holds the address or the number.
	// The ticket's link holds the sandbox's port, which may hold "555".
	for _, q := range w.gh.Ledger().Requests() {
		sent := bytes.ReplaceAll(q.Body, []byte(w.fdURL), nil)
		for _, p := range personal {
			if bytes.Contains(sent, []byte(p)) {
				t.Errorf("%s %s sent %q to GitHub:\n%s", q.Method, q.Path, p, q.Body)
			}
		}
	}
	for _, p := range personal {
		if strings.Contains(logs.String(), p) || strings.Contains(strings.ReplaceAll(w.issues()[0].Body, w.fdURL, ""), p) {
			t.Errorf("%q is in the logs or the issue body", p)
		}
	}
}

func TestScrubbingSubjectsCanBeTurnedOff(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.config.KeepSubjects = true
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Login loop for jane.doe@example.org", Tags: []string{"engineering"}})
	w.settle(3)
	if is := w.issues()[0]; is.Title != "Login loop for jane.doe@example.org" {
		t.Errorf("title %q", is.Title)
	}
}

// An issue made before scrubbing existed has the address in its title and
// marker: one run puts both right.
func TestAnIssueRecordedBeforeScrubbingIsScrubbedOnce(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.config.KeepSubjects = true
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Call +44 20 7946 0958", Tags: []string{"engineering"}})
	w.settle(3)
	w.config.KeepSubjects = false
	if n := w.settle(3); n != 2 {
		t.Errorf("%d runs to settle; want one that scrubs, one that finds nothing to do", n)
	}
	if is := w.issues()[0]; is.Title != "Call [phone]" || strings.Contains(strings.ReplaceAll(is.Body, w.fdURL, ""), "7946") {
		t.Errorf("title %q, body:\n%s", is.Title, is.Body)
	}
}

func TestScrubSubjectsIsOnUnlessTheRosterTurnsItOff(t *testing.T) {
	base := `version: 1
team: T
timezone: UTC
support: {team_size: 1, tenure: 2w, handoff_every: 2w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
integrations:
  github: {repo: acme/support}
  freshdesk:
    domain: acme
`
	for _, tt := range []struct {
		extra string
		keep  bool
	}{{"", false}, {"    scrub_subjects: true\n", false}, {"    scrub_subjects: false\n", true}} {
		r, probs := roster.Parse("roster.yaml", []byte(base+tt.extra))
		if r == nil {
			t.Fatalf("%q: %v", tt.extra, probs.Errors())
		}
		s, err := mirror.FromRoster(r)
		if err != nil || s.Config.KeepSubjects != tt.keep {
			t.Errorf("%q: KeepSubjects %v, want %v (%v)", tt.extra, s.Config.KeepSubjects, tt.keep, err)
		}
	}
}
