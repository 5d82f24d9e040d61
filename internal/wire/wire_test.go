package wire

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
)

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

const configured = "version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\nintegrations:\n  github: {repo: o/r}\n  freshdesk: {domain: acme}\n"

// The server's clients are built as the command line's: the FreshDesk
// domain override and the mirror's log work in both. On main the server
// wired its clients by hand, used the roster's domain whatever
// STEWARD_FRESHDESK_DOMAIN said, and left the mirror without a log.
func TestTheServerBuildsItsClientsAsTheCommandLineDoes(t *testing.T) {
	clk := sandbox.NewManualClock(time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC))
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"t": "bot"}, Clock: clk})
	g.AddRepo("o", "r", "main", map[string]string{"roster.yaml": configured})
	vars := map[string]string{"GITHUB_TOKEN": "t", "GITHUB_API_URL": "https://api.github.sandbox/",
		"FRESHDESK_API_KEY": "k", "STEWARD_FRESHDESK_DOMAIN": "other"}
	var logs bytes.Buffer
	e := Env{Getenv: func(k string) string { return vars[k] }, Now: clk.Now, Clock: clk, Transport: sandbox.Transport{Handler: g},
		Log: slog.New(slog.NewTextHandler(&logs, nil))}
	b, err := NewAppBackend(e, "o/r:roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	served, err := b.Clients(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	cli := Connect(e, mustRoster(t, configured))
	for name, c := range map[string]Clients{"server": *served, "command line": cli} {
		if c.GH == nil || c.FD == nil {
			t.Fatalf("%s: clients %v %v", name, c.GHErr, c.FDErr)
		}
		if got := c.FD.AgentURL(7); got != "https://other.freshdesk.com/a/tickets/7" {
			t.Errorf("%s: the domain override: %s", name, got)
		}
		a, _, err := c.Mirror()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a.Log == nil {
			t.Fatalf("%s: the mirror has no log", name)
		}
		a.Log.Warn("mirror step failed", "via", name)
		if !strings.Contains(logs.String(), "via=\""+name+"\"") && !strings.Contains(logs.String(), "via="+name) {
			t.Errorf("%s: the mirror's log does not reach the process's:\n%s", name, logs.String())
		}
	}
	// The server's clients are kept: a second delivery makes none.
	again, err := b.Clients(context.Background(), 0)
	if err != nil || again.GH != served.GH || again.FD != served.FD {
		t.Errorf("clients were made again: %v", err)
	}
}

func TestTheServerNeedsARosterLocationAndCredentials(t *testing.T) {
	for loc, want := range map[string]string{"nope": "is not owner/repo:path", "o/r:roster.yaml": "no GitHub credentials"} {
		_, err := NewAppBackend(Env{Getenv: func(string) string { return "" }, Now: time.Now}, loc)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", loc, err, want)
		}
	}
}

func mustRoster(t *testing.T, text string) *roster.Roster {
	t.Helper()
	r, probs := roster.Parse("roster.yaml", []byte(text))
	if r == nil {
		t.Fatal(probs)
	}
	return r
}
