package usecase

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/httpx"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// Mirror keeps FreshDesk tickets and their GitHub support issues in step:
// observe both through the ports, plan with mirror.Plan, apply through the
// ports. Every run converges on the same state; a failed step is left for
// the next run.
//
// Requests: a new ticket costs three GitHub requests (the issue created
// with its state already recorded, the board item, one document setting
// the item's fields and position) and one FreshDesk request (the link
// note). A status change costs a comment and one edit that changes the
// state and records it; with a board, the pass's board document (at
// most 20 mutations each) moves the closed items to Done. Every pass reads the board
// once (reconcileBoard): the board is never recorded, always observed.
type Mirror struct {
	Issues port.Issues
	Desk   port.Helpdesk
	Board  port.Board // nil: no board
	// BoardStatus is the board's status option for open support work,
	// BoardDone the one for closed support issues ("" leaves it alone).
	BoardStatus string
	BoardDone   string
	// BoardArchiveAfter is how long a closed support issue's item stays
	// Done before it is archived (0: never).
	BoardArchiveAfter time.Duration
	Render            mirror.Render
	Now               time.Time
	// Resync, when set, is how far back every mirrored ticket is
	// reconciled on each sync, changed in its window or not (the run's
	// one read of the ticket list covers it at no extra cost).
	Resync time.Duration
	Log    *slog.Logger
	// Roster, when set, gives communication.resolved: the message to the
	// requester when a ticket's issue is closed as completed.
	Roster *roster.Roster
	// Mark, when set, keeps when a sync last finished with every step
	// done: a later sync reads the tickets changed since then, whatever
	// its window, so a ticket tagged while runs failed (or did not run)
	// for longer than the window is still mirrored (back to CatchUpLimit).
	Mark port.Mark
}

// CatchUpLimit is how far back a sync reads, whatever its Mark says (or
// its Resync window, when longer).
const CatchUpLimit = 30 * 24 * time.Hour

// markOverlap re-reads the changes just before the mark: FreshDesk's
// times are whole seconds, and a write may land as the list is read.
const markOverlap = 5 * time.Minute

// Apply carries out every work item. A failed step is reported and left for
// the next run; the issue's recorded state says only what succeeded.
func (m *Mirror) Apply(ctx context.Context, works []mirror.Work) []mirror.Outcome {
	var out []mirror.Outcome
	for _, w := range works {
		out = append(out, m.apply(ctx, w)...)
	}
	return out
}

// pending is what one run changes of an issue with its final edit: the
// title, the state and the record go in one request.
type pending struct {
	edit  port.IssueEdit
	kinds []int // outcomes whose step is this edit
}

func (m *Mirror) apply(ctx context.Context, w mirror.Work) []mirror.Outcome {
	var out []mirror.Outcome
	planned := map[mirror.Kind]bool{}
	for _, act := range w.Actions {
		planned[act.Kind] = true
	}
	st := w.Recorded
	if w.Issue == 0 {
		// The new issue records, when created, what the run means to make
		// true: open and linked as planned. A step that fails is recorded by
		// one more edit below, so the next run does it.
		st = w.Target
		st.Linked = planned[mirror.LinkTicket]
		if mirror.Done(st.Status) {
			st.Status = 2
		}
	}
	var p pending
	for _, act := range w.Actions {
		err := m.do(ctx, &w, act, &st, &p)
		o := mirror.Outcome{Ticket: w.Ticket, Issue: w.Issue, Kind: act.Kind, Reason: act.Reason}
		if act.Kind == mirror.CreateIssue {
			o.NodeID = w.NodeID
		}
		if err != nil {
			o.Error = err.Error()
			m.warn(w, act.Kind, err)
		}
		if err == nil && (act.Kind == mirror.UpdateTitle || act.Kind == mirror.CloseIssue || act.Kind == mirror.ReopenIssue) {
			p.kinds = append(p.kinds, len(out))
		}
		out = append(out, o)
		if err != nil && act.Kind == mirror.CreateIssue {
			return out
		}
	}
	if planned[mirror.CloseDuplicate] {
		return out
	}
	// What no step stands for is display only: record it as the plan says.
	t := w.Target
	st.Domain, st.Ticket, st.Hub, st.Company, st.Created = t.Domain, t.Ticket, t.Hub, t.Company, t.Created
	st.Requester, st.Description, st.HubDown = t.Requester, t.Description, t.HubDown
	if !planned[mirror.UpdateTitle] {
		st.Subject = t.Subject
	}
	if !planned[mirror.SetLabels] {
		st.Priority, st.Event = t.Priority, t.Event
	}
	if !planned[mirror.CloseIssue] && !planned[mirror.ReopenIssue] && !planned[mirror.ResolveTicket] && !planned[mirror.ReopenTicket] {
		st.Status = t.Status
	}
	if !planned[mirror.ResolveTicket] {
		st.ResolveError, st.ResolveTried = t.ResolveError, t.ResolveTried
	}
	if body := mirror.WithBlock(w.Body, m.Render.Body(st)); body != w.Body {
		p.edit.Body = &body
	}
	if p.edit == (port.IssueEdit{}) {
		return out
	}
	_, err := m.Issues.Edit(ctx, w.Issue, p.edit)
	if err == nil {
		if len(out) == 0 {
			out = append(out, mirror.Outcome{Ticket: w.Ticket, Issue: w.Issue, Kind: "record-state", Reason: "the issue records what was synced"})
		}
		return out
	}
	// The edit carried the steps folded into it: they failed with it.
	m.warn(w, "record-state", err)
	for _, i := range p.kinds {
		out[i].Error = err.Error()
	}
	return append(out, mirror.Outcome{Ticket: w.Ticket, Issue: w.Issue, Kind: "record-state", Reason: "the issue records what was synced", Error: err.Error()})
}

func (m *Mirror) warn(w mirror.Work, kind mirror.Kind, err error) {
	if m.Log != nil {
		m.Log.Warn("mirror step failed", "ticket", w.Ticket, "issue", w.Issue, "step", string(kind), "err", err)
	}
}

func (m *Mirror) do(ctx context.Context, w *mirror.Work, act mirror.Action, st *mirror.State, p *pending) error {
	switch act.Kind {
	case mirror.CreateIssue:
		body := m.Render.Body(*st)
		is, err := m.create(ctx, port.NewIssue{Title: act.Title, Body: body, Labels: act.Add})
		if err != nil {
			return err
		}
		w.Issue, w.NodeID, w.URL, w.Body = is.Number, is.NodeID, is.URL, body
	case mirror.UpdateTitle:
		p.edit.Title = &act.Title
		st.Subject = w.Target.Subject
	case mirror.SetLabels:
		if err := m.Issues.AddLabels(ctx, w.Issue, act.Add); err != nil {
			return err
		}
		for _, l := range act.Remove {
			if err := m.Issues.RemoveLabel(ctx, w.Issue, l); err != nil {
				return err
			}
		}
		st.Priority, st.Event = w.Target.Priority, w.Target.Event
	case mirror.LinkTicket:
		// An issue created in this run cannot have a note yet: skip looking.
		if err := m.link(ctx, w.Ticket, w.Issue, m.issueURL(w), w.Recorded.Ticket == 0); err != nil {
			st.Linked = false
			return err
		}
		st.Linked = true
	case mirror.CloseIssue:
		if err := m.Issues.Comment(ctx, w.Issue, act.Comment); err != nil {
			return err
		}
		p.edit.State, p.edit.StateReason = ptr("closed"), ptr("completed")
		st.Status = w.Target.Status
	case mirror.ReopenIssue:
		if err := m.Issues.Comment(ctx, w.Issue, act.Comment); err != nil {
			return err
		}
		p.edit.State = ptr("open")
		st.Status = w.Target.Status
	case mirror.ResolveTicket:
		return m.resolve(ctx, w, st)
	case mirror.ReopenTicket:
		t, err := m.Desk.Ticket(ctx, w.Ticket, false)
		if err != nil {
			return err
		}
		if mirror.Done(t.Status) {
			if err := m.Desk.SetStatus(ctx, w.Ticket, 2); err != nil {
				return err
			}
			st.Status = 2
			_, err := m.Desk.AddNote(ctx, w.Ticket, fmt.Sprintf("<p>Reopened: the engineering issue %s#%d was reopened on GitHub.</p>", m.Issues.Repo(), w.Issue))
			return err
		}
		st.Status = t.Status
	case mirror.AdoptIssue:
		// Nothing of its own: the work's final edit writes steward's block
		// into the person's issue, with whatever else the work changed.
	case mirror.CloseDuplicate:
		if err := m.Issues.Comment(ctx, w.Issue, act.Comment); err != nil {
			return err
		}
		_, err := m.Issues.Edit(ctx, w.Issue, port.IssueEdit{State: ptr("closed"), StateReason: ptr("duplicate")})
		return err
	default:
		return fmt.Errorf("unknown action %q", act.Kind)
	}
	return nil
}

// createTries bounds the attempts to create one issue within one run.
const createTries = 3

// create opens the issue. A create whose answer was lost may have made
// it: its body claims the board and the link, so it is looked for, and
// used when found; only when it is surely not there is it sent again.
func (m *Mirror) create(ctx context.Context, n port.NewIssue) (port.Issue, error) {
	var err error
	for attempt := 1; attempt <= createTries; attempt++ {
		var is port.Issue
		if is, err = m.Issues.Create(ctx, n); err == nil {
			return is, nil
		}
		found, sure := m.created(ctx, n.Labels, n.Body)
		if sure && found.Number != 0 {
			return found, nil
		}
		if !sure || !worthAnotherTry(ctx, err) {
			return port.Issue{}, err
		}
		if m.Log != nil {
			m.Log.Info("creating an issue failed; it is not there, trying again", "attempt", attempt, "err", err)
		}
	}
	return port.Issue{}, err
}

// created finds the issue a create whose answer was lost made: one read
// of the most recently updated issues with its first label, for one whose
// body is the one sent (the marker names the ticket: no other issue has it).
// It reports whether the answer is sure: a failed read knows nothing.
func (m *Mirror) created(ctx context.Context, labels []string, body string) (port.Issue, bool) {
	if len(labels) == 0 || ctx.Err() != nil {
		return port.Issue{}, false
	}
	recent, err := m.Issues.Recent(ctx, labels[0], "all", 30)
	if err != nil {
		return port.Issue{}, false
	}
	for _, is := range recent {
		if is.Body == body {
			return is, true
		}
	}
	return port.Issue{}, true
}

func ptr[T any](v T) *T { return &v }

// issueURL is the issue's html_url as GitHub gave it; only when no answer
// carried one, the configured web host's address of it.
func (m *Mirror) issueURL(w *mirror.Work) string {
	if w.URL != "" {
		return w.URL
	}
	return m.Issues.IssueURL(w.Issue)
}

// linkTries bounds the attempts to leave the link note within one run.
const linkTries = 3

// link posts the note that links the ticket to the issue, unless a note
// (from an attempt whose answer was lost) already does. A failed post is
// tried again within the run, after reading the ticket's conversations
// again, so the note is neither missing nor doubled.
func (m *Mirror) link(ctx context.Context, ticket int64, issue int, url string, fresh bool) error {
	var err error
	for attempt := 1; attempt <= linkTries; attempt++ {
		if !fresh || attempt > 1 {
			convs, cerr := m.Desk.Conversations(ctx, ticket)
			if cerr != nil {
				return cerr // the transport has retried the read already
			}
			if slices.ContainsFunc(convs, func(c port.Conversation) bool { return !c.Incoming && mirror.HasLink(c.HTML, issue) }) {
				return nil
			}
		}
		if _, err = m.Desk.AddNote(ctx, ticket, mirror.LinkNote(m.Issues.Repo(), issue, url)); err == nil || !worthAnotherTry(ctx, err) {
			return err
		}
		if m.Log != nil {
			m.Log.Info("link note failed; checking the ticket and trying again", "ticket", ticket, "issue", issue, "attempt", attempt, "err", err)
		}
	}
	return err
}

// worthAnotherTry tells a post that may succeed if sent again (a lost
// answer, a server error) from one that will not (refused as invalid, or
// a wait the service asked for that is longer than a run waits).
func worthAnotherTry(ctx context.Context, err error) bool {
	var later *httpx.RetryLaterError
	switch {
	case ctx.Err() != nil, errors.As(err, &later):
		return false
	case port.ServerFault(err):
		return true
	case port.Refused(err) || statusError(err):
		return false
	}
	return true
}

// statusError reports whether err carries an HTTP status below 500: the
// service answered, and the same request gets the same answer.
func statusError(err error) bool {
	var s interface{ HTTPStatus() int }
	return errors.As(err, &s) && s.HTTPStatus() < 500
}

// resolve re-reads the ticket, leaves the summary note once, and resolves.
func (m *Mirror) resolve(ctx context.Context, w *mirror.Work, st *mirror.State) error {
	t, err := m.Desk.Ticket(ctx, w.Ticket, m.telling()) // the requester's name, to greet them
	if err != nil {
		return err
	}
	if mirror.Done(t.Status) {
		st.Status = t.Status
		return nil
	}
	prs, err := m.Issues.ClosingPulls(ctx, w.Issue)
	if err != nil {
		return err
	}
	pulls := make([]mirror.Closing, len(prs))
	for i, p := range prs {
		pulls[i] = mirror.Closing{Number: p.Number, Title: p.Title, URL: p.URL, Author: p.Author}
	}
	convs, err := m.Desk.Conversations(ctx, w.Ticket)
	if err != nil {
		return err
	}
	// Our own note changes the ticket's updated_at; only a later change
	// is someone else's, worth another try after a refusal.
	seen := t.Updated
	if !slices.ContainsFunc(convs, func(c port.Conversation) bool { return !c.Incoming && mirror.HasResolved(c.HTML, w.Issue, w.ClosedAt) }) {
		note := mirror.ResolvedNote(m.Issues.Repo(), w.Issue, m.issueURL(w), w.ClosedBy, w.ClosedAt, pulls)
		conv, err := m.Desk.AddNote(ctx, w.Ticket, note)
		if err != nil {
			return err
		}
		if conv.Created.After(seen) {
			seen = conv.Created
		}
	}
	if err := m.resolvedMessage(ctx, w, t, convs, pulls); err != nil {
		return err
	}
	err = m.Desk.SetStatus(ctx, w.Ticket, 4)
	if port.Refused(err) {
		// FreshDesk refuses (a field required for closure): say so once,
		// and wait for the ticket to change before trying again.
		st.ResolveError, st.ResolveTried = err.Error(), seen
		m.Issues.Comment(ctx, w.Issue, "steward could not resolve the support ticket: "+err.Error()+". Complete the ticket in FreshDesk; steward tries again when it changes.")
		return err
	}
	if err != nil {
		return err
	}
	st.Status = 4
	return nil
}

// telling reports whether communication.resolved is configured.
func (m *Mirror) telling() bool { return m.Roster != nil && m.Roster.Communication.Resolved != nil }

// resolvedMessage tells the requester what was done (communication.resolved):
// a public reply (mode send) or a private note holding it (mode draft),
// once per ticket: the message carries a marker, and a ticket that has it
// gets no second one.
func (m *Mirror) resolvedMessage(ctx context.Context, w *mirror.Work, t port.Ticket, convs []port.Conversation, pulls []mirror.Closing) error {
	if !m.telling() {
		return nil
	}
	marker := mirror.ResolvedMessageMarker(w.Ticket)
	// Only what an agent wrote counts: a requester's reply quoting the
	// marker is text, and must not silence the message.
	if slices.ContainsFunc(convs, func(c port.Conversation) bool { return !c.Incoming && strings.Contains(c.HTML, marker) }) {
		return nil
	}
	requester := t.RequesterName
	var stewards []string
	for _, s := range rotation.Who(m.Roster, m.Roster.Today(m.Now)).OnDuty {
		stewards = append(stewards, s.Name)
	}
	out := comms.Compose("resolved", *m.Roster.Communication.Resolved, comms.Requester{TicketID: w.Ticket, Subject: t.Subject,
		RequesterName: requester, Team: m.Roster.Team, Stewards: stewards, Location: m.Roster.Location(),
		Summary: mirror.Summary(w.Title, w.ClosedBy, pulls), IssueURL: m.issueURL(w)})
	body := out.HTML + marker
	var err error
	if out.Draft {
		_, err = m.Desk.AddNote(ctx, w.Ticket, body)
	} else {
		err = m.Desk.Reply(ctx, w.Ticket, body)
	}
	if err != nil {
		return fmt.Errorf("the resolved message to ticket %d's requester: %w", w.Ticket, err)
	}
	if m.Log != nil {
		m.Log.Info("resolved message", "ticket", w.Ticket, "draft", out.Draft)
	}
	return nil
}
