package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/port"
)

// The board orders open support work by impact (mirror.Ordered): events,
// hub down, Urgent, High, Medium, Low, then age. A new item is placed
// where it belongs by the same document that sets its fields, from the
// board's order read once in the run; after a run that changed anything,
// one pass moves each item out of place once (mirror.Moves) and puts
// closed support issues in Done, reopened ones back. A run that changed
// nothing reads nothing of the board. A single ticket synced for a
// delivery adds its item without placing it: the next scheduled run does.

// KindOrderBoard is the outcome of one board update made to keep the order.
const KindOrderBoard mirror.Kind = "order-board"

// boardRun is what one run knows of the board and the support issues.
type boardRun struct {
	items   []port.BoardItem   // the board's order, as this run left it
	dom     []mirror.BoardItem // items as the order sees them, for placing
	loaded  bool
	known   map[int]mirror.Issue // support issues by number; nil: not placing
	targets map[int]mirror.State // what this run records in issues it changes
}

func (m *Mirror) startBoardRun(issues []mirror.Issue) {
	m.run = boardRun{}
	if m.Board == nil || issues == nil {
		return
	}
	m.run.known, m.run.targets = map[int]mirror.Issue{}, map[int]mirror.State{}
	for _, is := range issues {
		m.run.known[is.Number] = is
	}
}

// boardItems reads the board's order once per run.
func (m *Mirror) boardItems(ctx context.Context) ([]port.BoardItem, error) {
	if !m.run.loaded {
		items, err := m.Board.Items(ctx)
		if err != nil {
			return nil, err
		}
		m.run.items, m.run.loaded = items, true
	}
	return m.run.items, nil
}

// domainItems is the board as mirror.Ordered sees it: this repository's
// support issues, and everything else keeping its place.
func (m *Mirror) domainItems(items []port.BoardItem) []mirror.BoardItem {
	out := make([]mirror.BoardItem, len(items))
	for i, it := range items {
		out[i] = mirror.BoardItem{ID: it.ID}
		if it.Issue == 0 || !strings.EqualFold(it.Repo, m.Issues.Repo()) {
			continue
		}
		is, ok := m.run.known[it.Issue]
		if !ok {
			continue
		}
		var target *mirror.State
		if st, ok := m.run.targets[it.Issue]; ok {
			target = &st
		}
		out[i] = mirror.ItemOf(it.ID, is, target)
	}
	return out
}

// place returns where a new item goes: after the item that should precede
// it ("" is the top), and records the move in the run's view of the board.
func (m *Mirror) place(ctx context.Context, item string, w *mirror.Work) (string, bool) {
	if m.run.known == nil {
		return "", false
	}
	items, err := m.boardItems(ctx)
	if err != nil {
		return "", false // placed by the next run's order pass
	}
	is, ok := m.run.known[w.Issue]
	if !ok {
		is = mirror.Issue{Number: w.Issue, State: "open", Created: m.Now}
		m.run.known[w.Issue] = is
	}
	m.run.targets[w.Issue] = w.Target
	if len(m.run.dom) != len(items) {
		m.run.dom = m.domainItems(items) // once per run: each issue's state is parsed once
	}
	if i := slices.IndexFunc(items, func(x port.BoardItem) bool { return x.ID == item }); i >= 0 {
		items, m.run.dom = slices.Delete(slices.Clone(items), i, i+1), slices.Delete(m.run.dom, i, i+1)
	}
	x := mirror.ItemOf(item, is, &w.Target)
	after := mirror.After(m.run.dom, x)
	at := 0
	if after != "" {
		at = slices.IndexFunc(items, func(x port.BoardItem) bool { return x.ID == after }) + 1
	}
	m.run.items = slices.Insert(items, at, port.BoardItem{ID: item, Issue: w.Issue, Repo: m.Issues.Repo(), Status: m.BoardStatus})
	m.run.dom = slices.Insert(m.run.dom, at, x)
	return after, true
}

// orderBoard moves every item out of place once and keeps the status of
// closed and reopened support issues, after a run that changed something.
func (m *Mirror) orderBoard(ctx context.Context, issues []mirror.Issue) []mirror.Outcome {
	if m.Board == nil || m.run.known == nil {
		return nil
	}
	m.run.known, m.run.targets = map[int]mirror.Issue{}, map[int]mirror.State{}
	for _, is := range issues {
		m.run.known[is.Number] = is
	}
	items, err := m.boardItems(ctx)
	if err != nil {
		return []mirror.Outcome{{Kind: KindOrderBoard, Reason: "reading the board's order", Error: err.Error()}}
	}
	var out []mirror.Outcome
	// A support issue a person opened joins the board when its delivery
	// arrives; one whose delivery was lost joins here.
	if joined := m.joinMissing(ctx, issues, items); len(joined) > 0 {
		out = append(out, joined...)
		m.run.loaded = false
		if items, err = m.boardItems(ctx); err != nil {
			return append(out, mirror.Outcome{Kind: KindOrderBoard, Reason: "reading the board's order", Error: err.Error()})
		}
	}
	dom := m.domainItems(items)
	status := map[string]string{}
	for i, it := range items {
		d := dom[i]
		switch {
		case !d.Support:
		case d.Closed && m.BoardDone != "" && !strings.EqualFold(it.Status, m.BoardDone):
			status[it.ID] = m.BoardDone
		case !d.Closed && m.BoardDone != "" && strings.EqualFold(it.Status, m.BoardDone):
			status[it.ID] = m.BoardStatus
		}
	}
	// An outcome names this repository's issue; another item is named by
	// what it is, never by a number that would read as one of ours.
	issueOf, other := map[string]int{}, map[string]string{}
	for _, it := range items {
		switch {
		case it.Issue != 0 && strings.EqualFold(it.Repo, m.Issues.Repo()):
			issueOf[it.ID] = it.Issue
		case it.Issue != 0:
			other[it.ID] = fmt.Sprintf(" (the item of %s#%d)", it.Repo, it.Issue)
		default:
			other[it.ID] = fmt.Sprintf(" (item %s, not an issue)", it.ID)
		}
	}
	// Every change of the pass goes in one SetMany: one document per 25
	// items, in order, so the moves land as mirror.Moves planned them.
	var changes []port.BoardChange
	var reasons []string
	for _, mv := range mirror.Moves(dom) {
		changes = append(changes, port.BoardChange{Item: mv.ID, Set: port.BoardSet{Move: true, After: mv.After, Status: status[mv.ID]}})
		reasons = append(reasons, "the board orders support work by impact, then age")
		delete(status, mv.ID)
	}
	for _, it := range items {
		if st, ok := status[it.ID]; ok {
			changes = append(changes, port.BoardChange{Item: it.ID, Set: port.BoardSet{Status: st}})
			reasons = append(reasons, "closed support issues are Done; reopened ones are not")
		}
	}
	if len(changes) > 0 {
		errs := m.Board.SetMany(ctx, changes)
		for i, c := range changes {
			o := mirror.Outcome{Issue: issueOf[c.Item], Kind: KindOrderBoard, Reason: reasons[i] + other[c.Item]}
			if errs[i] != nil {
				o.Error = errs[i].Error()
			}
			out = append(out, o)
		}
	}
	m.run.loaded, m.run.dom = false, nil // moved: read again if needed
	return out
}

// joinMissing puts on the board the open support issues people opened that
// are not on it (their delivery was lost, or came before the board was
// configured).
func (m *Mirror) joinMissing(ctx context.Context, issues []mirror.Issue, items []port.BoardItem) []mirror.Outcome {
	on := map[int]bool{}
	for _, it := range items {
		if strings.EqualFold(it.Repo, m.Issues.Repo()) {
			on[it.Issue] = true
		}
	}
	var out []mirror.Outcome
	for _, is := range issues {
		if is.State != "open" || on[is.Number] {
			continue
		}
		if _, _, mirrored := mirror.TicketOf(is.Body); mirrored {
			continue // the mirror's own issues join with their ticket
		}
		o := mirror.Outcome{Issue: is.Number, Kind: KindOrderBoard, Reason: "a support issue a person opened joins the board"}
		if err := m.joinBoard(ctx, port.Issue{Number: is.Number, NodeID: is.NodeID, State: is.State, Labels: is.Labels}); err != nil {
			o.Error = err.Error()
		}
		out = append(out, o)
	}
	return out
}

// boardPending records, after a board pass that failed, that the board
// still owes the mirrored issues this run changed: their state says they
// are off the board, so a later run plans them back onto it (adding an
// item GitHub already has is safe) and its own pass finishes the order
// and the Done column. Without it only a run that changed something else
// would, since a quiet run reads nothing of the board. Hand-made support
// issues, which carry no state, wait for such a run.
func (m *Mirror) boardPending(ctx context.Context, works []mirror.Work, issues []mirror.Issue) []mirror.Outcome {
	byNumber := map[int]mirror.Issue{}
	for _, is := range issues {
		byNumber[is.Number] = is
	}
	var out []mirror.Outcome
	for _, w := range works {
		is, ok := byNumber[w.Issue]
		if !ok {
			continue
		}
		_, st, mirrored := mirror.TicketOf(is.Body)
		if !mirrored || !st.Board {
			continue
		}
		st.Board = false
		body := mirror.WithBlock(is.Body, m.Render.Body(st))
		o := mirror.Outcome{Ticket: w.Ticket, Issue: w.Issue, Kind: KindOrderBoard, Reason: "the board pass failed: the issue records that its item is owed, for the next run"}
		if _, err := m.Issues.Edit(ctx, w.Issue, port.IssueEdit{Body: &body}); err != nil {
			o.Error = err.Error()
		}
		out = append(out, o)
	}
	return out
}
