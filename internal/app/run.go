package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/triage"
	"github.com/support-steward/steward/internal/usecase"
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
	Today        civil.Date                 `json:"today"`
	Status       rotation.Status            `json:"status"`
	Parts        []Part                     `json:"parts"`
	Rotation     *rosterpr.Result           `json:"rotation,omitempty"`
	Membership   *rosterpr.MembershipResult `json:"membership,omitempty"`
	Sync         *mirror.Report             `json:"sync,omitempty"`
	Remind       *triage.RemindResult       `json:"remind,omitempty"`
	Acknowledged *usecase.AckResult         `json:"acknowledged,omitempty"`
	Routes       []triage.RouteResult       `json:"routes,omitempty"`
	Slack        *usecase.SlackResult       `json:"slack,omitempty"`
	DryRun       bool                       `json:"dry_run"`
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
		p.Error, p.Fix = err.Error(), Fix(err)
	}
	r.Parts = append(r.Parts, p)
}

// cannot records a part that could not start: skipped when roster.yaml
// does not configure it, failed for any other reason (no credentials,
// GitHub unreachable, the App not installed).
func (r *Report) cannot(name string, why error) {
	if IsNotConfigured(why) {
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
// it if any, then rotate, sync, remind and routing. Each part that is not
// configured is skipped with its reason; a failed part does not stop the
// others.
func Run(ctx context.Context, c Clients, o Options) Report {
	today := c.Roster.Today(c.Now)
	r := Report{Today: today, Status: rotation.Who(c.Roster, today), DryRun: o.DryRun}
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

// acknowledge answers new tickets from the roster's template, when it has
// one (communication.acknowledge).
func (r *Report) acknowledge(ctx context.Context, c Clients, o Options) {
	switch {
	case c.Roster.Communication.Acknowledge == nil:
		r.skip("acknowledge", "roster.yaml has no communication.acknowledge")
	case c.FD == nil:
		r.cannot("acknowledge", c.FDErr)
	default:
		a := &usecase.Acknowledge{Tickets: freshdesk.Tickets{C: c.FD}, Roster: c.Roster, Now: c.Now}
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

// WriteMarkdown writes the run as a job summary: who is on duty, the next
// handoffs, what each part did, and the open lapses.
func (r Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "## steward, %s\n\n", r.Today)
	if r.DryRun {
		fmt.Fprint(w, "_A dry run: nothing was changed._\n\n")
	}
	var on []string
	for _, s := range r.Status.OnDuty {
		on = append(on, fmt.Sprintf("%s (@%s, until %s)", s.Name, s.GitHub, s.End))
	}
	if len(on) == 0 {
		on = append(on, "nobody: the rotation has a gap")
	}
	fmt.Fprintf(w, "**Stewards on duty:** %s\n\n", strings.Join(on, ", "))
	if h := r.Status.Next; h != nil {
		var parts []string
		for _, s := range h.Joining {
			parts = append(parts, s.Name+" joins")
		}
		for _, s := range h.Leaving {
			parts = append(parts, s.Name+" leaves")
		}
		fmt.Fprintf(w, "**Next handoff:** %s: %s\n\n", h.Date, strings.Join(parts, ", "))
	}
	switch {
	case r.Failed():
		fmt.Fprintf(w, "❌ **%d part(s) failed.** What to fix is beside each; the next run tries again.\n\n", r.failures())
	case !r.Configured():
		fmt.Fprint(w, "**steward wrote nothing:** `roster.yaml` configures no integrations yet, so every part was skipped. "+
			"Fill in `integrations` (the repository, the board, FreshDesk), run this workflow by hand with `dry-run`, read what it would do, then let it write.\n\n")
	}
	fmt.Fprint(w, "| Part | Result |\n|---|---|\n")
	for _, p := range r.Parts {
		res := p.Message
		switch {
		case p.Error != "":
			res = "❌ " + strings.TrimSpace(strings.TrimPrefix(res+" "+p.Error, " "))
			if p.Fix != "" {
				res += " **To fix:** " + p.Fix
			}
		case p.Skipped != "":
			res = "skipped: " + p.Skipped
		default:
			res = "✅ " + res
		}
		fmt.Fprintf(w, "| %s | %s |\n", p.Name, strings.ReplaceAll(strings.ReplaceAll(res, "|", `\|`), "\n", " "))
	}
	if r.Remind != nil && len(r.Remind.Overdue) > 0 {
		var ids []string
		for _, id := range r.Remind.Overdue {
			ids = append(ids, fmt.Sprintf("#%d", id))
		}
		fmt.Fprintf(w, "\n**Overdue tickets:** %s (see the support dashboard).\n", strings.Join(ids, ", "))
	}
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

func (r *Report) rotate(ctx context.Context, c Clients, o Options, today civil.Date) {
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
			m, err := rosterpr.Membership{GH: c.GH, FD: c.FD}.Sync(ctx, c.Roster, today)
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

func (r *Report) sync(ctx context.Context, c Clients, o Options) {
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

func (r *Report) remind(ctx context.Context, c Clients, o Options) {
	if tr, err := c.Triage(); err != nil {
		r.cannot("remind", err)
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
func (r *Report) slack(ctx context.Context, c Clients, o Options) {
	switch {
	case c.Roster.Integrations.Slack == nil:
		r.skip("slack", "roster.yaml has no integrations.slack")
	case o.DryRun:
		r.skip("slack", "a dry run does not write to Slack")
	case c.Slack == nil:
		r.add("slack", "", c.SlackErr)
	case c.GH == nil:
		r.add("slack", "", fmt.Errorf("the Slack part keeps its record on the GitHub support dashboard, and GitHub is off: %w", c.GHErr))
	default:
		ig := c.Roster.Integrations.GitHub
		owner, name, _ := strings.Cut(ig.Repo, "/")
		run := &usecase.SlackRun{Roster: c.Roster, Chat: c.Slack, Window: o.Since,
			Journal: gh.Journal{C: c.GH, Owner: owner, Repo: name},
			Issues:  gh.SupportIssues{C: c.GH, Owner: owner, Repo: name, SupportLabel: ig.Label()}}
		if c.FD != nil {
			run.Tickets, run.Notes, run.TicketURL = freshdesk.Tickets{C: c.FD}, freshdesk.Notes{C: c.FD}, c.FD.AgentURL
		}
		rosterRepo := cmp.Or(ig.RosterRepo, ig.Repo)
		ro, rn, _ := strings.Cut(rosterRepo, "/")
		var prErr error
		run.RotationPR = func(d civil.Date) comms.Link {
			url, n, found, err := gh.RotationPull(ctx, c.GH, ro, rn, d.String())
			if err != nil || !found {
				// The handoff is told without its link rather than not at all.
				prErr = err
				return comms.Link{}
			}
			return comms.Link{URL: url, Label: fmt.Sprintf("%s#%d", rosterRepo, n)}
		}
		res, err := run.Run(ctx, c.Now)
		if prErr != nil {
			res.Notices = append(res.Notices, fmt.Sprintf("the handoff message went without its rotation pull request (%v)", prErr))
		}
		r.Slack = &res
		if err == nil && c.Roster.Integrations.Freshdesk != nil && c.FD == nil {
			err = fmt.Errorf("no ticket threads: %w", c.FDErr)
		}
		r.add("slack", res.Message(), err)
	}
}
