package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
)

// SlackFacts are the Slack chapter's checkable claims.
type SlackFacts struct {
	// Threads, Replies and Announced are what the day's run and the run
	// after the fix did in Slack, together.
	Threads   int `json:"threads"`
	Replies   int `json:"replies"`
	Announced int `json:"announced"`
	// GroupMembers are the stewards' user group's members after the runs.
	GroupMembers []string `json:"group_members"`
	// RunAgainRequests are the Slack requests of the run with nothing new.
	RunAgainRequests int `json:"run_again_requests"`
	// Requests are the Slack requests of the day's run and the next.
	Requests int `json:"requests"`
}

const demoSlackToken = "xoxb-steward-demo"

// fillSlack completes what the roster does not configure of Slack with
// stand-ins (a workspace's channels and user group, the engineers' Slack
// ids), before the runs' clients are made, and says what it filled.
func fillSlack(r *roster.Roster) []string {
	var filled []string
	if r.Integrations.Slack == nil {
		r.Integrations.Slack = &roster.SlackIntegration{TicketsChannel: "C0DEMOTICKETS", GeneralChannel: "C0DEMOGENERAL", StewardsUsergroup: "S0DEMOSTEWARDS"}
		filled = append(filled, "integrations.slack")
	}
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
	return filled
}

// slackSandbox is the roster's Slack workspace: its channels, with the bot
// in them, its engineers, and the stewards' user group.
func slackSandbox(r *roster.Roster, clock *sandbox.ManualClock) *sandbox.Slack {
	cfg := r.Integrations.Slack
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
	return s
}

// 8. Slack: what the runs' Slack part did (a thread per ticket, the day's
// announcements, the stewards' user group), what the run with nothing new
// cost, and `/steward who`.
func (st *Story) tellSlack(ctx context.Context, w *World, first, next, again cycle) error {
	ch := st.chapter("Slack")
	if len(w.Place.SlackFilled) > 0 {
		ch.say("The roster does not configure Slack fully, so the demo uses sandbox stand-ins: %s.", strings.Join(w.Place.SlackFilled, ", "))
	}
	a, b := first.Report.Slack, next.Report.Slack
	if a == nil || b == nil {
		ch.say("The runs did nothing in Slack: %s", partText(part(first.Report, "slack")))
		return nil
	}
	f := &st.Facts.Slack
	f.Threads, f.Replies, f.Announced = a.Opened+b.Opened, a.Told+b.Told, a.Announced+b.Announced
	f.Requests, f.RunAgainRequests = first.Cost.Slack+next.Cost.Slack, again.Cost.Slack
	if g, ok := w.Slack.UserGroup(w.Roster.Integrations.Slack.StewardsUsergroup); ok {
		f.GroupMembers = g.Users
	}
	ch.say("Each ticket that changed within the run's window (the same %d days), or whose response target just passed, has one thread in the tickets channel (a ticket closed before it ever had one gets none), its parent naming the ticket, its priority, hub and the stewards on duty, the subject without e-mail addresses or phone numbers; its replies tell what happened to it (an issue opened, who was asked, a missed response target, a resolution).", int(window/(24*time.Hour)))
	ch.say("The day's run looked at %d ticket(s), opened %d thread(s) and sent %d reply(ies); the next run, after the fix, looked at %d, opened %d and sent %d.", a.Tickets, a.Opened, a.Told, b.Tickets, b.Opened, b.Told)
	ch.say("The thread's permalink went into a private note on the ticket: that is how the next run finds it, without a database or reading the channel.")
	ch.say("The two runs sent %d handoff or event message(s) (the day's run %d, the next %d); the stewards' user group holds exactly the %d stewards on duty.", f.Announced, a.Announced, b.Announced, len(f.GroupMembers))
	ch.say("The two runs took %d Slack requests. Run again with nothing new: %d.", f.Requests, f.RunAgainRequests)
	// As of the day's run, the story's today (the later runs may be on the
	// next day already).
	who, err := first.Clients.CommandAnswers().Who(ctx)
	if err != nil {
		return err
	}
	ch.say("`/steward who` answers (in Slack's markup): %s", strings.ReplaceAll(who, "\n", " "))
	return nil
}
