package usecase

import (
	"context"
	"testing"
	"time"
)

// BenchmarkThreadsSlackRequests measures, from the Slack emulator's
// accounting, the Slack requests one ticket costs: in a run with nothing
// new (target 0), for a new ticket (target ≤ 2: the parent and its
// permalink) and for a status change (target ≤ 1: one reply). It also
// reports the reads and writes of the ticket's notes (FreshDesk requests,
// once wired): a ticket is read once a run, twice when its thread opens.
func BenchmarkThreadsSlackRequests(b *testing.B) {
	ctx := context.Background()
	cases := []struct {
		name   string
		target float64
		setup  func(r *rig) // before the timer
		op     func(r *rig, i int) TicketLife
	}{
		{"steady-state", 0,
			func(r *rig) { r.th.Sync(ctx, life(1)) },
			func(r *rig, i int) TicketLife { return life(1) }},
		{"new-ticket", 2,
			func(r *rig) {},
			func(r *rig, i int) TicketLife { return life(int64(1000 + i)) }},
		{"status-change", 1,
			func(r *rig) { r.th.Sync(ctx, life(1)) },
			func(r *rig, i int) TicketLife {
				l := life(1)
				// Resolved, then reopened, alternately: each a new status.
				if i%2 == 0 {
					l.ResolvedAt = t0.Add(time.Duration(i+1) * time.Hour)
				} else {
					l.ReopenedAt = t0.Add(time.Duration(i+1) * time.Hour)
				}
				return l
			}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			r := newRig(b, nil)
			c.setup(r)
			r.s.Ledger().Reset()
			reads, writes := r.notes.reads, r.notes.writes
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r.clock.Advance(time.Minute) // runs are apart in time
				if _, err := r.th.Sync(ctx, c.op(r, i)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			per := float64(r.s.Ledger().Len()) / float64(b.N)
			b.ReportMetric(per, "slack-requests/op")
			// The ticket's notes (FreshDesk requests once wired).
			b.ReportMetric(float64(r.notes.reads-reads)/float64(b.N), "note-reads/op")
			b.ReportMetric(float64(r.notes.writes-writes)/float64(b.N), "note-writes/op")
			if per > c.target {
				b.Fatalf("%.2f Slack requests per op, target %.0f:\n%s", per, c.target, r.s.Ledger())
			}
		})
	}
}
