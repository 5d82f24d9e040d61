package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/slack"
	"github.com/support-steward/steward/internal/wire"
)

const (
	slackSecret = "slack-signing-secret-for-tests"
	// ourTeam is the workspace slackBackend's roster names.
	ourTeam = "T0TEAM0001"
)

// commandBody is `/steward text` from workspace team as Slack sends it.
func commandBody(text, team string) string {
	form := url.Values{"command": {"/steward"}, "text": {text}, "user_id": {"U0ADA00001"}}
	if team != "" {
		form.Set("team_id", team)
	}
	return form.Encode()
}

// signedRequest is body posted as Slack would, signed with sigSecret at at.
func signedRequest(body, sigSecret string, at time.Time) *http.Request {
	return sandbox.SlackSignedRequest(body, sigSecret, at)
}

func signedCommand(text, team, sigSecret string, at time.Time) *http.Request {
	return signedRequest(commandBody(text, team), sigSecret, at)
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// again is a copy of req, as someone who kept it would send it.
func again(req *http.Request, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/slack", strings.NewReader(body))
	r.Header = req.Header.Clone()
	return r
}

func slashCommand(h http.Handler, text, sigSecret string, at time.Time) *httptest.ResponseRecorder {
	return serve(h, signedCommand(text, ourTeam, sigSecret, at))
}

type slackAnswer struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

func decodeAnswer(t *testing.T, rec *httptest.ResponseRecorder) slackAnswer {
	t.Helper()
	var out slackAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%d %q: %v", rec.Code, rec.Body.String(), err)
	}
	return out
}

// slackBackend is the sample roster with integrations.slack naming
// ourTeam; reads counts the roster's reads.
type slackBackend struct{ reads *atomic.Int32 }

func (b slackBackend) Clients(context.Context, int64) (*wire.Clients, error) {
	b.reads.Add(1)
	data, err := os.ReadFile("../../roster.yaml")
	if err != nil {
		return nil, err
	}
	doc := strings.Replace(string(data), "\nintegrations:\n", "\nintegrations:\n  slack:\n    team_id: "+ourTeam+"\n    tickets_channel: C0TICKETS1\n", 1)
	r, probs := roster.Parse("roster.yaml", []byte(doc))
	if r == nil || r.Integrations.Slack == nil || r.Integrations.Slack.TeamID != ourTeam {
		return nil, probs.Errors()
	}
	return &wire.Clients{Roster: r, Now: time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)}, nil
}

func slackServer(t *testing.T, b Backend) *Server {
	t.Helper()
	cmd, err := SlackCommand(slackSecret, b, testLog)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newServer(t, b, func(c *Config) { c.Slack = cmd })
	return s
}

func TestTheSlashCommandIsServedAtWebhooksSlack(t *testing.T) {
	reads := &atomic.Int32{}
	s := slackServer(t, slackBackend{reads})
	rec := slashCommand(s.Handler(), "who", slackSecret, time.Now())
	if out := decodeAnswer(t, rec); rec.Code != 200 || !strings.Contains(out.Text, "on duty today (2026-11-26)") {
		t.Errorf("who: %d %s", rec.Code, rec.Body.String())
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("a command read the roster %d times, want 1", n)
	}
	for name, rec := range map[string]*httptest.ResponseRecorder{
		"wrong secret": slashCommand(s.Handler(), "who", "not-the-secret", time.Now()),
		"stale":        slashCommand(s.Handler(), "who", slackSecret, time.Now().Add(-6*time.Minute)),
	} {
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, rec.Code)
		}
	}
	// Without a signing secret the endpoint is off.
	off, _ := newServer(t, nullBackend{}, nil)
	if rec := slashCommand(off.Handler(), "who", slackSecret, time.Now()); rec.Code != http.StatusNotFound {
		t.Errorf("no Slack configured: %d, want 404", rec.Code)
	}
}

// The app may be installed in several workspaces, all signing with its
// secret: /steward answers only the roster's.
func TestTheSlashCommandAnswersOnlyTheRostersWorkspace(t *testing.T) {
	s := slackServer(t, slackBackend{&atomic.Int32{}})
	for _, team := range []string{"T0OTHER001", "", "t0team0001", ourTeam + " "} {
		for _, text := range []string{"who public", "overdue", "schedule 2", "nonsense"} {
			rec := serve(s.Handler(), signedCommand(text, team, slackSecret, time.Now()))
			out := decodeAnswer(t, rec)
			if rec.Code != 200 || out.ResponseType != "ephemeral" || !strings.Contains(out.Text, "only in its team's Slack workspace, and this is another one") {
				t.Errorf("team %q, %q: %d %+v", team, text, rec.Code, out)
			}
		}
	}
	rec := serve(s.Handler(), signedCommand("who public", ourTeam, slackSecret, time.Now()))
	if out := decodeAnswer(t, rec); out.ResponseType != "in_channel" || !strings.Contains(out.Text, "on duty today") {
		t.Errorf("our workspace: %+v", out)
	}
}

func TestTheSlashCommandIsRefusedUntilTheRosterNamesItsWorkspace(t *testing.T) {
	s := slackServer(t, nullBackend{}) // the sample roster: no integrations.slack
	for _, text := range []string{"who", "overdue", "help"} {
		rec := serve(s.Handler(), signedCommand(text, ourTeam, slackSecret, time.Now()))
		out := decodeAnswer(t, rec)
		if rec.Code != 200 || out.ResponseType != "ephemeral" || strings.Contains(out.Text, "on duty") ||
			!strings.Contains(out.Text, "set `integrations.slack.team_id`") || !strings.Contains(out.Text, "(this one's is `"+ourTeam+"`)") {
			t.Errorf("%q: %d %+v", text, rec.Code, out)
		}
	}
}

// A signed request replayed within its 5 minutes is answered once, however
// the signature's hex is written.
func TestASlashCommandIsAnsweredOnce(t *testing.T) {
	reads := &atomic.Int32{}
	s := slackServer(t, slackBackend{reads})
	raw := commandBody("who", ourTeam)
	first := signedRequest(raw, slackSecret, time.Now().Add(-4*time.Minute))
	if out := decodeAnswer(t, serve(s.Handler(), first)); !strings.Contains(out.Text, "on duty today") {
		t.Fatalf("first: %+v", out)
	}
	upper := again(first, raw)
	upper.Header.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(first.Header.Get("X-Slack-Signature"), "v0=")))
	for name, req := range map[string]*http.Request{"the same": again(first, raw), "upper-case hex": upper} {
		rec := serve(s.Handler(), req)
		out := decodeAnswer(t, rec)
		if rec.Code != 200 || out.ResponseType != "ephemeral" || out.Text != "steward already answered this request." {
			t.Errorf("%s, again: %d %+v", name, rec.Code, out)
		}
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("the roster was read %d times, want once", n)
	}
}

// slowFreshdeskBackend is slackBackend with FreshDesk connected, listing
// tickets slower than Slack waits for a slash command.
type slowFreshdeskBackend struct {
	slackBackend
	fd *freshdesk.Client
}

func (b slowFreshdeskBackend) Clients(ctx context.Context, id int64) (*wire.Clients, error) {
	c, err := b.slackBackend.Clients(ctx, id)
	if err == nil {
		c.FD = b.fd
	}
	return c, err
}

// Issue #25, fact 6, through the server: `/steward overdue` on an account
// whose tickets take longer than Slack's 3 seconds (the Slack sandbox
// plays Slack and enforces the window) answers "working on it" in time,
// then posts the list to the command's response_url.
func TestASlowOverdueIsAnsweredLaterThroughTheServer(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	clk := sandbox.NewManualClock(now)
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "fd-key", AgentID: 501, Clock: clk,
		Faults: sandbox.NewFaults(1, sandbox.Fault{Route: "GET /api/v2/tickets", Latency: sandbox.SlashCommandWindow})})
	fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: 4, CreatedAt: now.Add(-72 * time.Hour)})
	fdc, err := freshdesk.New(freshdesk.Config{BaseURL: "http://fd.sandbox", APIKey: "fd-key", Clock: clk, ListPerMinute: 1000,
		Transport: sandbox.Transport{Handler: fd}})
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := SlackCommand(slackSecret, slowFreshdeskBackend{slackBackend{&atomic.Int32{}}, fdc}, testLog)
	if err != nil {
		t.Fatal(err)
	}
	sl := sandbox.NewSlack(sandbox.SlackOptions{Token: "xoxb-sandbox", Clock: clk})
	h := cmd.(*slack.CommandHandler)
	h.ResponseURLBase = sandbox.SandboxHooksURL // for tests only: the sandbox's hooks host
	h.ResponseClient = &http.Client{Transport: sandbox.Transport{Handler: sl}}
	s, _ := newServer(t, slackBackend{&atomic.Int32{}}, func(c *Config) { c.Slack = cmd })
	res := sl.Command(s.Handler(), sandbox.SlashCommand{Text: "overdue", TeamID: ourTeam, SigningSecret: slackSecret})
	if res.TimedOut || res.Status != 200 || res.ResponseType != "ephemeral" || !strings.Contains(res.Text, "Working on it") {
		t.Fatalf("within Slack's window: %+v", res)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if posts := sl.ResponsePosts(res.ResponseURL); len(posts) != 1 || !strings.Contains(posts[0].Text, "1 ticket(s) past a response target") ||
		posts[0].ResponseType != "ephemeral" {
		t.Errorf("the response_url was given %+v", posts)
	}
}
