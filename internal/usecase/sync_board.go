package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/port"
)

// KindBoard is the outcome of one board change made to follow the board's
// rules (mirror.BoardChanges): an item added, or an item's fields and place.
const KindBoard mirror.Kind = "board"

// reconcileBoard makes the board follow mirror's board rules for every
// support issue in issues (all of the repository's, open and closed): one
// read of the board, one Add per open support issue without an item, and
// one SetMany for every field and position that differs. It is level-
// triggered: it looks at the board as it is on every pass, whatever path
// the pass came from and whatever steward did before, so a second pass
// writes nothing. A dry run returns the changes without making them.
//
// scope, when not nil, limits the writes to the items of those issues: a
// reconcile of one key (a dispatch, a delivery) places its own item among
// the others and leaves the rest of the board to their keys and to the
// scheduled run, so concurrent keys never fight over the same items and a
// key costs the same on a busy board as on a calm one.
func (m *Mirror) reconcileBoard(ctx context.Context, issues []mirror.Issue, scope map[int]bool, dryRun bool) ([]mirror.ItemChange, []mirror.Outcome) {
	if m.Board == nil || (scope != nil && len(scope) == 0) {
		return nil, nil // no board, or no item of the key's to look after
	}
	defer m.Board.Hold()()
	read, err := m.Board.Items(ctx)
	if err != nil {
		return nil, []mirror.Outcome{{Kind: KindBoard, Reason: "reading the board", Error: err.Error()}}
	}
	return m.followRules(ctx, read, issues, scope, dryRun)
}

// followRules is reconcileBoard's work on the board as read: the writes
// that make it follow the rules, within scope. The caller holds the board.
func (m *Mirror) followRules(ctx context.Context, read []port.BoardItem, issues []mirror.Issue, scope map[int]bool, dryRun bool) ([]mirror.ItemChange, []mirror.Outcome) {
	items := make([]mirror.ObservedItem, len(read))
	other := map[string]string{} // items that are not this repository's issues, by what they are
	for i, it := range read {
		items[i] = mirror.ObservedItem{ID: it.ID, Status: it.Status, Priority: it.Priority, SprintEnd: it.SprintEnd}
		switch {
		case it.Issue != 0 && strings.EqualFold(it.Repo, m.Issues.Repo()):
			items[i].Issue = it.Issue
			items[i].Focus = scope[it.Issue]
		case it.Issue != 0:
			other[it.ID] = fmt.Sprintf(" (the item of %s#%d)", it.Repo, it.Issue)
		default:
			other[it.ID] = fmt.Sprintf(" (item %s, not an issue)", it.ID)
		}
	}
	var out []mirror.Outcome
	var planned []mirror.ItemChange
	for _, is := range mirror.MissingFromBoard(items, issues) {
		if scope != nil && !scope[is.Number] {
			continue
		}
		const why = "every open support issue is on the board"
		if dryRun {
			planned = append(planned, mirror.ItemChange{Issue: is.Number, Added: true, Reasons: []string{why}})
			continue
		}
		id, err := m.Board.Add(ctx, is.NodeID)
		o := mirror.Outcome{Issue: is.Number, Kind: KindBoard, Reason: why}
		if err != nil {
			o.Error = fmt.Sprintf("adding #%d to the board: %v", is.Number, err)
			out = append(out, o)
			continue
		}
		out = append(out, o)
		planned = append(planned, mirror.ItemChange{Item: id, Issue: is.Number, Added: true, Reasons: []string{why}})
		items = append(items, mirror.ObservedItem{ID: id, Issue: is.Number, Added: true, Focus: scope[is.Number]})
	}
	rules := mirror.BoardRules{Open: m.BoardStatus, Done: m.BoardDone, Today: civil.Of(m.Now.In(m.Render.Location)), Now: m.Now, ArchiveAfter: m.BoardArchiveAfter}
	changes := mirror.BoardChanges(rules, items, issues)
	if scope != nil {
		changes = slices.DeleteFunc(changes, func(c mirror.ItemChange) bool { return !scope[c.Issue] })
	}
	planned = append(planned, changes...)
	if dryRun || len(changes) == 0 {
		return planned, out
	}
	sets := make([]port.BoardChange, len(changes))
	for i, c := range changes {
		sets[i] = port.BoardChange{Item: c.Item, Set: port.BoardSet{Status: c.Status, Priority: c.Priority, Move: c.Move, After: c.After, Archive: c.Archive}}
		if c.Sprint {
			sets[i].Set.Iteration = civil.Of(m.Now.In(m.Render.Location))
		}
	}
	errs := m.Board.SetMany(ctx, sets)
	for i, c := range changes {
		o := mirror.Outcome{Issue: c.Issue, Kind: KindBoard, Reason: strings.Join(c.Reasons, "; ") + other[c.Item]}
		if errs[i] != nil {
			o.Error = errs[i].Error()
		}
		out = append(out, o)
	}
	return planned, out
}

// boardPass lists every support issue (a conditional read: unchanged pages
// cost nothing) and reconciles the items of scope's issues with them, for
// the passes that began from one ticket or one issue.
func (m *Mirror) boardPass(ctx context.Context, label string, scope map[int]bool) ([]mirror.Outcome, error) {
	if m.Board == nil {
		return nil, nil
	}
	issues, err := m.listIssues(ctx, label)
	if err != nil {
		return nil, err
	}
	_, out := m.reconcileBoard(ctx, issues, scope, false)
	return out, nil
}
