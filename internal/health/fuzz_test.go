package health

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/untrusted"
)

// ticketsFrom turns bytes into tickets around the quarter, with any order
// of timestamps (replies before creation, resolutions before replies,
// Pending after resolution): Build must take them all.
func ticketsFrom(data []byte) []Ticket {
	base := at("2026-09-01 00:00")
	span := at("2026-12-10 00:00").Sub(base)
	var ts []Ticket
	moment := func(b []byte, i int) time.Time {
		if i+4 > len(b) {
			return time.Time{}
		}
		v := binary.LittleEndian.Uint32(b[i:])
		if v%7 == 0 {
			return time.Time{}
		}
		return base.Add(time.Duration(int64(v)%int64(span/time.Minute)) * time.Minute)
	}
	hubs := []string{"", "Acme", "Beta", hostile, "Uni Bootcamp"}
	for i := 0; i+40 <= len(data) && len(ts) < 200; i += 40 {
		c := data[i : i+40]
		t := Ticket{
			ID: int64(i), Priority: int(c[0]%6) - 1, Status: int(c[1]%7) + 1, Spam: c[2]%13 == 0, HubDown: c[2]%2 == 0,
			Hub:     untrusted.Of(hubs[int(c[3])%len(hubs)]),
			Created: moment(c, 4), FirstResponded: moment(c, 8), AgentResponded: moment(c, 12),
			PendingSince: moment(c, 16), StatusUpdated: moment(c, 20), Resolved: moment(c, 24), Updated: moment(c, 28),
		}
		if t.Created.IsZero() {
			t.Created = base
		}
		if c[32]%2 == 0 {
			t = t.WithReplies([]time.Time{moment(c, 33), moment(c, 36)})
		}
		ts = append(ts, t)
	}
	return ts
}

func checkReport(t *testing.T, in Input) {
	t.Helper()
	r := Build(in)
	pct := func(where string, p *float64) {
		if p != nil && (*p < 0 || *p > 100) {
			t.Errorf("%s: %v%% is outside 0..100", where, *p)
		}
	}
	nonNeg := func(where string, p *float64) {
		if p != nil && *p < 0 {
			t.Errorf("%s: %v is negative", where, *p)
		}
	}
	check := func(where string, f Figures) {
		rc, fr := f.Received, f.FirstResponse
		if rc.Low+rc.Medium+rc.High+rc.Urgent+rc.Other != rc.Total || fr.Met+fr.Missed+fr.NotYetDue != rc.Total || fr.Answered > rc.Total {
			t.Errorf("%s: counts disagree: %+v %+v", where, rc, fr)
		}
		if f.Updates.OnTime > f.Updates.TicketDays {
			t.Errorf("%s: %+v", where, f.Updates)
		}
		pct(where, fr.PercentMet)
		pct(where, f.Updates.PercentOnTime)
		nonNeg(where, fr.MedianHours)
		nonNeg(where, fr.P90Hours)
		nonNeg(where, f.Resolved.MedianDays)
		if fr.MedianHours != nil && *fr.MedianHours > *fr.P90Hours {
			t.Errorf("%s: median %v above p90 %v", where, *fr.MedianHours, *fr.P90Hours)
		}
	}
	for _, w := range r.Weeks {
		check(w.Start.String(), w.Figures)
	}
	check("total", r.Total)
	for _, h := range r.Hubs {
		check("hub", h.Figures)
	}
	if len(r.Hubs) > TopHubs {
		t.Errorf("%d hubs", len(r.Hubs))
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Error(err)
	}
	if err := r.WriteText(&b); err != nil {
		t.Error(err)
	}
	if err := r.WriteMarkdown(&b); err != nil {
		t.Error(err)
	}
	if _, err := r.HTML(); err != nil {
		t.Error(err)
	}
	in.ToRead(10)
}

func FuzzBuild(f *testing.F) {
	rng := rand.New(rand.NewPCG(27, 2026))
	for range 8 {
		b := make([]byte, 40*30)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		f.Add(b, uint8(12), int8(1), int8(2))
	}
	f.Add([]byte{}, uint8(0), int8(0), int8(0))
	f.Add(make([]byte, 400), uint8(200), int8(-3), int8(100))
	f.Fuzz(func(t *testing.T, data []byte, weeks uint8, first, every int8) {
		in := quarterInput(t)
		in.Tickets = ticketsFrom(data)
		in.Weeks = int(weeks)
		in.Policy.FirstResponse, in.Policy.UpdateEvery = int(first), int(every)
		checkReport(t, in)
	})
}

// The quarter's figures agree with each other too, and a week with the
// whole report's tickets in any order gives the same report.
func TestBuildDoesNotDependOnTicketOrder(t *testing.T) {
	in := quarterInput(t)
	checkReport(t, in)
	var a, b bytes.Buffer
	if err := Build(in).WriteJSON(&a); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(in.Tickets), func(i, j int) { in.Tickets[i], in.Tickets[j] = in.Tickets[j], in.Tickets[i] })
	if err := Build(in).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the report depends on the order of the tickets")
	}
}

// The same properties over random inputs, in every test run (the fuzz
// target's seeds are few): Build never panics, percentages stay within
// 0..100, counts add up.
func TestBuildPropertiesOverRandomInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 27))
	for range 60 {
		b := make([]byte, rng.IntN(4000))
		for j := range b {
			b[j] = byte(rng.UintN(256))
		}
		in := quarterInput(t)
		in.Tickets = ticketsFrom(b)
		in.Weeks = rng.IntN(120) - 5
		in.Policy.FirstResponse, in.Policy.UpdateEvery = rng.IntN(10)-2, rng.IntN(10)-2
		checkReport(t, in)
	}
}
