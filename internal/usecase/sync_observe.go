package usecase

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"time"

	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/port"
)

// Observe reads what the plan needs: tickets changed since since, every
// support issue (conditional reads: an unchanged list costs nothing), and
// the names of the companies that tickets newly point at.
func (m *Mirror) Observe(ctx context.Context, c mirror.Config, supportLabel string, since time.Time) (mirror.Input, error) {
	in := mirror.Input{Now: m.Now, Hubs: map[int64]string{}}
	from := since
	if r := m.Now.Add(-m.Resync); m.Resync > 0 && r.Before(from) {
		from = r
	}
	tickets, err := m.Desk.List(ctx, port.TicketQuery{Since: from, Requester: c.IncludeRequester, Description: c.IncludeDescription})
	if err != nil {
		return in, fmt.Errorf("listing FreshDesk tickets: %w", err)
	}
	if in.Issues, err = m.listIssues(ctx, supportLabel); err != nil {
		return in, err
	}
	// Tickets changed in the window, and every mirrored ticket of the
	// resync window: a change whose delivery was lost, or whose run
	// failed for longer than the window, still reaches its issue.
	for _, t := range tickets {
		if !t.Updated.Before(since) || mirror.Mirrored(in.Issues, c.Domain, t.ID) {
			in.Tickets = append(in.Tickets, mirrorTicket(t))
		}
	}
	// A ticket that an issue a person opened names, and that no issue
	// mirrors yet, is read even when it did not change in the window: the
	// plan adopts the issue, whichever path saw it first.
	listed := map[int64]bool{}
	for _, t := range in.Tickets {
		listed[t.ID] = true
	}
	for _, is := range in.Issues {
		if _, _, mirrored := mirror.TicketOf(is.Body); mirrored {
			continue
		}
		id, ok := mirror.TicketRef(is.Body, c.Domain)
		if !ok || listed[id] || mirror.Mirrored(in.Issues, c.Domain, id) {
			continue
		}
		t, err := m.Desk.Ticket(ctx, id, c.IncludeRequester)
		if port.NotFound(err) {
			continue // it names no ticket of this account
		}
		if err != nil {
			return in, fmt.Errorf("reading FreshDesk ticket %d, which #%d names: %w", id, is.Number, err)
		}
		listed[id] = true
		in.Tickets = append(in.Tickets, mirrorTicket(t))
	}
	// Hub names: reuse what an issue recorded for the same company.
	known := mirror.KnownHubs(in.Issues)
	for _, t := range in.Tickets {
		if t.Company == 0 {
			continue
		}
		if _, ok := in.Hubs[t.Company]; ok {
			continue
		}
		if name, ok := known[t.Company]; ok {
			in.Hubs[t.Company] = name
			continue
		}
		if !c.Matches(t) && !mirror.Mirrored(in.Issues, c.Domain, t.ID) {
			continue // not mirrored: no need to know its hub
		}
		name, err := m.Desk.CompanyName(ctx, t.Company)
		if err != nil {
			return in, fmt.Errorf("reading FreshDesk company %d: %w", t.Company, err)
		}
		in.Hubs[t.Company] = name
	}
	return in, nil
}

// mirrorTicket is the mirror's view of a helpdesk ticket.
func mirrorTicket(t port.Ticket) mirror.Ticket {
	return mirror.Ticket{ID: t.ID, Subject: t.Subject, Status: t.Status, Priority: t.Priority, Tags: t.Tags, Spam: t.Spam,
		Company: t.Company, Created: t.Created, Updated: t.Updated, Requester: t.RequesterName, Description: t.Description}
}

// listIssues reads every support issue, open or closed, page by page; each
// page is a conditional read.
func (m *Mirror) listIssues(ctx context.Context, label string) ([]mirror.Issue, error) {
	all, err := m.Issues.List(ctx, label, "all")
	if err != nil {
		return nil, err
	}
	out := make([]mirror.Issue, len(all))
	for i, is := range all {
		out[i] = mirrorIssue(is)
	}
	return out, nil
}

func mirrorIssue(is port.Issue) mirror.Issue {
	return mirror.Issue{Number: is.Number, NodeID: is.NodeID, Title: is.Title, Body: is.Body, State: is.State, StateReason: is.StateReason,
		Labels: is.Labels, ClosedAt: is.ClosedAt, ClosedBy: is.ClosedBy, Created: is.Created, Updated: is.Updated, URL: is.URL}
}

// Sync observes, plans and (unless dryRun) applies one run.
func (m *Mirror) Sync(ctx context.Context, c mirror.Config, supportLabel string, window time.Duration, dryRun bool) (mirror.Report, error) {
	since := m.Now.Add(-window)
	if m.Mark != nil {
		if last, ok := m.Mark.Get(); ok && last.Add(-markOverlap).Before(since) {
			since = last.Add(-markOverlap)
			// The run lists the resync window's tickets anyway: reaching
			// back that far costs no more.
			if limit := m.Now.Add(-max(CatchUpLimit, m.Resync)); since.Before(limit) {
				since = limit
				if m.Log != nil {
					m.Log.Warn("the last sync that finished is older than a sync reaches back; run steward sync --since once to reach it",
						"last", last.UTC().Format(time.RFC3339), "reads_back_to", limit.UTC().Format(time.RFC3339))
				}
			}
		}
	}
	in, err := m.Observe(ctx, c, supportLabel, since)
	if err != nil {
		return mirror.Report{DryRun: dryRun}, err
	}
	r := mirror.Report{Planned: mirror.Plan(c, in), DryRun: dryRun}
	if r.Planned == nil {
		r.Planned = []mirror.Work{}
	}
	issues := in.Issues
	if !dryRun && len(r.Planned) > 0 {
		r.Outcomes = m.Apply(ctx, r.Planned)
		// Read the list once more after writing: the board pass sees the
		// issues as they now are, and the next run's conditional reads find
		// the list unchanged and cost nothing.
		if issues, err = m.listIssues(ctx, supportLabel); err != nil {
			return r, err
		}
		var twins []mirror.Outcome
		issues, twins = m.closeOwnTwins(ctx, c, issues, r.Outcomes)
		r.Outcomes = append(r.Outcomes, twins...)
	}
	var board []mirror.Outcome
	r.Board, board = m.reconcileBoard(ctx, issues, nil, dryRun)
	r.Outcomes = append(r.Outcomes, board...)
	if m.Mark != nil && !dryRun && r.Failed() == 0 {
		m.Mark.Set(m.Now) // every step done: the next sync need not read before this one
	}
	return r, nil
}

// SyncTicket reconciles one ticket and its issue now, as a webhook asks:
// it re-reads the ticket instead of trusting the delivery, then the board.
//
// A ticket that needs an issue and has none is the one case that does not
// read the support issues first: when the kept list (port.KeptIssues) has
// no issue for it and the ticket's own conversations, read with it, hold
// no link steward wrote, the issue is created at once. Whether another
// run made one meanwhile is then told by the board add's answer (or a
// read of the list), and the newer is closed as a duplicate, as when two
// runs race. Every other change reads the list first: it edits an issue,
// and must not act on a state older than the change it answers.
func (m *Mirror) SyncTicket(ctx context.Context, c mirror.Config, label string, id int64) (mirror.Report, error) {
	kept, keptAsOf, trusted := m.keptIssues(label)
	trusted = trusted && !mirror.Mirrored(kept, c.Domain, id) // an issue to edit: read the list
	hubs := map[int64]string{}
	t, linked, err := m.readTicket(ctx, c, id, trusted, hubs)
	if err != nil {
		return mirror.Report{}, err
	}
	var issues []mirror.Issue
	var r mirror.Report
	blind := false     // created without reading the list first
	var asOf time.Time // when issues were read, if not just now
	if trusted && !linked {
		if r, err = m.planFor(ctx, c, t, kept, hubs); err != nil {
			return r, err
		}
		if creates(r.Planned) {
			issues, asOf, blind = kept, keptAsOf, true
		}
	}
	if issues == nil {
		if issues, err = m.listIssues(ctx, label); err != nil {
			return mirror.Report{}, err
		}
		if r, err = m.planFor(ctx, c, t, issues, hubs); err != nil {
			return r, err
		}
	}
	r.Outcomes = m.Apply(ctx, r.Planned)
	if len(r.Planned) == 0 {
		_, board := m.reconcileBoard(ctx, issues, ticketScope(issues, c.Domain, id), false)
		r.Outcomes = append(r.Outcomes, board...)
		return r, nil
	}
	// Read what the writes changed: the board pass sees the issue as it
	// now is, and a run that mirrored the ticket at the same moment is
	// found. An issue this pass created goes on the board by a request
	// that reads both back; otherwise, or when that answer does not reach
	// back to the list read before, the list is read again (and the board
	// by the pass).
	if m.Board != nil {
		release := m.Board.Hold()
		added, created, ok := m.addCreated(ctx, label, r.Outcomes)
		if ok {
			if covers(issues, asOf, added, created.Issue) {
				issues = withRecent(issues, added.Recent)
			} else if issues, err = m.listIssues(ctx, label); err != nil {
				release()
				return r, err
			}
			var settled, board []mirror.Outcome
			issues, settled, err = m.settle(ctx, c, label, t, issues, r.Outcomes, hubs, blind)
			r.Outcomes = append(r.Outcomes, settled...)
			if err != nil {
				release()
				return r, err
			}
			items := m.takeBack(ctx, added, created, settled)
			_, board = m.followRules(ctx, items, issues, ticketScope(issues, c.Domain, id), false)
			release()
			r.Outcomes = append(r.Outcomes, board...)
			return r, nil
		}
		release()
	}
	if issues, err = m.listIssues(ctx, label); err != nil {
		return r, err
	}
	var settled []mirror.Outcome
	issues, settled, err = m.settle(ctx, c, label, t, issues, r.Outcomes, hubs, blind)
	r.Outcomes = append(r.Outcomes, settled...)
	if err != nil {
		return r, err
	}
	_, board := m.reconcileBoard(ctx, issues, ticketScope(issues, c.Domain, id), false)
	r.Outcomes = append(r.Outcomes, board...)
	return r, nil
}

// settle is what a pass that wrote does with the issues read after: for
// an issue created without reading first (blind), an older person's issue
// naming the ticket is adopted (adoptFirst); then the issues this pass
// created that turn out newer twins are closed as duplicates.
func (m *Mirror) settle(ctx context.Context, c mirror.Config, label string, t mirror.Ticket, issues []mirror.Issue, outcomes []mirror.Outcome, hubs map[int64]string, blind bool) ([]mirror.Issue, []mirror.Outcome, error) {
	var adopted []mirror.Outcome
	if blind {
		var err error
		if issues, adopted, err = m.adoptFirst(ctx, c, label, t, issues, outcomes, hubs); err != nil {
			return issues, adopted, err
		}
	}
	issues, twins := m.closeOwnTwins(ctx, c, issues, outcomes)
	return issues, append(adopted, twins...), nil
}

// adoptFirst does for a ticket whose issue was created without reading
// the list first (SyncTicket) what reading it would have done: when the
// issues read since hold one a person opened naming the ticket, that one
// is adopted, as the plan made without the created issue says. The
// created issue, now the newer of two mirrors, is then closed as a
// duplicate by closeOwnTwins. The issues are read again after adopting.
func (m *Mirror) adoptFirst(ctx context.Context, c mirror.Config, label string, t mirror.Ticket, issues []mirror.Issue, outcomes []mirror.Outcome, hubs map[int64]string) ([]mirror.Issue, []mirror.Outcome, error) {
	mine := createdBy(outcomes)
	if len(mine) == 0 {
		return issues, nil, nil
	}
	// Only an issue older than the one created: a person's issue opened
	// after it names a ticket already tracked, as reading first would
	// have found too.
	first := slices.Min(slices.Collect(maps.Keys(mine)))
	others := slices.DeleteFunc(slices.Clone(issues), func(is mirror.Issue) bool { return is.Number >= first })
	plan, err := m.planFor(ctx, c, t, others, hubs)
	if err != nil || !slices.ContainsFunc(plan.Planned, func(w mirror.Work) bool {
		return len(w.Actions) > 0 && w.Actions[0].Kind == mirror.AdoptIssue
	}) {
		return issues, nil, err
	}
	adopted := m.Apply(ctx, plan.Planned)
	fresh, err := m.listIssues(ctx, label)
	if err != nil {
		return issues, adopted, err
	}
	return fresh, adopted, nil
}

// addCreated puts the issue outcomes say this pass created on the board,
// reading back the board and the support issues that changed last in the
// same request, when the board can (port.BoardAddReader) and the issue is
// open (the board takes open issues only). It reports false when it did
// not: the caller then reads both itself, and a failed add is made by its
// board pass.
func (m *Mirror) addCreated(ctx context.Context, label string, outcomes []mirror.Outcome) (port.AddedItem, mirror.Outcome, bool) {
	ar, ok := m.Board.(port.BoardAddReader)
	if !ok {
		return port.AddedItem{}, mirror.Outcome{}, false
	}
	i := slices.IndexFunc(outcomes, func(o mirror.Outcome) bool {
		return o.Kind == mirror.CreateIssue && o.Error == "" && o.Issue != 0 && o.NodeID != ""
	})
	if i < 0 {
		return port.AddedItem{}, mirror.Outcome{}, false
	}
	created := outcomes[i]
	if slices.ContainsFunc(outcomes, func(o mirror.Outcome) bool {
		return o.Issue == created.Issue && o.Kind == mirror.CloseIssue && o.Error == ""
	}) {
		return port.AddedItem{}, created, false // created closed: the board takes open issues only
	}
	added, err := ar.AddAndRead(ctx, created.NodeID, []string{label})
	if err != nil {
		if m.Log != nil {
			m.Log.Info("adding a new issue to the board failed; the board pass adds it", "issue", created.Issue, "err", err)
		}
		return port.AddedItem{}, created, false
	}
	return added, created, true
}

// covers reports whether recent, the support issues that changed last as
// an add read them back, holds every issue changed since before was read:
// the one created, and either all of them (Whole) or one before shows
// unchanged, with an older one after it. An issue unchanged since before
// was read changed no later than that read, so every issue changed after
// it, a twin another run made or adopted meanwhile among them, is newer
// than the oldest of recent and in it. A kept list also holds issues
// created after it was read (asOf, when not zero): those vouch for
// nothing before them, so only an issue changed before asOf does.
func covers(before []mirror.Issue, asOf time.Time, added port.AddedItem, created int) bool {
	if !slices.ContainsFunc(added.Recent, func(is port.Issue) bool { return is.Number == created }) {
		return false
	}
	if added.Whole {
		return true
	}
	if len(added.Recent) == 0 {
		return false
	}
	oldest := added.Recent[len(added.Recent)-1].Updated
	seen := map[int]time.Time{}
	for _, is := range before {
		seen[is.Number] = is.Updated
	}
	for _, is := range added.Recent {
		if u, ok := seen[is.Number]; ok && !u.IsZero() && u.Equal(is.Updated) && oldest.Before(u) && (asOf.IsZero() || u.Before(asOf)) {
			return true
		}
	}
	return false
}

// takeBack is the board as the add read it, without the created issue's
// item when twins closed that issue as a duplicate: the item is deleted
// (the scheduled run never adds a newer twin, so neither path leaves one
// behind, even archived). When the delete fails the item stays, and the
// board pass archives it, as every closed duplicate's.
func (m *Mirror) takeBack(ctx context.Context, added port.AddedItem, created mirror.Outcome, twins []mirror.Outcome) []port.BoardItem {
	if !slices.ContainsFunc(twins, func(o mirror.Outcome) bool {
		return o.Issue == created.Issue && o.Kind == mirror.CloseDuplicate && o.Error == ""
	}) {
		return added.Items
	}
	if err := m.Board.(port.BoardAddReader).Remove(ctx, added.Item); err != nil {
		if m.Log != nil {
			m.Log.Info("taking a duplicate's item off the board failed; the board pass archives it", "issue", created.Issue, "err", err)
		}
		return added.Items
	}
	return slices.DeleteFunc(slices.Clone(added.Items), func(it port.BoardItem) bool { return it.ID == added.Item })
}

// withRecent is issues brought up to date with recent, a read of the
// newest of them: an issue in both is replaced (keeping who closed it,
// which recent does not say, when its state is unchanged), a new one is
// added.
func withRecent(issues []mirror.Issue, recent []port.Issue) []mirror.Issue {
	out := slices.Clone(issues)
	at := map[int]int{}
	for i, is := range out {
		at[is.Number] = i
	}
	for _, is := range recent {
		n := mirrorIssue(is)
		i, ok := at[is.Number]
		if !ok {
			at[is.Number] = len(out)
			out = append(out, n)
			continue
		}
		if out[i].State == n.State {
			n.ClosedBy = out[i].ClosedBy
		}
		out[i] = n
	}
	slices.SortFunc(out, func(a, b mirror.Issue) int { return cmp.Compare(a.Number, b.Number) })
	return out
}

// ticketScope is the issues that mirror ticket id: the items a reconcile
// of the ticket looks after.
func ticketScope(issues []mirror.Issue, domain string, id int64) map[int]bool {
	scope := map[int]bool{}
	for _, is := range mirror.MirrorsOf(issues, domain, id) {
		scope[is.Number] = true
	}
	return scope
}

// closeOwnTwins closes, as duplicates of the oldest, the issues this run
// created (outcomes) for a ticket that another run mirrored at the same
// moment: a dispatch for a new ticket beside the scheduled run that found
// it too. Of two runs that each created one, the newer issue's run always
// sees both in its list read after writing (its create came after the
// other's), so every race ends within the runs that made it, whichever
// finishes first, and no issue is closed twice. It returns issues with the
// ones it closed marked closed.
func (m *Mirror) closeOwnTwins(ctx context.Context, c mirror.Config, issues []mirror.Issue, outcomes []mirror.Outcome) ([]mirror.Issue, []mirror.Outcome) {
	created := createdBy(outcomes)
	if len(created) == 0 {
		return issues, nil
	}
	var works []mirror.Work
	for _, w := range mirror.Duplicates(c, issues) {
		if created[w.Issue] {
			works = append(works, w)
		}
	}
	if len(works) == 0 {
		return issues, nil
	}
	out := m.Apply(ctx, works)
	closed := map[int]bool{}
	for _, o := range out {
		if o.Kind == mirror.CloseDuplicate && o.Error == "" {
			closed[o.Issue] = true
		}
	}
	issues = slices.Clone(issues)
	for i := range issues {
		if closed[issues[i].Number] {
			issues[i].State, issues[i].StateReason, issues[i].ClosedAt = "closed", "duplicate", m.Now
		}
	}
	return issues, out
}

// createdBy is the issues outcomes say were created.
func createdBy(outcomes []mirror.Outcome) map[int]bool {
	created := map[int]bool{}
	for _, o := range outcomes {
		if o.Kind == mirror.CreateIssue && o.Error == "" && o.Issue != 0 {
			created[o.Issue] = true
		}
	}
	return created
}

// syncTicket reconciles ticket id with the issues given: every support
// issue, or, for a delivery about an issue that mirrors the ticket, that
// issue alone (a duplicate is the scheduled sync's to find).
func (m *Mirror) syncTicket(ctx context.Context, c mirror.Config, id int64, issues []mirror.Issue) (mirror.Report, error) {
	r, _, err := m.planTicket(ctx, c, id, issues)
	if err != nil {
		return r, err
	}
	r.Outcomes = m.Apply(ctx, r.Planned)
	return r, nil
}

// planTicket reads ticket id and plans its work with the issues given.
func (m *Mirror) planTicket(ctx context.Context, c mirror.Config, id int64, issues []mirror.Issue) (mirror.Report, mirror.Ticket, error) {
	hubs := map[int64]string{}
	t, _, err := m.readTicket(ctx, c, id, false, hubs)
	if err != nil {
		return mirror.Report{}, t, err
	}
	r, err := m.planFor(ctx, c, t, issues, hubs)
	return r, t, err
}

// PlanTicket is what SyncTicket would do for ticket id, done nothing of:
// the same reads (the support issues, the ticket, its hub), so a dry run
// proves the credentials and the ticket too. mirrored reports whether an
// issue mirrors the ticket already, unmatched why the ticket is not one
// to mirror ("" when it is: mirror.Config.Unmatched).
func (m *Mirror) PlanTicket(ctx context.Context, c mirror.Config, label string, id int64) (r mirror.Report, mirrored bool, unmatched string, err error) {
	issues, err := m.listIssues(ctx, label)
	if err != nil {
		return mirror.Report{DryRun: true}, false, "", err
	}
	r, t, err := m.planTicket(ctx, c, id, issues)
	r.DryRun = true
	if err != nil {
		return r, false, "", err
	}
	return r, mirror.Mirrored(issues, c.Domain, id), c.Unmatched(t), nil
}

// keptIssues is the support issues as last read, and when, when the
// issues keep them (port.KeptIssues) and the list is fresh enough to
// trust.
func (m *Mirror) keptIssues(label string) ([]mirror.Issue, time.Time, bool) {
	k, ok := m.Issues.(port.KeptIssues)
	if !ok {
		return nil, time.Time{}, false
	}
	kept, asOf, ok := k.Kept(label)
	if !ok {
		return nil, time.Time{}, false
	}
	out := make([]mirror.Issue, len(kept))
	for i, is := range kept {
		out[i] = mirrorIssue(is)
	}
	return out, asOf, true
}

// readTicket reads ticket id; with notes, and a helpdesk that reads a
// ticket's conversations with it (port.TicketNotesReader), it also reports
// whether the ticket may be linked to an issue already: a note of
// steward's links it, or its conversations were too many to see whole.
// A company name read with the ticket goes into hubs.
func (m *Mirror) readTicket(ctx context.Context, c mirror.Config, id int64, notes bool, hubs map[int64]string) (mirror.Ticket, bool, error) {
	if nr, ok := m.Desk.(port.TicketNotesReader); ok && notes {
		pt, convs, all, err := nr.TicketWithNotes(ctx, id, c.IncludeRequester)
		if err != nil {
			return mirror.Ticket{}, true, fmt.Errorf("reading FreshDesk ticket %d: %w", id, err)
		}
		if pt.Company != 0 && pt.CompanyName != "" {
			hubs[pt.Company] = pt.CompanyName
		}
		linked := !all || slices.ContainsFunc(convs, func(cv port.Conversation) bool { return mirror.HasAnyLink(cv.HTML) })
		return mirrorTicket(pt), linked, nil
	}
	pt, err := m.Desk.Ticket(ctx, id, c.IncludeRequester)
	if err != nil {
		return mirror.Ticket{}, true, fmt.Errorf("reading FreshDesk ticket %d: %w", id, err)
	}
	return mirrorTicket(pt), true, nil
}

// creates reports whether works create an issue.
func creates(works []mirror.Work) bool {
	return slices.ContainsFunc(works, func(w mirror.Work) bool {
		return slices.ContainsFunc(w.Actions, func(a mirror.Action) bool { return a.Kind == mirror.CreateIssue })
	})
}

// planFor plans ticket t's work with the issues given. Its hub's name is
// the one an issue records, else one read already (hubs keeps them), else
// it is read.
func (m *Mirror) planFor(ctx context.Context, c mirror.Config, t mirror.Ticket, issues []mirror.Issue, hubs map[int64]string) (mirror.Report, error) {
	in := mirror.Input{Now: m.Now, Tickets: []mirror.Ticket{t}, Issues: issues, Hubs: map[int64]string{}}
	if t.Company != 0 {
		name := mirror.KnownHubs(issues)[t.Company]
		read := name != ""
		if !read {
			name, read = hubs[t.Company]
		}
		if !read && (c.Matches(t) || mirror.Mirrored(issues, c.Domain, t.ID)) {
			var err error
			if name, err = m.Desk.CompanyName(ctx, t.Company); err != nil {
				return mirror.Report{}, fmt.Errorf("reading FreshDesk company %d: %w", t.Company, err)
			}
			hubs[t.Company] = name
		}
		in.Hubs[t.Company] = name
	}
	var works []mirror.Work
	for _, w := range mirror.Plan(c, in) {
		if w.Ticket == t.ID {
			works = append(works, w)
		}
	}
	r := mirror.Report{Planned: works}
	if r.Planned == nil {
		r.Planned = []mirror.Work{}
	}
	return r, nil
}

// ReconcileIssue is the reconcile of one support issue, whichever delivery
// or action named it: the issue and its ticket made to agree (a mirrored
// issue with its ticket; an issue a person labelled that names a ticket
// becomes that ticket's mirror, unless another issue already is), then the
// board. It reports the issue that mirrors the ticket, 0 for an issue that
// mirrors none.
func (m *Mirror) ReconcileIssue(ctx context.Context, c mirror.Config, label string, number int) (int, error) {
	mirrorOf, err := m.pair(ctx, c, label, number)
	if err != nil {
		return mirrorOf, err
	}
	board, err := m.boardPass(ctx, label, map[int]bool{number: true, mirrorOf: true})
	for _, o := range board {
		if o.Error != "" && err == nil {
			err = fmt.Errorf("the board: %s: %s", o.Reason, o.Error)
		}
	}
	return mirrorOf, err
}

// pair makes issue number and the ticket it names agree.
func (m *Mirror) pair(ctx context.Context, c mirror.Config, label string, number int) (int, error) {
	is, err := m.Issues.Get(ctx, number)
	if err != nil {
		return 0, fmt.Errorf("reading #%d: %w", number, err)
	}
	if id, _, ok := mirror.TicketOf(is.Body); ok {
		// The issue mirrors its ticket already: reconcile the two without
		// its duplicates (those are the scheduled sync's to find).
		_, err := m.syncTicket(ctx, c, id, []mirror.Issue{mirrorIssue(is)})
		return number, err
	}
	id, ok := mirror.TicketRef(is.Body, c.Domain)
	if !ok {
		return 0, nil // a support issue a person opened: the board is all it needs
	}
	issues, err := m.listIssues(ctx, label)
	if err != nil {
		return 0, err
	}
	if other := mirror.Tracker(issues, c.Domain, id, number); other != 0 {
		return other, m.Issues.Comment(ctx, number, mirror.AlreadyTracked(id, other))
	}
	// The plan adopts the oldest issue that names the ticket, as the
	// scheduled sync does: whichever path sees it first, the same one.
	issues = slices.DeleteFunc(issues, func(x mirror.Issue) bool { return x.Number == number })
	r, err := m.syncTicket(ctx, c, id, append(issues, mirrorIssue(is)))
	if err != nil {
		return 0, err
	}
	for _, w := range r.Planned {
		if len(w.Actions) > 0 && w.Actions[0].Kind == mirror.AdoptIssue {
			return w.Issue, nil
		}
	}
	return number, nil
}
