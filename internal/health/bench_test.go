package health

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/untrusted"
)

// A team at the scale: 500 tickets a week for 12 weeks, replies
// and resolutions within days, a tenth of them unread and long-running.
func BenchmarkBuild500AWeek(b *testing.B) {
	in := quarterInput(b)
	rng := rand.New(rand.NewPCG(500, 12))
	start := at("2026-09-14 00:00")
	in.Tickets = nil
	for i := range 6000 {
		c := start.Add(time.Duration(rng.Int64N(int64(at("2026-12-02 11:00").Sub(start)))))
		f := c.Add(time.Duration(rng.Int64N(int64(30 * time.Hour))))
		t := Ticket{ID: int64(i), Priority: 1 + rng.IntN(4), Status: resolvedS, Created: c, FirstResponded: f, AgentResponded: f,
			Hub: untrusted.Of([]string{"Acme", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"}[rng.IntN(6)])}
		if i%10 == 0 {
			t.AgentResponded = f.Add(8 * 24 * time.Hour)
		}
		t.Resolved = t.AgentResponded.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
		if t.Resolved.After(in.Now) {
			t.Resolved, t.Status = time.Time{}, open
		}
		t.Updated = t.AgentResponded
		in.Tickets = append(in.Tickets, t)
	}
	b.ResetTimer()
	for b.Loop() {
		r := Build(in)
		if r.Total.Received.Total == 0 {
			b.Fatal("no tickets")
		}
		in.ToRead((ReportCredits - ListCredits(len(in.Tickets))) / ConversationPageCredits)
	}
}
