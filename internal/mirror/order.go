package mirror

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/sla"
)

// BoardItem is what the board's order depends on, for one item.
type BoardItem struct {
	// ID is the board item's id.
	ID string
	// Support is false for the sprint's other backlog items, which keep
	// their own order below every open support issue.
	Support bool
	// Closed items sink below the open ones (and go to Done).
	Closed   bool
	Event    bool
	HubDown  bool
	Priority int // FreshDesk's 1 Low .. 4 Urgent; 0 unknown (Medium)
	Created  time.Time
	// Fresh is an item just added (at the bottom): it is set in place by
	// the change that sets its fields anyway, so Moves keeps the others
	// where they are rather than it.
	Fresh bool
	// Focus is an item of the one key a pass reconciles: when the order
	// is broken, it moves rather than the others (whose keys and the
	// scheduled run look after them), and nothing moves when it holds.
	Focus bool
}

// impact ranks an open support item: events first, then hub down, then
// Urgent, High, Medium, Low. Smaller goes higher on the board.
func (b BoardItem) impact() int {
	switch {
	case b.Event:
		return 0
	case b.HubDown:
		return 1
	}
	p := b.Priority
	if p < 1 || p > 4 {
		p = 2
	}
	return 2 + (4 - p)
}

// group: open support work, then the rest of the backlog, then closed
// support issues.
func (b BoardItem) group() int {
	switch {
	case b.Support && !b.Closed:
		return 0
	case !b.Support:
		return 1
	}
	return 2
}

// Ordered returns the board order steward wants: open support issues by
// impact (events, hub down, Urgent, High, Medium, Low), oldest first within
// one level; then the sprint's other items in the order people gave them;
// then closed support issues. items is the board's current order.
func Ordered(items []BoardItem) []BoardItem {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b BoardItem) int {
		if c := cmp.Compare(a.group(), b.group()); c != 0 || a.group() != 0 {
			return c
		}
		return byImpact(a, b)
	})
	return out
}

// byImpact orders two open support items: impact, then age, then id.
func byImpact(a, b BoardItem) int {
	return cmp.Or(cmp.Compare(a.impact(), b.impact()), a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
}

// Move puts one item right after another; an empty After means the top.
type Move struct {
	ID    string
	After string
}

// Moves returns the fewest position updates that turn the board's current
// order into Ordered(current): the items outside a longest run already in
// the wanted order each move once, right after the item that should
// precede them; nothing moves when the order holds. Applied in the order
// returned, they give exactly the wanted order.
func Moves(current []BoardItem) []Move {
	moves := movesKeeping(current, func(it BoardItem) bool { return !it.Fresh })
	if slices.ContainsFunc(current, func(it BoardItem) bool { return it.Focus }) {
		focus := map[string]bool{}
		for _, it := range current {
			focus[it.ID] = it.Focus
		}
		if slices.ContainsFunc(moves, func(m Move) bool { return !focus[m.ID] }) {
			moves = movesKeeping(current, func(it BoardItem) bool { return !it.Fresh && !it.Focus })
		}
	}
	return moves
}

// movesKeeping is Moves with the items that may stay in place (the
// longest run already in order is chosen among them) given by keepable.
func movesKeeping(current []BoardItem, keepable func(BoardItem) bool) []Move {
	want := Ordered(current)
	pos := make(map[string]int, len(want))
	for i, it := range want {
		pos[it.ID] = i
	}
	seq := make([]int, 0, len(current))
	for _, it := range current {
		if keepable(it) {
			seq = append(seq, pos[it.ID])
		}
	}
	keep := longestIncreasing(seq)
	var moves []Move
	for i, it := range want {
		if keep[i] {
			continue
		}
		m := Move{ID: it.ID}
		if i > 0 {
			m.After = want[i-1].ID
		}
		moves = append(moves, m)
	}
	return moves
}

// longestIncreasing marks the values (positions in the wanted order) of one
// longest strictly increasing subsequence of seq, in O(n log n).
func longestIncreasing(seq []int) map[int]bool {
	var tails []int // tails[k]: index into seq of the smallest tail of a run of length k+1
	prev := make([]int, len(seq))
	for i, v := range seq {
		k, _ := slices.BinarySearchFunc(tails, v, func(t, v int) int { return cmp.Compare(seq[t], v) })
		if k > 0 {
			prev[i] = tails[k-1]
		} else {
			prev[i] = -1
		}
		if k == len(tails) {
			tails = append(tails, i)
		} else {
			tails[k] = i
		}
	}
	keep := map[int]bool{}
	if len(tails) == 0 {
		return keep
	}
	for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
		keep[seq[i]] = true
	}
	return keep
}

// PriorityOf is a support issue's priority from its labels ("priority:
// high"), Medium when it has none: how an issue a person opened joins the
// board.
func PriorityOf(labels []string) int {
	for _, l := range labels {
		name, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(l)), "priority:")
		if !ok {
			continue
		}
		for p := sla.PriorityLow; p <= sla.PriorityUrgent; p++ {
			if strings.TrimSpace(name) == strings.ToLower(sla.PriorityName(p)) {
				return p
			}
		}
	}
	return sla.PriorityMedium
}

// ItemOf is what the board's order needs of a support issue: its priority
// from its label, as the Priority field shows it (one source for both);
// for a mirrored issue, its event, hub-down and the ticket's age from the
// state steward recorded.
func ItemOf(id string, is Issue) BoardItem {
	it := BoardItem{ID: id, Support: true, Closed: is.State == "closed", Created: is.Created, Priority: PriorityOf(is.Labels)}
	if st, ok := parseState(is.Body); ok {
		it.Event, it.HubDown = st.Event, st.HubDown
		if !st.Created.IsZero() {
			it.Created = st.Created
		}
	}
	return it
}
