package health

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func ticket(in Input, id int64) Ticket {
	for _, t := range in.Tickets {
		if t.ID == id {
			return t
		}
	}
	panic("no ticket")
}

func TestNeedsRepliesOnlyWhenTheStatsCannotSettleTheUpdates(t *testing.T) {
	in := quarterInput(t)
	for _, tc := range []struct {
		name string
		t    Ticket
		want bool
	}{
		{"one public reply (first = latest)", ticket(in, 100), false},
		{"replies less than update_every apart", ticket(in, 101), false},
		{"replies already read", ticket(in, 103), false},
		{"never answered", ticket(in, 113), false},
		{"first and latest 8 working days apart, days late between", ticket(in, 109), true},
		{"the same ticket read", ticket(in, 109).WithReplies([]time.Time{at("2026-10-26 10:00"), at("2026-11-05 09:00")}), false},
		{"T3 unread: its late-looking days need the replies", func() Ticket { x := ticket(in, 103); x.RepliesKnown, x.Replies = false, nil; return x }(), true},
		// Replies far apart but Pending in between settles every day.
		{"far apart, Pending between", Ticket{ID: 1, Status: open, Created: at("2026-11-02 09:00"), FirstResponded: at("2026-11-02 10:00"),
			AgentResponded: at("2026-11-16 10:00"), PendingSince: at("2026-11-02 10:30"), StatusUpdated: at("2026-11-16 09:00")}, false},
		{"spam", func() Ticket { x := ticket(in, 109); x.Spam = true; return x }(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := in.NeedsReplies(tc.t); got != tc.want {
				t.Errorf("NeedsReplies = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReadingTheRepliesSettlesTheUnknownDays(t *testing.T) {
	in := quarterInput(t)
	for i, tk := range in.Tickets {
		if tk.ID == 109 {
			// T9's real replies: Mon 10-26 10:00, Thu 10-29 09:00 (due Mon
			// 11-02 09:00), Mon 11-02 08:00, Thu 11-05 09:00.
			in.Tickets[i] = tk.WithReplies([]time.Time{at("2026-10-26 10:00"), at("2026-10-29 09:00"), at("2026-11-02 08:00"), at("2026-11-05 09:00")})
		}
	}
	r := Build(in)
	// Week 10-26: Mon, Tue on time; Wed late (due Wed 10:00); Thu, Fri on
	// time (due Mon 09:00). Week 11-02: T9 Mon, Tue on time (due Wed
	// 11-04 08:00), Wed late, Thu on time; T11 Mon on time.
	if got := rowOf(r.Weeks[6].Figures).updates; got != "5 4 u0 80%" {
		t.Errorf("week 10-26 updates %s", got)
	}
	if got := rowOf(r.Weeks[7].Figures).updates; got != "5 4 u0 80%" {
		t.Errorf("week 11-02 updates %s", got)
	}
	if r.Replies != (Replies{Read: 3, Unsettled: 0}) {
		t.Errorf("replies = %+v", r.Replies)
	}
}

func TestToReadTakesTheOldestChangeFirstWithinTheLimit(t *testing.T) {
	in := quarterInput(t)
	a := ticket(in, 109)
	b := a
	b.ID, b.Updated = 200, a.Updated.Add(-time.Hour)
	c := a
	c.ID, c.Updated = 201, a.Updated.Add(time.Hour)
	in.Tickets = append(in.Tickets, c, b)
	ids, needed := in.ToRead(2)
	if needed != 3 || !slices.Equal(ids, []int64{200, 109}) {
		t.Errorf("ToRead(2) = %v, %d; want [200 109], 3", ids, needed)
	}
	if ids, _ := in.ToRead(0); len(ids) != 0 {
		t.Errorf("ToRead(0) = %v", ids)
	}
}

func TestCreditArithmetic(t *testing.T) {
	// 12 weeks × 500 tickets: 60 pages × 3 credits = 180; 1,200 − 180 =
	// 1,020 conversations.
	if got := ListCredits(6000); got != 180 {
		t.Errorf("ListCredits(6000) = %d", got)
	}
	if got := (ReportCredits - ListCredits(6000)) / ConversationPageCredits; got != 1020 {
		t.Errorf("conversations left to read: %d", got)
	}
	if got := ListCredits(101); got != 6 {
		t.Errorf("ListCredits(101) = %d", got)
	}
	// An overspent budget (a negative limit) reads nothing.
	if ids, _ := quarterInput(t).ToRead(100 - ListCredits(6000)); len(ids) != 0 {
		t.Errorf("an overspent budget reads %d", len(ids))
	}
}

func TestCacheRoundTripAndFreshness(t *testing.T) {
	dir := t.TempDir()
	c, err := LoadCache(dir)
	if err != nil || c.Len() != 0 {
		t.Fatalf("a missing cache: %v, %d entries", err, c.Len())
	}
	up := at("2026-11-06 09:00")
	replies := []time.Time{at("2026-10-26 10:00"), at("2026-11-05 09:00")}
	c.Put(109, up, replies)
	c.Put(109, up.Add(-time.Hour), nil) // an older reading is ignored
	if err := c.Save(dir); err != nil {
		t.Fatal(err)
	}
	c2, err := LoadCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := c2.Lookup(109, up)
	if !ok || len(got) != 2 || !got[0].Equal(replies[0]) || !got[1].Equal(replies[1]) {
		t.Errorf("Lookup at the same update = %v, %v", got, ok)
	}
	if _, ok := c2.Lookup(109, up.Add(time.Second)); ok {
		t.Error("an entry older than the ticket's update was used")
	}
	if _, ok := c2.Lookup(110, up); ok {
		t.Error("a ticket never read was found")
	}
	ts := c2.Apply([]Ticket{{ID: 109, Updated: up}, {ID: 110, Updated: up}})
	if !ts[0].RepliesKnown || ts[1].RepliesKnown {
		t.Errorf("Apply: %v %v", ts[0].RepliesKnown, ts[1].RepliesKnown)
	}
	c2.Prune(up.Add(time.Hour))
	if c2.Len() != 0 {
		t.Errorf("Prune kept %d", c2.Len())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d files, want the cache alone (no temporary left)", len(entries))
	}
}

func TestCacheCorruptOrForeignIsEmptyWithAnError(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":      "{{{",
		"foreign":       `{"format":"something-else","version":1,"tickets":{}}`,
		"newer version": `{"format":"steward-health-replies","version":99,"tickets":{}}`,
		"bad id":        `{"format":"steward-health-replies","version":1,"tickets":{"x":{"updated":"2026-01-01T00:00:00Z","replies":[]}}}`,
		"wrong shape":   `{"format":"steward-health-replies","version":1,"tickets":[1,2]}`,
		"empty":         ``,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, CacheFile), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := LoadCache(dir)
			if err == nil || c == nil || c.Len() != 0 {
				t.Fatalf("LoadCache = %v entries, %v", c.Len(), err)
			}
			if !strings.Contains(err.Error(), CacheFile) {
				t.Errorf("the error does not name the file: %v", err)
			}
			// The next save replaces it.
			c.Put(1, at("2026-11-06 09:00"), nil)
			if err := c.Save(dir); err != nil {
				t.Fatal(err)
			}
			if c, err := LoadCache(dir); err != nil || c.Len() != 1 {
				t.Errorf("after saving: %d entries, %v", c.Len(), err)
			}
		})
	}
}
