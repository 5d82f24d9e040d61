package usecase_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/mirror"
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
	board := ghc.Board(ghProject(w.board))
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

// ghProject is the gh adapter's project for the world's board, as wire
// makes it.
func ghProject(b *mirror.Board) gh.Project {
	return gh.Project{Owner: b.Owner, Number: b.Number, StatusField: b.StatusField, StatusOption: b.StatusOption,
		PriorityField: b.PriorityField, IterationField: b.IterationField, DoneOption: b.DoneOption}
}

// boardLine is the board as issue numbers, top first, ":done" after a
// Done item and ":archived" after an archived one.
func boardLine(w *world, number int) string {
	var out []string
	for _, it := range w.gh.ProjectItems("acme", number) {
		s := it.Issue[strings.Index(it.Issue, "#"):]
		if it.Values["Status"] != "" && it.Values["Status"] != "Todo" {
			s += ":" + strings.ToLower(it.Values["Status"])
		}
		if it.Archived {
			s += ":archived"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// A closed support issue's item is Done, and archived once Done for
// archive_after (14 days here, the default), as GitHub's own auto-archive
// does: a project holds at most 50,000 items (1,200 on older ones),
// archived ones apart, and steward never took Done items off before.
// Archived, it is off the board: later passes leave it alone and write
// nothing. Reopened, it comes back among the open work.
func TestDoneSupportItemsAreArchivedAfterArchiveAfter(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	first := w.fd.AddTicket(sandbox.FDTicket{Subject: "first", Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	w.fd.AddTicket(sandbox.FDTicket{Subject: "second", Priority: sandbox.PriorityLow, Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	if r := w.sync(); r.Failed() > 0 {
		t.Fatal(failures(r))
	}
	w.fd.AgentUpdate(first, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusResolved })
	w.clock.Advance(time.Minute)
	for _, step := range []struct {
		name  string
		after time.Duration
		board string
	}{
		{"resolved: closed, Done", 0, "#2 #1:done"},
		{"Done for 13 days", 13 * 24 * time.Hour, "#2 #1:done"},
		{"Done for 14 days: archived", 24*time.Hour + time.Minute, "#2 #1:done:archived"},
	} {
		w.clock.Advance(step.after)
		r := w.sync()
		if r.Failed() > 0 {
			t.Fatalf("%s: %s", step.name, failures(r))
		}
		if got := boardLine(w, 7); got != step.board {
			t.Errorf("%s: board %s, want %s", step.name, got, step.board)
		}
	}
	// Archived, it is off the board: a quiet pass reads the board once
	// and writes nothing.
	w.clock.Advance(25 * time.Hour)
	w.gh.Ledger().Reset()
	if r := w.sync(); r.Failed() > 0 || len(r.Board) > 0 {
		t.Fatalf("a quiet pass: %s %+v", failures(r), r.Board)
	}
	if n, writes := w.gh.Ledger().Count(sandbox.Route("POST /graphql")), w.gh.Ledger().Count(sandbox.Writes); n != 1 || writes != 0 {
		t.Errorf("a quiet pass after archiving sent %d GraphQL requests and %d writes:\n%s", n, writes, w.gh.Ledger())
	}
	// Reopened: back on the board, above the Low ticket, out of Done.
	w.fd.AgentUpdate(first, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusOpen })
	w.clock.Advance(time.Minute)
	if r := w.sync(); r.Failed() > 0 {
		t.Fatal(failures(r))
	}
	if got := boardLine(w, 7); got != "#1 #2" {
		t.Errorf("reopened: board %s, want #1 #2", got)
	}
}

// The Status option of closed support issues is done_option: a board that
// calls it Shipped works, and one without the option named fails its
// board pass saying which options there are.
func TestTheDoneOptionIsTheBoards(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.gh.AddProject("acme", 8, "Shipping board",
		sandbox.ProjectField{Name: "Status", Type: "SINGLE_SELECT", Options: []string{"Todo", "In Progress", "Shipped"}},
		sandbox.ProjectField{Name: "Priority", Type: "SINGLE_SELECT", Options: []string{"Urgent", "High", "Medium", "Low"}},
		sandbox.ProjectField{Name: "Iteration", Type: "ITERATION", Iterations: []sandbox.ProjectIteration{{Title: "Sprint 22", StartDate: "2026-10-26", Duration: 14}}})
	w.board.Number, w.board.DoneOption = 8, "Shipped"
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "first", Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	w.sync()
	w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusResolved })
	w.clock.Advance(time.Minute)
	if r := w.sync(); r.Failed() > 0 {
		t.Fatal(failures(r))
	}
	if got := boardLine(w, 8); got != "#1:shipped" {
		t.Errorf("board %s, want #1:shipped", got)
	}

	w.board.DoneOption = "Done"
	w.clock.Advance(time.Minute)
	r := w.sync()
	want := `integrations.github.project.done_option: field "Status" has no option "Done"; its options are: Todo, In Progress, Shipped`
	if f := failures(r); !strings.Contains(f, want) {
		t.Errorf("a board without the done_option: %s", f)
	}
}

// A board document GitHub cuts short (a 504 after it ran some of it) is
// sent again in smaller documents within the pass, so the pass ends with
// the board as the rules want it and no failure; a second pass writes
// nothing.
func TestABoardDocumentCutShortIsFinishedInThePass(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{MutationsPerDocument: 12, MutationTimeoutStatus: 504})
	for k := range 8 {
		w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint("t", k), Priority: 1 + k%4, Tags: []string{"engineering"}})
		w.clock.Advance(time.Minute)
	}
	w.gh.Ledger().Reset()
	if r := w.sync(); r.Failed() > 0 {
		t.Fatalf("failures:\n%s", failures(r))
	}
	if n := w.gh.Ledger().Count(func(r sandbox.Request) bool { return r.Status == 504 }); n == 0 {
		t.Fatal("no document was cut short: the test proves nothing")
	}
	for _, it := range w.gh.ProjectItems("acme", 7) {
		if it.Values["Status"] != "Todo" || it.Values["Priority"] == "" || it.Values["Iteration"] == "" {
			t.Errorf("%s: %v", it.Issue, it.Values)
		}
	}
	if got := boardLine(w, 7); got != "#4 #8 #3 #7 #2 #6 #1 #5" {
		t.Errorf("board %s: Urgent first, then High, Medium, Low, oldest first", got)
	}
	w.clock.Advance(time.Minute)
	w.gh.Ledger().Reset()
	if r := w.sync(); r.Failed() > 0 || w.gh.Ledger().Count(sandbox.Writes) != 0 || len(r.Board) > 0 {
		t.Errorf("a second pass: %s %+v\n%s", failures(r), r.Board, w.gh.Ledger())
	}
}

// An item a person removes from the board comes back with the next run:
// the board is read, never recorded. Issue #23: the issue's body said the
// item was there, so no run looked again.
func TestAnItemAPersonRemovesComesBack(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Quota", Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	w.sync()
	items := w.gh.ProjectItems("acme", 7)
	if len(items) != 1 {
		t.Fatalf("board: %+v", items)
	}
	w.gh.RemoveProjectItem("acme", 7, items[0].ID)
	w.clock.Advance(25 * time.Hour) // past the window: nothing changed in it
	if r := w.sync(); r.Failed() > 0 {
		t.Fatalf("%+v", r.Outcomes)
	}
	if b := w.gh.ProjectItems("acme", 7); len(b) != 1 || b[0].Values["Priority"] != "High" || b[0].Values["Status"] != "Todo" {
		t.Errorf("the removed item did not come back as it was: %+v", b)
	}
}
