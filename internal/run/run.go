// Package run is `steward run`: one scheduled cycle (the event that started
// it, rotate, stewards, sync, acknowledge, remind, route) with the clients
// wire made, and its one report: each part done, skipped because roster.yaml
// does not ask for it, or failed with what to fix. It also carries out what
// one GitHub event or FreshDesk delivery asks (events.go), for the Action
// and the webhook server alike.
package run

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/usecase"
	"github.com/support-steward/steward/internal/wire"
	"github.com/support-steward/steward/internal/workdays"
)

// Options shape a run.
type Options struct {
	DryRun bool
	// Since is how far back sync reads changed tickets.
	Since time.Duration
	// Event and Payload, when set, are the GitHub event that started the
	// run: handled first, as the webhook server would.
	Event   string
	Payload Envelope
	// Only, when set, runs just these parts: rotate, sync, remind.
	Only []string
	// Ticket and Issue, when set, are the one thing the run reconciles
	// (a workflow_dispatch naming what changed, from a FreshDesk
	// automation rule): that ticket, or that support issue, and nothing
	// else. The scheduled run's full pass catches up on anything else.
	Ticket int64
	Issue  int
}

func (o Options) wants(part string) bool {
	if len(o.Only) == 0 {
		return true
	}
	for _, p := range o.Only {
		if p == part {
			return true
		}
	}
	return false
}

// Part is one part of a run: done, skipped because roster.yaml does not
// configure it, or failed, with what to fix.
type Part struct {
	Name    string `json:"name"`
	Skipped string `json:"skipped,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

// Report is a run's one account of itself.
type Report struct {
	Today        civil.Date                `json:"today"`
	Status       rotation.Status           `json:"status"`
	Parts        []Part                    `json:"parts"`
	Rotation     *rosterpr.Result          `json:"rotation,omitempty"`
	Membership   *usecase.MembershipResult `json:"membership,omitempty"`
	Sync         *mirror.Report            `json:"sync,omitempty"`
	Remind       *usecase.RemindResult     `json:"remind,omitempty"`
	Acknowledged *usecase.AckResult        `json:"acknowledged,omitempty"`
	Routes       []usecase.RouteResult     `json:"routes,omitempty"`
	Slack        *usecase.SlackResult      `json:"slack,omitempty"`
	DryRun       bool                      `json:"dry_run"`
}

// Failed reports whether any part failed.
func (r Report) Failed() bool {
	for _, p := range r.Parts {
		if p.Error != "" {
			return true
		}
	}
	return false
}

func (r *Report) add(name string, msg string, err error) {
	p := Part{Name: name, Message: msg}
	if err != nil {
		p.Error, p.Fix = err.Error(), wire.Fix(err)
	}
	r.Parts = append(r.Parts, p)
}

// cannot records a part that could not start: skipped when roster.yaml
// does not configure it, failed for any other reason (no credentials,
// GitHub unreachable, the App not installed).
func (r *Report) cannot(name string, why error) {
	if wire.IsNotConfigured(why) {
		r.Parts = append(r.Parts, Part{Name: name, Skipped: why.Error()})
		return
	}
	r.add(name, "", why)
}

// skip records a part left out on purpose.
func (r *Report) skip(name, why string) {
	r.Parts = append(r.Parts, Part{Name: name, Skipped: why})
}

// Configured reports whether any part of the run was configured, that is
// did something or failed rather than being skipped.
func (r Report) Configured() bool {
	for _, p := range r.Parts {
		if p.Skipped == "" {
			return true
		}
	}
	return false
}

// Run does everything steward does on a schedule: the event that started
// it if any, then rotate, sync, remind and routing. A run started by an
// issues event reconciles that issue alone, as a dispatch naming it does:
// the full run is the catch-up's, in a concurrency group of its own. Each
// part that is not configured is skipped with its reason; a failed part
// does not stop the others.
func Run(ctx context.Context, c wire.Clients, o Options) Report {
	today := c.Roster.Today(c.Now)
	r := Report{Today: today, Status: rotation.Who(c.Roster, today), DryRun: o.DryRun}
	if o.Ticket != 0 || o.Issue != 0 {
		r.key(ctx, c, o)
		return r
	}
	if o.Event != "" {
		if o.DryRun {
			r.skip("event", "a dry run does not act on events")
		} else if c.GH == nil {
			r.cannot("event", c.GHErr)
		} else {
			msg, err := HandleEvent(ctx, c, o.Event, o.Payload)
			if msg == "" && err == nil {
				msg = "nothing to do for this " + o.Event + " event"
			}
			r.add("event", msg, err)
		}
		if o.Event == "issues" {
			return r
		}
	}

	if o.wants("rotate") {
		r.rotate(ctx, c, o, today)
	}
	if o.wants("sync") {
		r.sync(ctx, c, o)
	}
	if o.wants("acknowledge") {
		r.acknowledge(ctx, c, o)
	}
	if o.wants("remind") {
		r.remind(ctx, c, o)
	}
	if o.wants("slack") {
		// Last: the threads tell what this run's sync and routing did.
		r.slack(ctx, c, o)
	}
	return r
}

// key reconciles the one ticket or issue the run was started for.
func (r *Report) key(ctx context.Context, c wire.Clients, o Options) {
	name, what := "ticket", fmt.Sprintf("ticket %d", o.Ticket)
	if o.Ticket == 0 {
		name, what = "issue", fmt.Sprintf("issue #%d", o.Issue)
	}
	switch {
	case o.DryRun && o.Ticket == 0:
		r.skip(name, "a dry run does not act on "+what+"; set STEWARD_WRITE to true for dispatched runs to write")
	case c.GH == nil:
		r.cannot(name, c.GHErr)
	case o.Ticket != 0 && c.FD == nil:
		r.cannot(name, c.FDErr)
	case o.DryRun:
		// Read as a real dispatch reads, write nothing: the check the
		// README's "Instant without a server" asks for.
		msg, err := PlanTicket(ctx, c, o.Ticket)
		r.add(name, "dry run, nothing written: "+msg+"; set STEWARD_WRITE to true for dispatched runs to write", err)
	case o.Ticket != 0:
		msg, err := HandleTicket(ctx, c, o.Ticket)
		r.add(name, msg, err)
	default:
		msg, err := HandleIssue(ctx, c, o.Issue)
		r.add(name, msg, err)
	}
}

// acknowledge answers new tickets from the roster's template, when it has
// one (communication.acknowledge).
func (r *Report) acknowledge(ctx context.Context, c wire.Clients, o Options) {
	switch {
	case c.Roster.Communication.Acknowledge == nil:
		r.skip("acknowledge", "roster.yaml has no communication.acknowledge")
	case c.FD == nil:
		r.cannot("acknowledge", c.FDErr)
	default:
		a := c.Acknowledge()
		res, err := a.Run(ctx, o.DryRun)
		r.Acknowledged = &res
		verb := map[bool]string{false: "sent", true: "would send"}[o.DryRun]
		r.add("acknowledge", fmt.Sprintf("%s %d acknowledgement(s), drafted %d", verb, len(res.Sent), len(res.Drafted)), err)
	}
}

func (r Report) failures() int {
	n := 0
	for _, p := range r.Parts {
		if p.Error != "" {
			n++
		}
	}
	return n
}

// IssuesUpdated counts the existing issues a sync changed.
func (r Report) IssuesUpdated() int {
	if r.Sync == nil {
		return 0
	}
	seen := map[int]bool{}
	for _, o := range r.Sync.Outcomes {
		if o.Error == "" && o.Issue != 0 && o.Kind != mirror.CreateIssue {
			seen[o.Issue] = true
		}
	}
	return len(seen)
}

// EventFromEnv reads the GitHub event that started an Actions run
// (GITHUB_EVENT_NAME and GITHUB_EVENT_PATH), for issues and pull requests.
func EventFromEnv(getenv func(string) string, o *Options) error {
	name := getenv("GITHUB_EVENT_NAME")
	if name != "issues" && name != "pull_request" && name != "pull_request_target" {
		return nil
	}
	path := getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("GITHUB_EVENT_PATH: %w", err)
	}
	if err := json.Unmarshal(data, &o.Payload); err != nil {
		return fmt.Errorf("GITHUB_EVENT_PATH %s: %w", path, err)
	}
	if name == "pull_request_target" {
		name = "pull_request"
	}
	o.Event = name
	return nil
}

func (r *Report) rotate(ctx context.Context, c wire.Clients, o Options, today civil.Date) {
	if rot, err := c.Rotator(today, c.Lead()); err != nil {
		r.cannot("rotate", err)
	} else {
		res, err := rot.Rotate(ctx, o.DryRun)
		r.Rotation = &res
		msg := res.Message
		if err == nil && !o.DryRun {
			// An unmerged rotation pull request is reminded the working day
			// before its handoff and on the day.
			var reminded []rosterpr.Result
			reminded, err = rot.RemindUnmerged(ctx, workdays.New(c.Roster.Location(), c.Roster.Holidays).IsWorkingDay)
			for _, m := range reminded {
				msg += " " + m.Message
			}
		}
		r.add("rotate", msg, err)
		ig, fi := c.Roster.Integrations.GitHub, c.Roster.Integrations.Freshdesk
		switch {
		case o.DryRun:
		case ig.StewardsTeam == "" && (fi == nil || fi.StewardsGroupID == 0):
			r.skip("stewards", "roster.yaml names no stewards' team (integrations.github.stewards_team) nor FreshDesk group (integrations.freshdesk.stewards_group_id)")
		default:
			m, err := c.Membership().Sync(ctx, c.Roster, today)
			r.Membership = &m
			msg := "the stewards' team and group are up to date"
			if len(m.TeamAdded)+len(m.TeamRemoved) > 0 || m.GroupChanged {
				msg = fmt.Sprintf("team: added %v, removed %v; FreshDesk group changed: %v", m.TeamAdded, m.TeamRemoved, m.GroupChanged)
			}
			if len(m.Skipped) > 0 {
				msg += "; skipped " + strings.Join(m.Skipped, "; ")
			}
			if fi := c.Roster.Integrations.Freshdesk; err == nil && fi != nil && fi.StewardsGroupID != 0 && c.FD == nil {
				err = fmt.Errorf("the FreshDesk group %d was not updated: %w", fi.StewardsGroupID, c.FDErr)
			}
			if err != nil {
				// Only what is known to be done, beside the failure.
				msg = fmt.Sprintf("team: added %v, removed %v;", m.TeamAdded, m.TeamRemoved)
			}
			r.add("stewards", msg, err)
		}
	}

}

func (r *Report) sync(ctx context.Context, c wire.Clients, o Options) {
	if a, setup, err := c.Mirror(); err != nil {
		r.cannot("sync", err)
	} else {
		since := o.Since
		if since <= 0 {
			since = 24 * time.Hour
		}
		rep, err := a.Sync(ctx, setup.Config, setup.Label, since, o.DryRun)
		r.Sync = &rep
		msg := fmt.Sprintf("%d piece(s) of work", len(rep.Planned))
		if !o.DryRun {
			msg = fmt.Sprintf("%d issue(s) created, %d step(s) done, %d failed", rep.Created(), len(rep.Outcomes)-rep.Failed(), rep.Failed())
			if err == nil && rep.Failed() > 0 {
				err = fmt.Errorf("%d sync step(s) failed; the next run retries them", rep.Failed())
			}
		}
		r.add("sync", msg, err)
	}

}

func (r *Report) remind(ctx context.Context, c wire.Clients, o Options) {
	if tr, err := c.Triage(); err != nil {
		r.cannot("remind", err)
		r.cannot("route", err)
	} else {
		res, err := tr.Remind(ctx, o.DryRun)
		r.Remind = &res
		if err == nil && c.Roster.Integrations.Freshdesk != nil && c.FD == nil {
			// The dashboard was kept, but without the tickets the roster
			// asks it to watch: that is not a success.
			err = fmt.Errorf("the dashboard leaves out FreshDesk's tickets: %w", c.FDErr)
		}
		r.add("remind", fmt.Sprintf("%d open ticket(s), %d overdue, %d new lapse comment(s)", res.Open, len(res.Overdue), res.Comments), err)
		routes, err := tr.RouteAll(ctx, o.DryRun)
		r.Routes = routes
		r.add("route", fmt.Sprintf("%d support issue(s) routed", len(routes)), err)
	}
}

// slack does Slack's part: the stewards' user group, the day's handoff and
// event messages, a thread per ticket. Its record (what was announced) is
// kept on the GitHub support dashboard, so GitHub is needed; FreshDesk is
// optional (without it, no ticket threads).
func (r *Report) slack(ctx context.Context, c wire.Clients, o Options) {
	switch {
	case c.Roster.Integrations.Slack == nil:
		r.skip("slack", "roster.yaml has no integrations.slack")
	case c.Slack == nil:
		// Before the dry-run skip: a dry run must show what the real run
		// would fail on.
		r.add("slack", "", c.SlackErr)
	case c.GH == nil:
		r.add("slack", "", fmt.Errorf("the Slack part keeps its record on the GitHub support dashboard, and GitHub is off: %w", c.GHErr))
	case o.DryRun:
		r.skip("slack", "a dry run does not write to Slack")
	default:
		run, prLookup := c.SlackRun(ctx, c.Slack)
		run.Window = o.Since
		res, err := run.Run(ctx, c.Now)
		if prErr := prLookup(); prErr != nil {
			res.Notices = append(res.Notices, fmt.Sprintf("the handoff message went without its rotation pull request (%v)", prErr))
		}
		r.Slack = &res
		if err == nil && c.Roster.Integrations.Freshdesk != nil && c.FD == nil {
			err = fmt.Errorf("no ticket threads: %w", c.FDErr)
		}
		r.add("slack", res.Message(), err)
	}
}
