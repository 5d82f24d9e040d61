package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/roster"
)

func TestARunSkipsWhatIsNotConfiguredAndSaysWhy(t *testing.T) {
	r, probs := roster.Parse("roster.yaml", []byte("version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\n"))
	if r == nil {
		t.Fatal(probs)
	}
	env := Env{Getenv: func(string) string { return "" }, Now: func() time.Time { return time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) }}
	c := Connect(env, r)
	if len(c.Notes()) != 2 {
		t.Errorf("notes %v", c.Notes())
	}
	rep := Run(context.Background(), c, Options{})
	if rep.Failed() || len(rep.Parts) != 4 {
		t.Fatalf("parts %+v", rep.Parts)
	}
	for _, p := range rep.Parts {
		if !strings.Contains(p.Skipped, "no integrations") && !strings.Contains(p.Skipped, "no communication.acknowledge") {
			t.Errorf("%s: skipped %q", p.Name, p.Skipped)
		}
	}
	var b strings.Builder
	rep.WriteMarkdown(&b)
	for _, want := range []string{"## steward, 2026-03-04", "**Stewards on duty:** A (@a, until 2026-03-09)", "| sync | skipped: the mirror is off"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
	// Only some parts, on request.
	if rep := Run(context.Background(), c, Options{Only: []string{"sync"}}); len(rep.Parts) != 1 || rep.Parts[0].Name != "sync" {
		t.Errorf("only sync: %+v", rep.Parts)
	}
}

func TestCredentialsComeFromTheEnvironment(t *testing.T) {
	r, _ := roster.Parse("roster.yaml", []byte("version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\nintegrations:\n  github: {repo: o/r}\n  freshdesk: {domain: acme}\n"))
	vars := map[string]string{"GITHUB_TOKEN": "t", "FRESHDESK_API_KEY": "k", "STEWARD_FRESHDESK_DOMAIN": "other"}
	c := Connect(Env{Getenv: func(k string) string { return vars[k] }, Now: time.Now}, r)
	if c.GH == nil || c.FD == nil || len(c.Notes()) != 0 {
		t.Fatalf("clients: %v %v %v", c.GHErr, c.FDErr, c.Notes())
	}
	if got := c.FD.AgentURL(7); got != "https://other.freshdesk.com/a/tickets/7" {
		t.Errorf("the domain override: %s", got)
	}
	delete(vars, "GITHUB_TOKEN")
	if c := Connect(Env{Getenv: func(k string) string { return vars[k] }, Now: time.Now}, r); c.GH != nil || !strings.Contains(c.GHErr.Error(), "no GitHub credentials") {
		t.Errorf("without a token: %v", c.GHErr)
	}
}
