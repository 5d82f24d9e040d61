package freshdesk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
)

// A run's parts share one read of the ticket list: each takes its own
// window from it, a part that did not ask for requester names does not
// get them, and a ticket the run wrote to is read again by id, so a later
// part sees it as it now is.
func TestARunReadsTheTicketListOnce(t *testing.T) {
	fd, c, clock := start(t, sandbox.FreshdeskOptions{})
	fd.AddContact(sandbox.FDContact{ID: 7, Name: "Rita Requester"})
	old := fd.AddTicket(sandbox.FDTicket{Subject: "old", RequesterID: 7, CreatedAt: t0.Add(-30 * 24 * time.Hour)})
	fresh := fd.AddTicket(sandbox.FDTicket{Subject: "fresh", RequesterID: 7, CreatedAt: t0.Add(-time.Hour)})
	clock.Advance(time.Minute)
	tk := freshdesk.Tickets{C: c, Snap: freshdesk.NewSnapshot(clock.Now().Add(-90*24*time.Hour), false)}
	ctx := context.Background()

	wide, err := tk.Changed(ctx, clock.Now().Add(-90*24*time.Hour), false)
	if err != nil || len(wide) != 2 {
		t.Fatalf("90 days: %d tickets, %v", len(wide), err)
	}
	narrow, err := tk.List(ctx, port.TicketQuery{Since: clock.Now().Add(-24 * time.Hour), Requester: true})
	if err != nil || len(narrow) != 1 || narrow[0].ID != fresh || narrow[0].RequesterName != "Rita Requester" {
		t.Fatalf("a day: %+v, %v", narrow, err)
	}
	for _, x := range wide {
		if x.RequesterName != "" {
			t.Errorf("ticket %d: a part that did not ask got the requester's name", x.ID)
		}
	}
	if err := tk.SetStatus(ctx, old, sandbox.StatusResolved); err != nil {
		t.Fatal(err)
	}
	after, err := tk.Changed(ctx, clock.Now().Add(-24*time.Hour), false)
	if err != nil || len(after) != 2 || after[1].ID != old || after[1].Status != sandbox.StatusResolved {
		t.Fatalf("after resolving %d: %+v, %v", old, after, err)
	}
	if n := fd.Ledger().Count(sandbox.Route("GET /api/v2/tickets")); n != 1 {
		t.Errorf("the list was read %d times", n)
	}
	if n := fd.Ledger().Count(sandbox.Route("GET /api/v2/tickets/{id}")); n != 1 {
		t.Errorf("the written ticket was read again %d times, want 1", n)
	}
	// A window wider than the snapshot's is read on its own.
	if _, err := tk.Changed(ctx, clock.Now().Add(-200*24*time.Hour), false); err != nil {
		t.Fatal(err)
	}
	if n := fd.Ledger().Count(sandbox.Route("GET /api/v2/tickets")); n != 2 {
		t.Errorf("a wider window was answered from the snapshot")
	}
}

// A ticket read with its notes is one request; its conversations are said
// to be whole only when fewer than FreshDesk's ten came, so a note past
// them is never taken for none.
func TestATicketReadWithItsNotesSaysWhetherTheyCameWhole(t *testing.T) {
	fd, c, _ := start(t, sandbox.FreshdeskOptions{})
	tk := freshdesk.Tickets{C: c}
	ctx := context.Background()
	for _, replies := range []int{0, 9, 10, 12} {
		id := fd.AddTicket(sandbox.FDTicket{Subject: "hub", CreatedAt: t0.Add(-time.Hour)})
		for i := range replies {
			fd.CustomerReply(id, fmt.Sprintf("reply %d", i))
		}
		fd.Ledger().Reset()
		got, convs, all, err := tk.TicketWithNotes(ctx, id, false)
		if err != nil || got.ID != id {
			t.Fatalf("%d replies: %+v, %v", replies, got, err)
		}
		if want := min(replies, 10); len(convs) != want || all != (replies < 10) || fd.Ledger().Len() != 1 {
			t.Errorf("%d replies: %d conversations, whole %v, in %d requests; want %d, %v, 1", replies, len(convs), all, fd.Ledger().Len(), want, replies < 10)
		}
	}
}
