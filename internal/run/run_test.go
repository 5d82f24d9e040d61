package run

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/wire"
)

func TestARunSkipsWhatIsNotConfiguredAndSaysWhy(t *testing.T) {
	r, probs := roster.Parse("roster.yaml", []byte("version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\n"))
	if r == nil {
		t.Fatal(probs)
	}
	env := wire.Env{Getenv: func(string) string { return "" }, Now: func() time.Time { return time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) }}
	c := wire.Connect(env, r)
	if len(c.Notes()) != 2 {
		t.Errorf("notes %v", c.Notes())
	}
	rep := Run(context.Background(), c, Options{})
	if rep.Failed() || len(rep.Parts) != 6 {
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

const configured = "version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\nintegrations:\n  github: {repo: o/r}\n  freshdesk: {domain: acme}\n"

func mustRoster(t *testing.T, text string) *roster.Roster {
	t.Helper()
	r, probs := roster.Parse("roster.yaml", []byte(text))
	if r == nil {
		t.Fatal(probs)
	}
	return r
}

// A part roster.yaml asks for but that cannot run is a failure with what to
// fix, never "skipped": a team without credentials must see a red run.
func TestAConfiguredPartWithoutCredentialsFails(t *testing.T) {
	r := mustRoster(t, configured)
	env := wire.Env{Getenv: func(string) string { return "" }, Now: func() time.Time { return time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) }}
	rep := Run(context.Background(), wire.Connect(env, r), Options{})
	if !rep.Failed() || len(rep.Parts) != 6 {
		t.Fatalf("parts %+v", rep.Parts)
	}
	for _, p := range rep.Parts {
		if p.Name == "acknowledge" || p.Name == "slack" { // not configured: skipped, rightly
			if !strings.Contains(p.Skipped, "no communication.acknowledge") && !strings.Contains(p.Skipped, "no integrations.slack") {
				t.Errorf("acknowledge: %+v", p)
			}
			continue
		}
		if p.Skipped != "" || p.Error == "" || !strings.Contains(p.Fix, "app-id and app-private-key") {
			t.Errorf("%s: %+v", p.Name, p)
		}
	}
	var b strings.Builder
	rep.WriteMarkdown(&b)
	if !strings.Contains(b.String(), "4 part(s) failed") || strings.Contains(b.String(), "✅") || !strings.Contains(b.String(), "**To fix:**") {
		t.Errorf("summary:\n%s", b.String())
	}
	// FreshDesk configured without its key: the mirror fails, it is not off.
	vars := map[string]string{"GITHUB_TOKEN": "t"}
	env.Getenv = func(k string) string { return vars[k] }
	rep = Run(context.Background(), wire.Connect(env, r), Options{Only: []string{"sync"}})
	if len(rep.Parts) != 1 || rep.Parts[0].Error == "" || !strings.Contains(rep.Parts[0].Fix, "freshdesk-api-key") {
		t.Errorf("sync without a FreshDesk key: %+v", rep.Parts)
	}
}

// With nothing configured the run says it wrote nothing and why.
func TestARunWithNoIntegrationsSaysItWroteNothing(t *testing.T) {
	r := mustRoster(t, "version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\n")
	env := wire.Env{Getenv: func(string) string { return "" }, Now: time.Now}
	rep := Run(context.Background(), wire.Connect(env, r), Options{})
	var b strings.Builder
	rep.WriteMarkdown(&b)
	if rep.Failed() || rep.Configured() || !strings.Contains(b.String(), "steward wrote nothing") {
		t.Errorf("%+v\n%s", rep.Parts, b.String())
	}
}

type unreachable struct{}

func (unreachable) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
}

// An App whose GitHub cannot be reached, or that is not installed, fails
// the run; on main both were "skipped" and the run was green.
func TestUnreachableOrUninstalledAppFails(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	vars := map[string]string{"GITHUB_APP_ID": "42", "GITHUB_APP_PRIVATE_KEY": pemKey, "FRESHDESK_API_KEY": "k"}
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	clk := sandbox.NewManualClock(now)
	r := mustRoster(t, configured)

	env := wire.Env{Getenv: func(k string) string { return vars[k] }, Now: clk.Now, Clock: clk, Transport: unreachable{}}
	rep := Run(context.Background(), wire.Connect(env, r), Options{})
	if !rep.Failed() {
		t.Fatalf("unreachable: %+v", rep.Parts)
	}
	for _, p := range rep.Parts {
		if p.Name == "acknowledge" || p.Name == "stewards" || p.Name == "slack" {
			continue // not configured in this roster: skipped
		}
		if p.Error == "" || !strings.Contains(p.Fix, "could not reach") {
			t.Errorf("unreachable %s: %+v", p.Name, p)
		}
	}

	g := sandbox.NewGitHub(sandbox.GitHubOptions{AppID: 42, AppKey: &key.PublicKey, Clock: clk}) // no installation
	env.Transport = sandbox.Transport{Handler: g}
	vars["GITHUB_API_URL"] = "https://api.github.sandbox/"
	rep = Run(context.Background(), wire.Connect(env, r), Options{Only: []string{"rotate"}})
	if len(rep.Parts) != 2 || rep.Parts[0].Error == "" || !strings.Contains(rep.Parts[0].Fix, "install the GitHub App") || rep.Parts[1].Skipped == "" {
		t.Errorf("not installed: %+v", rep.Parts)
	}
}

// With GitHub reachable but FreshDesk configured without its key, the
// parts that need FreshDesk fail; none of them reports success.
func TestAPartThatLeavesOutFreshdeskFails(t *testing.T) {
	clk := sandbox.NewManualClock(time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC))
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"t": "bot"}, Clock: clk})
	g.AddRepo("o", "r", "main", map[string]string{"roster.yaml": configured})
	g.AddUser("a")
	r := mustRoster(t, strings.Replace(configured, "freshdesk: {domain: acme}", "freshdesk: {domain: acme, stewards_group_id: 9}", 1))
	vars := map[string]string{"GITHUB_TOKEN": "t", "GITHUB_API_URL": "https://api.github.sandbox/"}
	env := wire.Env{Getenv: func(k string) string { return vars[k] }, Now: clk.Now, Clock: clk, Transport: sandbox.Transport{Handler: g}}
	rep := Run(context.Background(), wire.Connect(env, r), Options{})
	failed := map[string]bool{}
	for _, p := range rep.Parts {
		if p.Error != "" {
			failed[p.Name] = true
		}
		if p.Error != "" && !strings.Contains(p.Error, "FRESHDESK_API_KEY") {
			t.Errorf("%s: %s", p.Name, p.Error)
		}
	}
	if !failed["stewards"] || !failed["sync"] || !failed["remind"] || failed["rotate"] || failed["route"] {
		t.Errorf("failed parts %v: %+v", failed, rep.Parts)
	}
	var b strings.Builder
	rep.WriteMarkdown(&b)
	if strings.Contains(b.String(), "up to date") {
		t.Errorf("a failed part claims success:\n%s", b.String())
	}
}

// The scheduled run reminds an unmerged rotation pull request on the
// working day before its handoff, once (issue #17).
func TestTheScheduledRunRemindsAnUnmergedRotationPullRequest(t *testing.T) {
	text := "version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 1, tenure: 2w, handoff_every: 2w, start: 2026-03-02}\nengineers:\n  - {name: A, github: a}\n  - {name: B, github: b}\nintegrations:\n  github: {repo: o/r}\n"
	clk := sandbox.NewManualClock(time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)) // Monday; handoff Monday 03-16
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"t": "bot"}, Clock: clk})
	g.AddRepo("o", "r", "main", map[string]string{"roster.yaml": text})
	g.AddUser("a")
	g.AddUser("b")
	vars := map[string]string{"GITHUB_TOKEN": "t", "GITHUB_API_URL": "https://api.github.sandbox/"}
	env := wire.Env{Getenv: func(k string) string { return vars[k] }, Now: clk.Now, Clock: clk, Transport: sandbox.Transport{Handler: g}}
	reminders := func() int {
		n := 0
		for _, is := range g.Issues("o", "r") {
			for _, c := range is.Comments {
				if is.IsPull && strings.Contains(c, "<!-- steward:reminder ") {
					n++
				}
			}
		}
		return n
	}
	for day := range 5 { // Monday 03-09 .. Friday 03-13, twice a day
		for range 2 {
			rep := Run(context.Background(), wire.Connect(env, mustRoster(t, text)), Options{Only: []string{"rotate"}})
			if rep.Failed() {
				t.Fatalf("day %d: %+v", day, rep.Parts)
			}
		}
		if want := map[bool]int{true: 1, false: 0}[day == 4]; reminders() != want {
			t.Errorf("after %s: %d reminders, want %d", clk.Now().Format("Mon 01-02"), reminders(), want)
		}
		clk.Advance(24 * time.Hour)
	}
}
