package usecase

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/workdays"
)

const general = "C0GENERAL1"

// memJournal is an in-memory port.Journal.
type memJournal struct {
	mu      sync.Mutex
	entries map[string][]string
}

func (j *memJournal) Entries(_ context.Context, key string) ([]string, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.entries[key]), nil
}

func (j *memJournal) Add(_ context.Context, key, entry string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.entries == nil {
		j.entries = map[string][]string{}
	}
	j.entries[key] = append(j.entries[key], entry)
	return nil
}

func quarter() (Day, *workdays.Calendar) {
	d := civil.MustParse
	la, _ := time.LoadLocation("America/Los_Angeles")
	cal := workdays.New(la, []civil.Date{d("2026-12-25"), d("2027-01-01")})
	p := func(n, id string) comms.Person { return comms.Person{Name: n, Slack: id} }
	a, b, c := p("Ada Lovelace", "U0ADA00001"), p("Grace Hopper", "U0GRACE001"), p("Alan Turing", "")
	return Day{
		Shifts: []comms.Shift{
			{Who: a, Start: d("2026-10-05"), End: d("2026-11-02")}, {Who: c, Start: d("2026-11-02"), End: d("2026-11-30")},
			{Who: a, Start: d("2026-11-30"), End: d("2026-12-28")}, {Who: c, Start: d("2026-12-28"), End: d("2027-01-25")},
			{Who: b, Start: d("2026-09-21"), End: d("2026-10-19")}, {Who: b, Start: d("2026-10-19"), End: d("2026-11-16")},
			{Who: b, Start: d("2026-11-16"), End: d("2027-01-01")}, {Who: a, Start: d("2027-01-01"), End: d("2027-01-11")},
		},
		Events: []comms.Event{
			{Name: "Workshop", Hub: "example-hub", From: d("2026-12-01"), To: d("2026-12-04")},
			{Name: "New year", Hub: "other-hub", From: d("2027-01-04"), To: d("2027-01-05")},
		},
		OpenTickets: func(hub string) []comms.Ticket {
			if hub != "example-hub" {
				return nil
			}
			return []comms.Ticket{{ID: 42, URL: "https://acme.freshdesk.com/a/tickets/42", Subject: "Kernel dies", Priority: "High"}}
		},
		RotationPR: func(h civil.Date) comms.Link {
			return comms.Link{URL: "https://github.com/acme/support/pull/" + h.Compact(), Label: "rotation " + h.String()}
		},
	}, cal
}

// Every day of a quarter, three runs a day: the handoffs and events are
// told on their days, each once, in the right channels; a day with nothing
// due makes no Slack request.
func TestHandoffAndEventMessagesOnTheRightDaysOverAQuarter(t *testing.T) {
	r := newRig(t, nil)
	r.s.AddChannel(general, "hub-support", false, true)
	day, cal := quarter()
	an := &Announcer{Chat: r.chat, Journal: &memJournal{}, TicketsChannel: tickets, GeneralChannel: general, Workdays: cal}
	ctx := context.Background()
	quiet := 0
	for d := civil.MustParse("2026-10-01"); d.Before(civil.MustParse("2027-01-09")); d = d.AddDays(1) {
		day.Date = d
		for run := range 3 {
			r.clock.Set(d.Time(cal.Location()).Add(time.Duration(8+run*4) * time.Hour))
			before := r.s.Ledger().Len()
			if _, err := an.Run(ctx, day); err != nil {
				t.Fatalf("%s: %v", d, err)
			}
			if run > 0 && r.s.Ledger().Len() != before {
				t.Errorf("%s, run %d: %d Slack requests for messages already sent", d, run+1, r.s.Ledger().Len()-before)
			}
			if len(an.Plan(day)) == 0 {
				quiet++
				if r.s.Ledger().Len() != before {
					t.Errorf("%s: a day with nothing due made Slack requests", d)
				}
			}
		}
	}
	if quiet == 0 {
		t.Fatal("no quiet day checked")
	}
	told := func(channel string) []string {
		var out []string
		for _, m := range r.s.Messages(channel) {
			sec, _ := strconv.ParseInt(strings.Split(m.TS, ".")[0], 10, 64)
			first, _, _ := strings.Cut(m.Text, ":")
			first, _, _ = strings.Cut(m.Text[len(first)+1:], ":")
			out = append(out, fmt.Sprintf("%s %s", civil.Of(time.Unix(sec, 0).In(cal.Location())), strings.TrimSpace(first)))
		}
		return out
	}
	handoffs := []string{
		"2026-10-05 arrows_clockwise", "2026-11-02 arrows_clockwise", // 10-19 and 11-16: Grace serves on
		"2026-11-30 arrows_clockwise", "2026-12-28 arrows_clockwise", "2027-01-04 arrows_clockwise",
	}
	wantTickets := []string{
		"2026-10-05 arrows_clockwise", "2026-11-02 arrows_clockwise",
		"2026-11-30 arrows_clockwise", "2026-11-30 calendar", "2026-12-01 rotating_light",
		"2026-12-28 arrows_clockwise", "2026-12-31 calendar", "2027-01-04 arrows_clockwise", "2027-01-04 rotating_light",
	}
	if got := told(general); !slices.Equal(got, handoffs) {
		t.Errorf("general channel:\n got %q\nwant %q", got, handoffs)
	}
	if got := told(tickets); !slices.Equal(got, wantTickets) {
		t.Errorf("tickets channel:\n got %q\nwant %q", got, wantTickets)
	}
	// Grace's shift ending on the holiday is told on the next working day, with its pull request.
	last := r.s.Messages(general)[4].Text
	for _, want := range []string{"handoff, Fri 1 Jan", "<@U0ADA00001> joins", "<@U0GRACE001> leaves", "pull/20270101"} {
		if !strings.Contains(last, want) {
			t.Errorf("the holiday handoff says %q, not %q", last, want)
		}
	}
}

func TestRacingRunsAnnounceOnce(t *testing.T) {
	faults := sandbox.NewFaults(3, sandbox.Fault{Route: "/api/", Rate: 0.3,
		Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.TooManyRequests, sandbox.Drop}, RetryAfter: time.Second},
		sandbox.Fault{Route: "/api/", Latency: 2 * time.Millisecond})
	r := newRig(t, faults)
	r.s.AddChannel(general, "hub-support", false, true)
	day, cal := quarter()
	day.Date = civil.MustParse("2026-11-30") // a handoff and an event
	an := &Announcer{Chat: r.chat, Journal: &memJournal{}, TicketsChannel: tickets, GeneralChannel: general, Workdays: cal}
	for range 3 {
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() { defer wg.Done(); an.Run(context.Background(), day) }()
		}
		wg.Wait()
		if n := len(r.s.Messages(general)); n > 1 {
			t.Fatalf("%d handoff messages in the general channel", n)
		}
		if n := len(r.s.Messages(tickets)); n > 2 {
			t.Fatalf("%d messages in the tickets channel, want at most the handoff and the event", n)
		}
	}
	t.Logf("ledger:\n%s", r.s.Ledger())
	*faults = *sandbox.NewFaults(0)
	if _, err := an.Run(context.Background(), day); err != nil {
		t.Fatal(err)
	}
	if len(r.s.Messages(general)) != 1 || len(r.s.Messages(tickets)) != 2 {
		t.Errorf("after a clean run: %d and %d messages", len(r.s.Messages(general)), len(r.s.Messages(tickets)))
	}
}
