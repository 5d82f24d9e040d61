package usecase_test

import (
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
)

// BenchmarkSlackRunRequests measures, from the emulators' accounting, what
// one scheduled run's Slack part costs through the composed use case and
// the real adapters: Slack requests in a run with nothing new (target 0),
// per new ticket (target ≤ 2: the parent and its permalink) and per status
// change (target ≤ 1: one reply); with the FreshDesk and counted GitHub
// requests beside them (a GitHub 304 is not counted, as on GitHub).
func BenchmarkSlackRunRequests(b *testing.B) {
	cases := []struct {
		name   string
		target float64
		op     func(w *slackWorld, i int)
	}{
		{"steady-state", 0, func(w *slackWorld, i int) {}},
		{"new-ticket", 2, func(w *slackWorld, i int) {
			// Pending: waiting on the requester, no response target runs.
			w.fd.AddTicket(sandbox.FDTicket{Subject: "New problem", Priority: 2, Status: sandbox.StatusPending, Tags: []string{"engineering"},
				CreatedAt: w.clock.Now()})
		}},
		{"status-change", 1, func(w *slackWorld, i int) {
			// Resolved, then reopened, alternately: each a new status.
			w.fd.AgentUpdate(1, func(t *sandbox.FDTicket) {
				t.Status = map[bool]int{true: sandbox.StatusResolved, false: sandbox.StatusPending}[i%2 == 0]
			})
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			w := newSlackWorld(b, "", nil, at("2026-11-03", 9))
			w.fd.AddTicket(sandbox.FDTicket{Subject: "An old problem", Priority: 2, Status: sandbox.StatusPending, Tags: []string{"engineering"},
				CreatedAt: w.clock.Now()})
			w.run.Window = 90 * time.Second // a ticket is seen by two runs
			w.runOnce()                     // the group, the ticket's thread
			w.clock.Advance(time.Second)
			w.runOnce()
			w.slack.Ledger().Reset()
			w.fd.Ledger().Reset()
			w.gh.Ledger().Reset()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				w.clock.Advance(time.Minute) // runs are apart in time
				c.op(w, i)
				w.runOnce()
			}
			b.StopTimer()
			per := float64(w.slack.Ledger().Len()) / float64(b.N)
			b.ReportMetric(per, "slack-requests/op")
			b.ReportMetric(float64(w.fd.Ledger().Len())/float64(b.N), "freshdesk-requests/op")
			b.ReportMetric(float64(w.gh.Ledger().Count(func(r sandbox.Request) bool { return r.Status != 304 }))/float64(b.N), "github-counted/op")
			if per > c.target {
				b.Errorf("%.2f Slack requests per run, target ≤ %.0f:\n%s", per, c.target, w.slack.Ledger())
			}
		})
	}
}
