package run

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/wire"
)

// hosts sends each request to the sandbox serving its host.
type hosts map[string]http.Handler

func (h hosts) RoundTrip(r *http.Request) (*http.Response, error) {
	return sandbox.Transport{Handler: h[r.URL.Host]}.RoundTrip(r)
}

const slackConfigured = "version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-03-02}\n" +
	"engineers:\n  - {name: A, github: a, slack: U0AAAAAAA1}\n  - {name: B, github: b, slack: U0BBBBBBB1}\n" +
	"integrations:\n  github: {repo: o/r}\n  slack: {tickets_channel: C0TICKETS1, stewards_usergroup: S0STEWARD1}\n"

func TestSlackConfiguredWithoutATokenFailsAndSaysWhatToSet(t *testing.T) {
	r := mustRoster(t, slackConfigured)
	vars := map[string]string{"GITHUB_TOKEN": "t"}
	env := wire.Env{Getenv: func(k string) string { return vars[k] }, Now: func() time.Time { return time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC) }}
	c := wire.Connect(env, r)
	rep := Run(context.Background(), c, Options{Only: []string{"slack"}})
	if len(rep.Parts) != 1 || rep.Parts[0].Error == "" || !strings.Contains(rep.Parts[0].Fix, "slack-bot-token") || !rep.Failed() {
		t.Fatalf("parts %+v", rep.Parts)
	}
	if notes := strings.Join(c.Notes(), "\n"); !strings.Contains(notes, "Slack off") {
		t.Errorf("notes: %s", notes)
	}
	// A dry run shows it too: it is where a team looks before writing.
	// Found by a fresh-eye review: the dry run said "skipped".
	if rep := Run(context.Background(), c, Options{Only: []string{"slack"}, DryRun: true}); !rep.Failed() || !strings.Contains(rep.Parts[0].Fix, "slack-bot-token") {
		t.Errorf("a dry run: %+v", rep.Parts)
	}
}

func TestTheScheduledRunDoesSlacksPart(t *testing.T) {
	clk := sandbox.NewManualClock(time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)) // Monday, a handoff
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"t": "bot"}, Clock: clk})
	g.AddRepo("o", "r", "main", nil)
	s := sandbox.NewSlack(sandbox.SlackOptions{Token: "xoxb-t", Clock: clk})
	s.AddChannel("C0TICKETS1", "support-freshdesk", true, true)
	s.AddUser("U0AAAAAAA1")
	s.AddUser("U0BBBBBBB1")
	s.AddUserGroup("S0STEWARD1", "stewards")
	vars := map[string]string{"GITHUB_TOKEN": "t", "GITHUB_API_URL": "https://api.github.sandbox/",
		"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_API_URL": "https://slack.sandbox/api/"}
	env := wire.Env{Getenv: func(k string) string { return vars[k] }, Now: clk.Now, Clock: clk,
		Transport: hosts{"api.github.sandbox": g, "slack.sandbox": s}}
	// The handoff's rotation pull request, which the message links.
	if _, err := g.OpenPull("o", "r", "steward-bot", "main", "steward/rotation-2026-03-09", "rotation", "", nil); err != nil {
		t.Fatal(err)
	}
	rep := Run(context.Background(), wire.Connect(env, mustRoster(t, slackConfigured)), Options{Only: []string{"slack"}})
	if rep.Failed() || rep.Slack == nil || rep.Slack.Announced != 1 || rep.Slack.Group == nil || !rep.Slack.Group.Changed {
		t.Fatalf("parts %+v, slack %+v", rep.Parts, rep.Slack)
	}
	if ms := s.Messages("C0TICKETS1"); len(ms) != 1 || !strings.Contains(ms[0].Text, "handoff") || !strings.Contains(ms[0].Text, "/o/r/pull/1|o/r#1>") {
		t.Errorf("tickets channel: %+v", ms)
	}
	if g, _ := s.UserGroup("S0STEWARD1"); strings.Join(g.Users, ",") != "U0BBBBBBB1" {
		t.Errorf("the stewards' group: %v", g.Users)
	}
	var b strings.Builder
	rep.WriteMarkdown(&b)
	if !strings.Contains(b.String(), "| slack | ✅") || !strings.Contains(b.String(), "no ticket threads") {
		t.Errorf("summary:\n%s", b.String())
	}
	// The next run that day: nothing new, no Slack request.
	s.Ledger().Reset()
	clk.Advance(time.Hour)
	if rep := Run(context.Background(), wire.Connect(env, mustRoster(t, slackConfigured)), Options{Only: []string{"slack"}}); rep.Failed() || s.Ledger().Len() != 0 {
		t.Errorf("run again: %+v, %d Slack requests:\n%s", rep.Parts, s.Ledger().Len(), s.Ledger())
	}
}
