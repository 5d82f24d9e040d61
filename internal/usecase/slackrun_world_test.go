package usecase_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/slack"
	"github.com/support-steward/steward/internal/usecase"
)

const (
	slackTickets = "C0TICKETS1"
	slackGeneral = "C0GENERAL1"
	slackGroup   = "S0STEWARD1"
	slackToken   = "xoxb-sandbox"
)

// slackRoster is a team of five; Dee has no Slack id. The rotation starts on
// Monday 2026-10-05 and hands off every other Monday.
const slackRoster = `version: 1
team: Support
timezone: America/Los_Angeles
holidays: [2026-11-30]
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-10-05}
engineers:
  - {name: Ada Lovelace, github: ada, slack: U0ADA00001}
  - {name: Bob Bell, github: bob, slack: U0BOB00001}
  - {name: Cy Young, github: cy, slack: U0CY000001}
  - {name: Eve Moss, github: eve, slack: U0EVE00001}
  - {name: Fay Wray, github: fay, slack: U0FAY00001, support_rotation: false}
events:
  - {name: Workshop, hub: Example Hub, from: 2026-11-19, to: 2026-11-21}
  - {name: Bootcamp, hub: Uni Bootcamp, from: 2026-12-12, to: 2026-12-16}
integrations:
  github: {repo: acme/support}
  freshdesk: {domain: acme}
  slack: {tickets_channel: C0TICKETS1, general_channel: C0GENERAL1, stewards_usergroup: S0STEWARD1}
`

// slackWorld is Slack, GitHub and FreshDesk sandboxes on one clock, and
// SlackRun wired to them through the real adapters.
type slackWorld struct {
	t      testing.TB
	clock  *sandbox.ManualClock
	slack  *sandbox.Slack
	gh     *sandbox.GitHub
	fd     *sandbox.Freshdesk
	roster *roster.Roster
	run    *usecase.SlackRun
	ghc    *gh.Client
	fdc    *freshdesk.Client
}

func newSlackWorld(t testing.TB, extra string, slackFaults *sandbox.Faults, now time.Time) *slackWorld {
	t.Helper()
	r, probs := roster.Parse("roster.yaml", []byte(slackRoster+extra))
	if r == nil || len(probs.Errors()) > 0 {
		t.Fatalf("roster: %v", probs)
	}
	w := &slackWorld{t: t, clock: sandbox.NewManualClock(now), roster: r}
	w.slack = sandbox.NewSlack(sandbox.SlackOptions{Token: slackToken, Clock: w.clock, Faults: slackFaults})
	w.slack.AddChannel(slackTickets, "support-freshdesk", true, true)
	w.slack.AddChannel(slackGeneral, "hub-support", false, true)
	for _, e := range r.Engineers {
		if e.Slack != "" {
			w.slack.AddUser(e.Slack)
		}
	}
	w.slack.AddUserGroup(slackGroup, "stewards")
	w.gh = sandbox.NewGitHub(sandbox.GitHubOptions{Clock: w.clock, Tokens: map[string]string{"gh-token": "steward-bot"}})
	w.gh.AddRepo("acme", "support", "main", nil)
	w.fd = sandbox.NewFreshdesk(sandbox.FreshdeskOptions{Clock: w.clock, APIKey: "fd-key", AgentID: 501})
	w.fd.AddCompany(sandbox.FDCompany{ID: 1, Name: "Example Hub"})
	ghSrv, fdSrv := httptest.NewServer(w.gh), httptest.NewServer(w.fd)
	t.Cleanup(ghSrv.Close)
	t.Cleanup(fdSrv.Close)
	var err error
	if w.ghc, err = gh.New(gh.Config{APIURL: ghSrv.URL, Token: "gh-token", Clock: w.clock}); err != nil {
		t.Fatal(err)
	}
	if w.fdc, err = freshdesk.New(freshdesk.Config{BaseURL: fdSrv.URL, APIKey: "fd-key", Clock: w.clock, ListPerMinute: 1000}); err != nil {
		t.Fatal(err)
	}
	w.run = w.newRun()
	if tt, ok := t.(*testing.T); ok {
		tt.Cleanup(func() {
			if v := w.slack.ContractViolations(); len(v) > 0 {
				tt.Errorf("requests departed from Slack's description:\n%s", strings.Join(v, "\n"))
			}
		})
	}
	return w
}

// newRun wires a SlackRun as a separate process would: its own Slack
// client, the shared sandboxes.
func (w *slackWorld) newRun() *usecase.SlackRun {
	chat, err := slack.New(slack.Options{Token: slackToken, APIURL: "http://slack.sandbox/api/",
		Transport: sandbox.Transport{Handler: w.slack}, Clock: w.clock})
	if err != nil {
		w.t.Fatal(err)
	}
	issues, err := w.ghc.Issues("acme/support")
	if err != nil {
		w.t.Fatal(err)
	}
	// The dashboard has one writer, the remind run's keeper: the journal
	// opens it through it, as wire makes it.
	dashboard := &usecase.Triage{Issues: issues, Roster: w.roster, Label: "support"}
	return &usecase.SlackRun{
		Roster: w.roster, Chat: chat,
		Notes:     freshdesk.Notes{C: w.fdc},
		Journal:   gh.Journal{C: w.ghc, Owner: "acme", Repo: "support", Dashboard: dashboard.Dashboard},
		Tickets:   freshdesk.Tickets{C: w.fdc},
		Issues:    gh.SupportIssues{C: w.ghc, Owner: "acme", Repo: "support"},
		TicketURL: w.fdc.AgentURL,
	}
}

// runOnce runs the Slack part at the clock's now and fails on an error.
func (w *slackWorld) runOnce() usecase.SlackResult {
	w.t.Helper()
	res, err := w.run.Run(context.Background(), w.clock.Now())
	if err != nil {
		w.t.Fatalf("slack run at %s: %v", w.clock.Now().Format(time.RFC3339), err)
	}
	return res
}

// openIssue opens the support issue the mirror would for a ticket, with
// its hidden marker.
func (w *slackWorld) openIssue(ticket int64, subject, hub string) int {
	la := w.roster.Location()
	body := mirror.Render{Repo: "acme/support", TicketURL: w.fdc.AgentURL, Location: la}.Body(mirror.State{
		Domain: "acme.freshdesk.com", Ticket: ticket, Subject: subject, Status: 2, Priority: 3, Hub: hub, Created: w.clock.Now()})
	return w.gh.CreateIssue("acme", "support", "steward-bot", subject, body, "support")
}

var slackTicketNo = regexp.MustCompile(`Ticket #(\d+)>`)

// parents counts the thread parents in the tickets channel by ticket.
func (w *slackWorld) parents() map[string]int {
	out := map[string]int{}
	for _, m := range w.slack.Parents(slackTickets) {
		if id := slackTicketNo.FindStringSubmatch(m.Text); id != nil {
			out[id[1]]++
		}
	}
	return out
}

// threadRecord is a thread steward recorded in a ticket's notes.
var threadRecord = regexp.MustCompile(`steward:slack-thread ([A-Z0-9]+) (\d+\.\d+)`)

// unrecordedParents returns the parents of ticket id (its number as text)
// that no note of the ticket records: ones no later run would find.
func (w *slackWorld) unrecordedParents(id string) []string {
	var n int64
	if _, err := fmt.Sscan(id, &n); err != nil {
		w.t.Fatal(err)
	}
	recorded := map[string]bool{}
	for _, c := range w.fd.Conversations(n) {
		for _, m := range threadRecord.FindAllStringSubmatch(c.Body, -1) {
			recorded[m[2]] = true
		}
	}
	var out []string
	for _, m := range w.slack.Parents(slackTickets) {
		if no := slackTicketNo.FindStringSubmatch(m.Text); no != nil && no[1] == id && !recorded[m.TS] {
			out = append(out, m.TS)
		}
	}
	return out
}

// thread returns the replies in a ticket's thread.
func (w *slackWorld) thread(ticket int64) []string {
	for _, m := range w.slack.Parents(slackTickets) {
		if id := slackTicketNo.FindStringSubmatch(m.Text); id != nil && id[1] == fmt.Sprint(ticket) {
			var out []string
			for _, r := range w.slack.Replies(slackTickets, m.TS) {
				out = append(out, r.Text)
			}
			return out
		}
	}
	return nil
}
