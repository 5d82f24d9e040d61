package usecase_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
)

// allFaults is 30% of requests failing: server errors, limits with
// Retry-After, dropped connections, some after the request took effect.
func allFaults(seed uint64) *sandbox.Faults {
	kinds := []sandbox.FaultKind{sandbox.ServerError, sandbox.TooManyRequests, sandbox.Drop}
	return sandbox.NewFaults(seed,
		sandbox.Fault{Rate: 0.15, Kinds: kinds, RetryAfter: 20 * time.Second},
		sandbox.Fault{Rate: 0.15, Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.Drop}, AfterEffect: true},
	)
}

func TestFaultsConvergeWithinThreeRunsWithoutDuplicates(t *testing.T) {
	ghFaults := sandbox.NewFaults(11,
		sandbox.Fault{Rate: 0.15, Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.TooManyRequests, sandbox.SecondaryLimit, sandbox.Drop}, RetryAfter: 20 * time.Second},
		sandbox.Fault{Rate: 0.15, Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.Drop}, AfterEffect: true},
	)
	w := newWorld(t, sandbox.FreshdeskOptions{Faults: allFaults(7)}, sandbox.GitHubOptions{Faults: ghFaults})
	for i := range 500 {
		w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint("ticket ", i), Priority: 1 + i%4, Tags: []string{"engineering"}, CompanyID: int64(1 + i%2)})
	}
	w.clock.Advance(time.Minute)
	runs := 0
	for runs < 3 && len(issuesFor(w)) < 500 {
		runs++
		w.clock.Advance(10 * time.Minute)
		w.applier().Sync(context.Background(), w.config, "support", 24*time.Hour, false)
	}
	got := issuesFor(w)
	if len(got) != 500 || len(w.issues()) != 500 {
		t.Fatalf("after %d runs: %d tickets have issues, %d issues in all", runs, len(got), len(w.issues()))
	}
	t.Logf("500 issues after %d runs", runs)

	// Now status changes on both sides, still under faults: none is lost.
	for id := int64(1); id <= 100; id++ {
		w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusResolved })
	}
	for n := 201; n <= 260; n++ {
		w.gh.HumanUpdate("acme", "support", n, "ada", func(c *sandbox.IssueChange) { c.State, c.StateReason = "closed", "completed" })
	}
	for i := 0; i < 8; i++ {
		w.clock.Advance(10 * time.Minute)
		w.applier().Sync(context.Background(), w.config, "support", 24*time.Hour, false)
	}
	w.fd.Ledger().Reset()
	for _, is := range w.issues() {
		st := ticketOf(t, is)
		tk, _ := w.fd.Ticket(st)
		if (is.State == "closed") != (tk.Status == sandbox.StatusResolved || tk.Status == sandbox.StatusClosed) {
			t.Errorf("ticket %d is %d but issue #%d is %s", st, tk.Status, is.Number, is.State)
		}
	}
	if len(w.issues()) != 500 {
		t.Errorf("%d issues after the status changes", len(w.issues()))
	}
}

func issuesFor(w *world) map[int64]int {
	out := map[int64]int{}
	for _, is := range w.issues() {
		out[ticketOf(w.t, is)]++
	}
	for id, n := range out {
		if n > 1 {
			w.t.Fatalf("ticket %d has %d issues", id, n)
		}
	}
	return out
}

func ticketOf(t testing.TB, is sandbox.Issue) int64 {
	var id int64
	if _, err := fmt.Sscanf(is.Body[len(`<!-- steward:freshdesk {"domain":"acme.freshdesk.com","ticket":`):], "%d", &id); err != nil {
		t.Fatalf("issue #%d has no marker: %v\n%s", is.Number, err, is.Body)
	}
	return id
}

func TestTwoSyncsAtOnceLeaveNoDuplicateBehind(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	for i := range 20 {
		w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint("ticket ", i), Tags: []string{"engineering"}})
	}
	w.clock.Advance(time.Minute)
	// Both observe before either writes: the race window at its widest.
	a, b := w.applier(), w.applier()
	ctx := context.Background()
	inA, _ := a.Observe(ctx, w.config, "support", w.clock.Now().Add(-time.Hour))
	inB, _ := b.Observe(ctx, w.config, "support", w.clock.Now().Add(-time.Hour))
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.Apply(ctx, planOf(w, inA)) }()
	go func() { defer wg.Done(); b.Apply(ctx, planOf(w, inB)) }()
	wg.Wait()
	if n := len(w.issues()); n != 40 {
		t.Fatalf("the race made %d issues; want it at its widest, 40", n)
	}
	w.settle(3)
	open := map[int64][]int{}
	oldest := map[int64]int{}
	for _, is := range w.issues() {
		if id := ticketOf(t, is); oldest[id] == 0 || is.Number < oldest[id] {
			oldest[id] = is.Number
		}
		if is.State == "open" {
			open[ticketOf(t, is)] = append(open[ticketOf(t, is)], is.Number)
		} else if is.StateReason != "duplicate" {
			t.Errorf("#%d closed as %s", is.Number, is.StateReason)
		}
	}
	if len(open) != 20 {
		t.Fatalf("%d tickets have an open issue", len(open))
	}
	for id, nums := range open {
		if len(nums) != 1 || nums[0] != oldest[id] {
			t.Errorf("ticket %d keeps issues %v; want only the oldest", id, nums)
		}
		linked := false
		for _, c := range w.fd.Conversations(id) {
			linked = linked || containsLink(c.Body, nums[0])
		}
		if !linked {
			t.Errorf("ticket %d has no note linking the survivor #%d", id, nums[0])
		}
	}
}

func containsLink(body string, n int) bool {
	return strings.Contains(body, fmt.Sprintf("<!-- steward:link issue=%d -->", n))
}

// A failed POST of the link note is tried again within the run, after
// reading the ticket's conversations, so under 30 % FreshDesk faults every
// ticket has exactly one link note after three runs (without the retry,
// seeds 2, 3 and 5 each left a ticket without one).
func TestEveryTicketHasExactlyOneLinkNoteUnderFaults(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		w := newWorld(t, sandbox.FreshdeskOptions{Faults: allFaults(seed)}, sandbox.GitHubOptions{})
		for i := range 100 {
			w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint("ticket ", i), Tags: []string{"engineering"}, CompanyID: int64(1 + i%2)})
		}
		for range 3 {
			w.clock.Advance(10 * time.Minute)
			w.applier().Sync(context.Background(), w.config, "support", 24*time.Hour, false)
		}
		issues := map[int64]int{} // ticket -> its issue
		for _, is := range w.issues() {
			issues[ticketOf(t, is)] = is.Number
		}
		missing, doubled := 0, 0
		for id := int64(1); id <= 100; id++ {
			n := 0
			for _, c := range w.fd.Conversations(id) {
				if containsLink(c.Body, issues[id]) {
					n++
				}
			}
			switch {
			case issues[id] == 0 || n == 0:
				missing++
			case n > 1:
				doubled++
			}
		}
		if missing > 0 || doubled > 0 {
			t.Errorf("seed %d: after 3 runs, %d of 100 tickets have no link note and %d have more than one", seed, missing, doubled)
		}
	}
}
