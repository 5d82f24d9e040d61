package mirror

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func ids(items []BoardItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// apply carries out moves on an order of ids, as GitHub's
// updateProjectV2ItemPosition does.
func apply(order []string, moves []Move) []string {
	out := slices.Clone(order)
	for _, m := range moves {
		out = slices.DeleteFunc(out, func(s string) bool { return s == m.ID })
		at := 0
		if m.After != "" {
			at = slices.Index(out, m.After) + 1
		}
		out = slices.Insert(out, at, m.ID)
	}
	return out
}

func TestBoardOrderPutsImpactFirst(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 9, 0, 0, 0, time.UTC) }
	board := []BoardItem{
		{ID: "closed", Support: true, Closed: true, Priority: 4, Created: day(1)},
		{ID: "low", Support: true, Priority: 1, Created: day(2)},
		{ID: "sprint-a"},
		{ID: "high-new", Support: true, Priority: 3, Created: day(9)},
		{ID: "high-old", Support: true, Priority: 3, Created: day(3)},
		{ID: "sprint-b"},
		{ID: "urgent", Support: true, Priority: 4, Created: day(8)},
		{ID: "hub-down", Support: true, HubDown: true, Priority: 2, Created: day(7)},
		{ID: "medium", Support: true, Created: day(4)},
		{ID: "event", Support: true, Event: true, Priority: 1, Created: day(6)},
	}
	want := []string{"event", "hub-down", "urgent", "high-old", "high-new", "medium", "low", "sprint-a", "sprint-b", "closed"}
	if got := ids(Ordered(board)); !slices.Equal(got, want) {
		t.Fatalf("order\n got %v\nwant %v", got, want)
	}
	moves := Moves(board)
	if got := apply(ids(board), moves); !slices.Equal(got, want) {
		t.Fatalf("after %v: %v", moves, got)
	}
	if len(Moves(Ordered(board))) != 0 {
		t.Error("an ordered board moved")
	}
}

// TestOneMovePerMovedItem: a priority raised on one item moves that item
// only; the board after the moves is always the wanted order, whatever the
// start.
func TestOneMovePerMovedItem(t *testing.T) {
	board := []BoardItem{
		{ID: "a", Support: true, Priority: 3}, {ID: "b", Support: true, Priority: 2},
		{ID: "c", Support: true, Priority: 2}, {ID: "d", Support: true, Priority: 1},
	}
	board[3].Priority = 4 // d becomes Urgent
	m := Moves(board)
	if len(m) != 1 || m[0] != (Move{ID: "d"}) {
		t.Errorf("moves %v; want d to the top only", m)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		n := rng.IntN(12)
		var items []BoardItem
		for i := range n {
			items = append(items, BoardItem{ID: fmt.Sprint("i", i), Support: rng.IntN(4) > 0, Closed: rng.IntN(5) == 0,
				Event: rng.IntN(8) == 0, HubDown: rng.IntN(8) == 0, Priority: rng.IntN(5), Created: time.Unix(int64(rng.IntN(5)), 0)})
		}
		want := ids(Ordered(items))
		moves := Moves(items)
		if got := apply(ids(items), moves); !slices.Equal(got, want) {
			t.Fatalf("round %d: %v after %v, want %v", round, got, moves, want)
		}
		// Fewest moves: n minus the longest run already in order, found here
		// by the plain quadratic method, not the code under test.
		if lb := n - lisLength(positions(items, want)); len(moves) != lb {
			t.Fatalf("round %d: %d moves, want %d", round, len(moves), lb)
		}
	}
}

// lisLength is the length of a longest strictly increasing subsequence,
// by the textbook O(n²) dynamic programme.
func lisLength(seq []int) int {
	best := 0
	l := make([]int, len(seq))
	for i := range seq {
		l[i] = 1
		for j := range i {
			if seq[j] < seq[i] && l[j]+1 > l[i] {
				l[i] = l[j] + 1
			}
		}
		best = max(best, l[i])
	}
	return best
}

func positions(items []BoardItem, want []string) []int {
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = slices.Index(want, it.ID)
	}
	return out
}

// A pass for one key moves that key's item, not the others: when only the
// focused item is out of place it alone moves (even where moving another
// would be as few moves), and when the order holds nothing moves, so the
// second pass writes nothing.
func TestAFocusedItemMovesRatherThanTheOthers(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	item := func(id string, p int, focus bool) BoardItem {
		return BoardItem{ID: id, Support: true, Priority: p, Created: at, Focus: focus}
	}
	// a (High) below b (Low): moving either one fixes the order.
	for _, focus := range []string{"a", "b"} {
		board := []BoardItem{item("b", 1, focus == "b"), item("a", 3, focus == "a")}
		moves := Moves(board)
		if len(moves) != 1 || moves[0].ID != focus {
			t.Errorf("focus %s: moves %+v, want %s alone", focus, moves, focus)
		}
	}
	if m := Moves([]BoardItem{item("a", 3, true), item("b", 1, false)}); len(m) != 0 {
		t.Errorf("in order, focused: moves %+v", m)
	}
}
