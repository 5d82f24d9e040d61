package usecase_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/usecase"
)

// A month on the sandboxes' clock: after each change, the board orders open
// support work by impact (events, hub down, Urgent, High, Medium, Low, then
// age), closed issues are Done at the bottom, the Priority field agrees with
// the label, and each item out of place moves once (none when the order
// holds, and a run that changed nothing reads nothing of the board).
func TestTheBoardOrderOverAMonth(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	ticket := map[string]int64{}
	add := func(name string, priority int, company int64) func() {
		return func() {
			ticket[name] = w.fd.AddTicket(sandbox.FDTicket{Subject: name, Priority: priority, Tags: []string{"engineering"}, CompanyID: company})
			w.clock.Advance(time.Minute)
		}
	}
	update := func(name string, change func(*sandbox.FDTicket)) func() {
		return func() { w.fd.AgentUpdate(ticket[name], change) }
	}
	day := func(d int) time.Time { return t0.Add(time.Duration(d) * 24 * time.Hour) } // t0: Monday 2 November
	for _, step := range []struct {
		name   string
		day    int
		change []func()
		order  string // issue numbers, top first; closed ones marked "done"
		moves  int
	}{
		{"three tickets: High, Medium, Low", 0,
			[]func(){add("low", sandbox.PriorityLow, 1), add("high", sandbox.PriorityHigh, 1), add("medium", sandbox.PriorityMedium, 1)},
			"#2 #3 #1", 0},
		{"a Low ticket from a hub with an event goes first", 1,
			[]func(){add("event", sandbox.PriorityLow, 2)}, "#4 #2 #3 #1", 0},
		{"Medium raised to Urgent passes High", 2,
			[]func(){update("medium", func(t *sandbox.FDTicket) { t.Priority = sandbox.PriorityUrgent })}, "#4 #3 #2 #1", 1},
		{"the event ends: its Low ticket sinks below the older Low", 4, nil, "#3 #2 #1 #4", 1},
		{"hub down goes above Urgent", 8,
			[]func(){update("low", func(t *sandbox.FDTicket) { t.Tags = append(t.Tags, "hub-down") })}, "#1 #3 #2 #4", 1},
		{"resolved in FreshDesk: closed, Done, at the bottom", 14,
			[]func(){update("medium", func(t *sandbox.FDTicket) { t.Status = sandbox.StatusResolved })}, "#1 #2 #4 #3:done", 1},
		{"nothing changes: nothing moves", 18, nil, "#1 #2 #4 #3:done", 0},
		{"a new Medium takes its place between High and Low", 23,
			[]func(){add("new", sandbox.PriorityMedium, 1)}, "#1 #2 #5 #4 #3:done", 0},
		{"reopened: back among the open work, out of Done", 29,
			[]func(){update("medium", func(t *sandbox.FDTicket) { t.Status = sandbox.StatusOpen })}, "#1 #3 #2 #5 #4", 1},
	} {
		w.clock.Set(day(step.day))
		for _, c := range step.change {
			c()
		}
		w.clock.Advance(time.Minute)
		w.gh.Ledger().Reset()
		r := w.sync()
		if f := failures(r); f != "" {
			t.Fatalf("%s: failures:\n%s", step.name, f)
		}
		var got []string
		for _, it := range w.gh.ProjectItems("acme", 7) {
			s := it.Issue[strings.Index(it.Issue, "#"):]
			if it.Values["Status"] == "Done" {
				s += ":done"
			}
			got = append(got, s)
			n := 0
			for _, is := range w.issues() {
				if "acme/support#"+strconv.Itoa(is.Number) == it.Issue {
					n = is.Number
					if want := "priority: " + strings.ToLower(it.Values["Priority"]); !strings.Contains(strings.Join(is.Labels, ","), want) {
						t.Errorf("%s: %s has Priority %s on the board and labels %v", step.name, it.Issue, it.Values["Priority"], is.Labels)
					}
				}
			}
			if n == 0 {
				t.Errorf("%s: board item %s has no issue", step.name, it.Issue)
			}
		}
		if strings.Join(got, " ") != step.order {
			t.Errorf("%s (day %d): board %s, want %s", step.name, step.day, strings.Join(got, " "), step.order)
		}
		// Moves of items already on the board: a new item is placed by
		// the document that sets its fields, and counts as no move.
		moves, added := 0, map[int]bool{}
		for _, c := range r.Board {
			if c.Added {
				added[c.Issue] = true
			}
		}
		for _, c := range r.Board {
			if c.Move && !added[c.Issue] {
				moves++
			}
		}
		if moves != step.moves {
			t.Errorf("%s: %d board updates to keep the order, want %d", step.name, moves, step.moves)
		}
		// A run with nothing to change reads the board once and writes
		// nothing to it.
		if step.moves == 0 && len(r.Planned) == 0 && (w.gh.Ledger().Count(sandbox.Writes) != 0 || w.gh.Ledger().Count(sandbox.Route("POST /graphql")) != 1) {
			t.Errorf("%s: a run that changed nothing: %s", step.name, w.gh.Ledger())
		}
	}
}

// A support issue a person opened joins the board when its delivery
// arrives, with the priority its labels give, or Medium.
func TestAHandMadeSupportIssueJoinsTheBoard(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	high := w.gh.CreateIssue("acme", "support", "ada", "Kernels die", "Seen by three users.", "support", "priority: high")
	plain := w.gh.CreateIssue("acme", "support", "ada", "Slow start", "", "support")
	for _, n := range []int{high, plain, high} { // a second delivery changes nothing
		if _, err := w.applier().ReconcileIssue(context.Background(), w.config, "support", n); err != nil {
			t.Fatal(err)
		}
	}
	b := w.gh.ProjectItems("acme", 7)
	if len(b) != 2 || b[0].Issue != "acme/support#1" || b[0].Values["Priority"] != "High" || b[0].Values["Status"] != "Todo" ||
		b[1].Values["Priority"] != "Medium" || b[1].Values["Iteration"] != "Sprint 22" {
		t.Errorf("board: %+v", b)
	}
}

// A support issue a person opened whose delivery was lost joins the board
// with the next scheduled run. Found by a fresh-eye review: only the
// delivery put it there.
func TestAHandMadeIssueWhoseDeliveryWasLostJoinsWithTheNextRun(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	hand := w.gh.CreateIssue("acme", "support", "ada", "Kernels die", "Seen by three users.", "support", "priority: high")
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Quota", Priority: sandbox.PriorityLow, Tags: []string{"engineering"}})
	if r := w.sync(); r.Failed() > 0 {
		t.Fatalf("%+v", r.Outcomes)
	}
	var found bool
	for _, it := range w.gh.ProjectItems("acme", 7) {
		if it.Issue == fmt.Sprintf("acme/support#%d", hand) {
			found = true
			if it.Values["Priority"] != "High" || it.Values["Status"] != "Todo" {
				t.Errorf("the hand-made issue's fields: %+v", it.Values)
			}
		}
	}
	if !found {
		t.Errorf("the hand-made issue #%d is not on the board: %+v", hand, w.gh.ProjectItems("acme", 7))
	}
	// It is placed by impact: High above the Low ticket.
	if b := w.gh.ProjectItems("acme", 7); len(b) != 2 || b[0].Issue != fmt.Sprintf("acme/support#%d", hand) {
		t.Errorf("board order: %+v", b)
	}
}

// A run whose board pass fails (GitHub's GraphQL down) after it closed an
// issue: later runs with nothing else to do put it right, since every run
// reads the board. Found by a fresh-eye review: the pass ran only in runs
// that planned work, so the closed issue stayed in Todo above the open
// work.
func TestAFailedBoardPassIsFinishedByALaterRun(t *testing.T) {
	faults := sandbox.NewFaults(1)
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{Faults: faults})
	first := w.fd.AddTicket(sandbox.FDTicket{Subject: "first", Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	w.fd.AddTicket(sandbox.FDTicket{Subject: "second", Priority: sandbox.PriorityLow, Tags: []string{"engineering"}})
	if r := w.sync(); r.Failed() > 0 {
		t.Fatalf("%+v", r.Outcomes)
	}
	w.clock.Advance(time.Hour)
	w.fd.AgentUpdate(first, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusResolved })
	*faults = *sandbox.NewFaults(1, sandbox.Fault{Route: "POST /graphql", Rate: 1, Kinds: []sandbox.FaultKind{sandbox.ServerError}})
	if r := w.sync(); r.Failed() == 0 {
		t.Fatalf("the board pass did not fail: %+v", r.Outcomes)
	}
	*faults = *sandbox.NewFaults(1)
	for range 3 {
		w.clock.Advance(25 * time.Hour) // past the run's window: nothing changed in it
		if r := w.sync(); r.Failed() > 0 {
			t.Fatalf("%+v", r.Outcomes)
		}
	}
	b := w.gh.ProjectItems("acme", 7)
	if len(b) != 2 || b[0].Issue != "acme/support#2" || b[1].Issue != "acme/support#1" || b[1].Values["Status"] != "Done" {
		t.Errorf("board: %+v", b)
	}
	// And once right, a quiet run reads the board once and writes nothing.
	w.gh.Ledger().Reset()
	w.clock.Advance(25 * time.Hour)
	w.sync()
	if n, writes := w.gh.Ledger().Count(sandbox.Route("POST /graphql")), w.gh.Ledger().Count(sandbox.Writes); n != 1 || writes != 0 {
		t.Errorf("a quiet run sent %d GraphQL requests and %d writes:\n%s", n, writes, w.gh.Ledger())
	}
}

// The board pass may move an item of another repository to keep the
// order; its outcome names that item, not an issue number that would read
// as this repository's. Found by a fresh-eye review.
func TestTheBoardPassNamesAnotherRepositorysItemAsSuch(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.gh.AddRepo("acme", "other", "main", nil)
	high := w.fd.AddTicket(sandbox.FDTicket{Subject: "high", Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	low := w.fd.AddTicket(sandbox.FDTicket{Subject: "low", Priority: sandbox.PriorityLow, Tags: []string{"engineering"}})
	if r := w.sync(); r.Failed() > 0 {
		t.Fatalf("%+v", r.Outcomes)
	}
	// A person puts an issue of another repository at the top, where the
	// board's order (open support work first) does not have it.
	ctx := context.Background()
	ghc, err := gh.New(gh.Config{APIURL: w.ghURL, Token: "gh-token", Clock: w.clock})
	if err != nil {
		t.Fatal(err)
	}
	other, err := ghc.Issues("acme/other")
	if err != nil {
		t.Fatal(err)
	}
	is, err := other.Create(ctx, port.NewIssue{Title: "Someone else's work"})
	if err != nil {
		t.Fatal(err)
	}
	board := ghc.Board(gh.Project(*w.board))
	item, err := board.Add(ctx, is.NodeID)
	if err != nil {
		t.Fatal(err)
	}
	if err := board.Set(ctx, item, port.BoardSet{Move: true}); err != nil {
		t.Fatal(err)
	}
	// The priorities swap: the pass reorders, the other item included.
	w.clock.Advance(time.Hour)
	w.fd.AgentUpdate(high, func(t *sandbox.FDTicket) { t.Priority = sandbox.PriorityLow })
	w.fd.AgentUpdate(low, func(t *sandbox.FDTicket) { t.Priority = sandbox.PriorityUrgent })
	r := w.sync()
	moved := false
	reported := map[int]bool{}
	for _, o := range r.Outcomes {
		if o.Kind != usecase.KindBoard {
			continue
		}
		if o.Issue != 0 && reported[o.Issue] {
			t.Errorf("issue #%d is reported for two moves: one of them is another item's: %+v", o.Issue, r.Outcomes)
		}
		reported[o.Issue] = true
		if strings.Contains(o.Reason, "acme/other#1") {
			moved = true
			if o.Issue != 0 {
				t.Errorf("the other repository's item is reported as issue #%d: %+v", o.Issue, o)
			}
		} else if o.Issue == 0 {
			t.Errorf("an order outcome names no issue: %+v", o)
		}
	}
	if !moved {
		t.Fatalf("the pass did not move the other item, so the test proves nothing: %+v", r.Outcomes)
	}
}
