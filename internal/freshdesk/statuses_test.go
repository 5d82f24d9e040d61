package freshdesk_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
)

// Issue #25, fact 9: accounts define statuses of their own beyond 2-5. A
// leaver's open tickets are every ticket of theirs not resolved or closed,
// in whatever status: the search that asked for status:2 OR status:3 did
// not see "Waiting on Customer" or "Waiting on Third Party". The account's
// statuses are read once for the run, whatever the number of leavers.
func TestAnAgentsOpenTicketsIncludeTheAccountsStatuses(t *testing.T) {
	fd, c, clock := start(t, sandbox.FreshdeskOptions{ExtraStatuses: map[int]string{6: "Waiting on Customer"}})
	fd.AddStatus(7, "Waiting on Third Party")
	want := map[int64][]int64{}
	for _, agent := range []int64{11, 12} {
		for status := 2; status <= 7; status++ {
			id := fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint(agent, status), ResponderID: agent, Status: status})
			if status != sandbox.StatusResolved && status != sandbox.StatusClosed {
				want[agent] = append(want[agent], id)
			}
		}
	}
	clock.Advance(time.Minute)
	a := freshdesk.AgentTickets{C: c}
	for _, agent := range []int64{11, 12} {
		refs, err := a.OpenTicketsOf(context.Background(), agent)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range refs {
			got = append(got, r.ID)
		}
		slices.Sort(got)
		if fmt.Sprint(got) != fmt.Sprint(want[agent]) {
			t.Errorf("agent %d's open tickets: %v, want %v (statuses 2, 3, 6, 7)", agent, got, want[agent])
		}
	}
	if n := fd.Ledger().Count(sandbox.Route("GET /api/v2/ticket_fields")); n != 1 {
		t.Errorf("the statuses were read %d times for two agents; want once", n)
	}
	// A status added later is seen once the statuses are read again.
	fd.AddStatus(8, "Waiting on Engineering")
	id := fd.AddTicket(sandbox.FDTicket{Subject: "new", ResponderID: 11, Status: 8})
	clock.Advance(freshdesk.StatusesTTL)
	refs, err := a.OpenTicketsOf(context.Background(), 11)
	if err != nil || !slices.ContainsFunc(refs, func(r port.TicketRef) bool { return r.ID == id }) {
		t.Errorf("after the TTL, a ticket in a new status: %v %v", refs, err)
	}
}

// The statuses as the account defines them, by id; open is every one but
// 4 and 5.
func TestStatusesReadsTheStatusFieldsChoices(t *testing.T) {
	_, c, _ := start(t, sandbox.FreshdeskOptions{ExtraStatuses: map[int]string{6: "Waiting on Customer", 12: "On hold"}})
	all, err := c.Statuses(context.Background())
	if err != nil || fmt.Sprint(all) != "[{2 Open} {3 Pending} {4 Resolved} {5 Closed} {6 Waiting on Customer} {12 On hold}]" {
		t.Errorf("statuses: %v %v", all, err)
	}
	open, err := c.OpenStatuses(context.Background())
	if err != nil || fmt.Sprint(open) != "[2 3 6 12]" {
		t.Errorf("open statuses: %v %v", open, err)
	}
}

// An account with more statuses than one 512-character query can name is
// searched in several queries, none over the limit (the sandbox refuses
// longer ones, as FreshDesk does), each ticket listed once.
func TestManyStatusesAreSearchedInQueriesThatFit(t *testing.T) {
	extra := map[int]string{}
	for id := 6; id < 86; id++ {
		extra[id] = fmt.Sprint("Custom ", id)
	}
	fd, c, clock := start(t, sandbox.FreshdeskOptions{ExtraStatuses: extra})
	var want []int64
	for id := 2; id < 86; id++ {
		tk := fd.AddTicket(sandbox.FDTicket{Subject: "s", ResponderID: 5, Status: id})
		if id != 4 && id != 5 {
			want = append(want, tk)
		}
	}
	clock.Advance(time.Minute)
	refs, err := freshdesk.AgentTickets{C: c}.OpenTicketsOf(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, r := range refs {
		got = append(got, r.ID)
	}
	slices.Sort(got)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%d open tickets found, want %d", len(got), len(want))
	}
	searches := fd.Ledger().Count(sandbox.Route("GET /api/v2/search/tickets"))
	if searches < 2 {
		t.Errorf("%d searches for 82 statuses; one query cannot hold them", searches)
	}
	for _, r := range fd.Ledger().Requests() {
		if r.Status == 400 {
			t.Errorf("a refused request: %s", r.Path)
		}
	}
}
