package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/usecase"
	"github.com/support-steward/steward/internal/wire"
)

// SlackFacts are the Slack chapter's checkable claims.
type SlackFacts struct {
	Threads   int `json:"threads"`
	Replies   int `json:"replies"`
	Announced int `json:"announced"`
	// GroupMembers are the stewards' user group's members after the run.
	GroupMembers []string `json:"group_members"`
	// RunAgainRequests are the Slack requests of a second run: 0.
	RunAgainRequests int `json:"run_again_requests"`
	Requests         int `json:"requests"`
}

const demoSlackToken = "xoxb-steward-demo"

// slackChapter runs the scheduled run's Slack part against the Slack
// emulator: a thread per ticket, the day's announcements, the stewards'
// user group; then a second run that costs nothing, and `/steward who`.
// Stand-ins fill what the roster does not configure, as for the rest.
func slackChapter(ctx context.Context, w *World, c wire.Clients, clock *sandbox.ManualClock, st *Story) error {
	r := w.Roster
	var filled []string
	if r.Integrations.Slack == nil {
		r.Integrations.Slack = &roster.SlackIntegration{TicketsChannel: "C0DEMOTICKETS", GeneralChannel: "C0DEMOGENERAL", StewardsUsergroup: "S0DEMOSTEWARDS"}
		filled = append(filled, "integrations.slack")
	}
	cfg := r.Integrations.Slack
	missing := 0
	for i := range r.Engineers {
		if r.Engineers[i].Slack == "" {
			r.Engineers[i].Slack = fmt.Sprintf("U0DEMO%04d", i+1)
			missing++
		}
	}
	if missing > 0 {
		filled = append(filled, fmt.Sprintf("Slack ids for %d engineer(s)", missing))
	}
	s := sandbox.NewSlack(sandbox.SlackOptions{Token: demoSlackToken, Clock: clock})
	for _, ch := range []string{cfg.TicketsChannel, cfg.GeneralChannel} {
		if ch != "" {
			s.AddChannel(ch, "support", true, true)
		}
	}
	for _, e := range r.Engineers {
		s.AddUser(e.Slack)
	}
	if cfg.StewardsUsergroup != "" {
		s.AddUserGroup(cfg.StewardsUsergroup, "stewards")
	}
	w.Slack = s
	// The bot is built by wire, as every running mode's is.
	vars := map[string]string{"SLACK_BOT_TOKEN": demoSlackToken, "SLACK_API_URL": "https://slack.sandbox/api/"}
	chat, err := wire.ConnectSlack(wire.Env{Getenv: func(k string) string { return vars[k] }, Clock: clock,
		Transport: sandbox.Transport{Handler: s}}, r)
	if err != nil {
		return err
	}
	c.Roster = r
	run, _ := c.SlackRun(ctx, chat) // a handoff told without its pull request is still told
	res, err := run.Run(ctx, c.Now)
	if err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	f := &st.Facts.Slack
	f.Threads, f.Replies, f.Announced, f.Requests = res.Opened, res.Told, res.Announced, s.Ledger().Len()
	if g, ok := s.UserGroup(cfg.StewardsUsergroup); ok {
		f.GroupMembers = g.Users
	}
	s.Ledger().Reset()
	if _, err := run.Run(ctx, c.Now); err != nil {
		return fmt.Errorf("slack, run again: %w", err)
	}
	f.RunAgainRequests = s.Ledger().Len()
	ch := st.chapter("Slack")
	if len(filled) > 0 {
		ch.say("The roster does not configure Slack fully, so the demo uses sandbox stand-ins: %s.", strings.Join(filled, ", "))
	}
	ch.say("Each ticket that changed in the last day, or whose response target just passed, got one thread in the tickets channel (%d), its parent naming the ticket, its priority, hub and the stewards on duty, the subject without e-mail addresses or phone numbers; %d replies told what already happened to them (an issue opened, who was asked, a missed response target, a resolution).", f.Threads, f.Replies)
	ch.say("The thread's permalink went into a private note on the ticket: that is how the next run finds it, without a database or reading the channel.")
	ch.say("%d handoff or event message(s) went out today; the stewards' user group holds exactly the %d stewards on duty.", f.Announced, len(f.GroupMembers))
	ch.say("That took %d Slack requests. Run again with nothing new: %d.", f.Requests, f.RunAgainRequests)
	who, err := usecase.CommandAnswers{Roster: r, Now: func() time.Time { return c.Now }}.Who(ctx)
	if err != nil {
		return err
	}
	ch.say("`/steward who` answers (in Slack's markup): %s", strings.ReplaceAll(who, "\n", " "))
	return nil
}
