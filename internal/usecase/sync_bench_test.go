package usecase_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/httpx"
	"github.com/support-steward/steward/internal/sandbox"
)

// counted are the GitHub requests that count against a rate limit: all
// but conditional reads answered 304.
func counted(l *sandbox.Ledger) int {
	return l.Count(func(r sandbox.Request) bool { return r.Status != 304 })
}

// BenchmarkAPICalls reports what a sync costs, from the sandboxes' request
// accounting: a steady-state run, a run with new tickets, a run with status
// changes; for FreshDesk also the rate-limit credits, what its budget
// counts (an include costs more). The time per op is the emulated round
// trips, not a real network.
func BenchmarkAPICalls(b *testing.B) {
	statusChange := func(w *world, i int) int {
		for k := range 10 {
			id := int64(1 + (i*10+k)%100)
			w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) {
				if t.Status == sandbox.StatusOpen {
					t.Status = sandbox.StatusResolved
				} else {
					t.Status = sandbox.StatusOpen
				}
			})
		}
		return 10
	}
	for _, tc := range []struct {
		name    string
		change  func(w *world, i int) int // returns how many units it made
		noBoard bool
	}{
		{"steady-state", func(w *world, i int) int { return 1 }, false},
		{"per-new-ticket", func(w *world, i int) int {
			for k := range 10 {
				w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint("new ", i, k), Tags: []string{"engineering"}, CompanyID: 1})
			}
			return 10
		}, false},
		// With a board, a closed issue's item also goes to Done at the
		// bottom (and back when reopened): the run's one board document
		// carries every item's change, after one read of the board.
		{"per-status-change", statusChange, false},
		{"per-status-change-without-board", statusChange, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w := newWorld(b, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
			if tc.noBoard {
				w.board = nil
			}
			for k := range 100 {
				w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint("t", k), Tags: []string{"engineering"}, CompanyID: int64(1 + k%2)})
			}
			a := w.applier()
			ctx := context.Background()
			// Mirror everything, then let the changes age out of the window.
			a.Sync(ctx, w.config, "support", time.Hour, false)
			w.clock.Advance(2 * time.Hour)
			a.Now = w.clock.Now()
			a.Sync(ctx, w.config, "support", time.Hour, false)
			var fdReq, fdCredits, ghReq, units int
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				w.clock.Advance(2 * time.Hour) // each run sees only its own changes
				units += tc.change(w, i)
				w.clock.Advance(time.Minute)
				w.fd.Ledger().Reset()
				w.gh.Ledger().Reset()
				a.Now = w.clock.Now()
				credits := w.fd.Credits()
				if r, err := a.Sync(ctx, w.config, "support", time.Hour, false); err != nil || r.Failed() > 0 {
					b.Fatalf("%v %s", err, failures(r))
				}
				fdReq += w.fd.Ledger().Len()
				fdCredits += w.fd.Credits() - credits
				ghReq += counted(w.gh.Ledger())
			}
			per := float64(b.N)
			if tc.name != "steady-state" {
				per = float64(units)
			}
			b.ReportMetric(float64(fdReq)/per, "freshdesk-req/"+unit(tc.name))
			b.ReportMetric(float64(fdCredits)/per, "freshdesk-credits/"+unit(tc.name))
			b.ReportMetric(float64(ghReq)/per, "github-counted-req/"+unit(tc.name))
		})
	}
}

func unit(name string) string {
	if name == "steady-state" {
		return "run"
	}
	return "change"
}

// BenchmarkBackfill5000 mirrors 5,000 tickets under a FreshDesk limit of
// 100 credits a minute and reports the requests, the credits they cost, the
// 429s met (the target is none) and the emulated minutes the backfill
// waits for the limit.
func BenchmarkBackfill5000(b *testing.B) {
	for b.Loop() {
		w := newWorld(b, sandbox.FreshdeskOptions{RateLimit: 100, ListLimit: 100}, sandbox.GitHubOptions{})
		// 35,000 GitHub requests at 5,000 an hour: a deliberate one-off
		// backfill that waits out the hourly reset, beyond the 5-minute
		// cap a scheduled run keeps (which would stop and leave the rest
		// to the next runs).
		w.ghLimits = httpx.Limits{MaxWait: 65 * time.Minute}
		for k := range 5000 {
			w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint("t", k), Tags: []string{"engineering"}, CompanyID: int64(1 + k%2), Priority: 1 + k%4})
		}
		w.clock.Advance(time.Minute)
		start := w.clock.Now()
		a := w.applier()
		r, err := a.Sync(context.Background(), w.config, "support", 24*time.Hour, false)
		if err != nil || r.Failed() > 0 {
			b.Fatalf("%v %s", err, failures(r))
		}
		if n := len(w.issues()); n != 5000 {
			b.Fatalf("%d issues", n)
		}
		b.ReportMetric(float64(w.fd.Ledger().Len()), "freshdesk-req")
		b.ReportMetric(float64(w.fd.Credits()), "freshdesk-credits")
		b.ReportMetric(float64(w.fd.Ledger().Count(func(q sandbox.Request) bool { return q.Status == 429 })), "freshdesk-429s")
		b.ReportMetric(float64(counted(w.gh.Ledger())), "github-counted-req")
		b.ReportMetric(w.clock.Now().Sub(start).Minutes(), "emulated-minutes")
	}
}
