package httpx_test

import (
	"context"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/httpx"
	"github.com/support-steward/steward/internal/sandbox"
)

// probeRun is one client's encounter with a hostile upstream.
type probeRun struct {
	service string
	probe   sandbox.Probe
	calls   int // requests the caller makes, one after another
	limits  httpx.Limits
}

// BenchmarkHostileUpstream sends the GitHub and FreshDesk clients, with
// their default bounds, against one hostile upstream per probe and reports
// whether the client survived (returned an error within a minute of real
// time and ten emulated minutes, its heap growing by less than 128 MB,
// half the shipped container's limit: reading up to the 16 MiB cap costs
// about twice that while the buffer grows), the emulated
// seconds it waited on the clock, the requests it sent, and the peak heap
// growth. Only no-answer shortens a bound (the attempt timeout, 30 s by
// default, to 500 ms) so the probe takes seconds, not minutes.
func BenchmarkHostileUpstream(b *testing.B) {
	for _, p := range []probeRun{
		{"github", sandbox.RetryAfterHuge, 1, httpx.Limits{}},
		{"freshdesk", sandbox.RetryAfterHuge, 1, httpx.Limits{}},
		{"github", sandbox.RetryAfterGarbage, 20, httpx.Limits{}},
		{"freshdesk", sandbox.RetryAfterGarbage, 20, httpx.Limits{}},
		{"github", sandbox.SecondaryLimit403, 20, httpx.Limits{}},
		{"github", sandbox.LoopingNext, 1, httpx.Limits{}},
		{"freshdesk", sandbox.LoopingNext, 1, httpx.Limits{}},
		{"github", sandbox.EndlessNext, 1, httpx.Limits{}},
		{"freshdesk", sandbox.EndlessNext, 1, httpx.Limits{}},
		{"github", sandbox.NoAnswer, 1, httpx.Limits{AttemptTimeout: 500 * time.Millisecond}},
		{"freshdesk", sandbox.NoAnswer, 1, httpx.Limits{AttemptTimeout: 500 * time.Millisecond}},
		{"github", sandbox.HugeBody, 1, httpx.Limits{}},
		{"freshdesk", sandbox.HugeBody, 1, httpx.Limits{}},
	} {
		b.Run(p.service+"/"+string(p.probe), func(b *testing.B) {
			var survived, emulated, requests, peak float64
			for b.Loop() {
				s, e, r, pk := p.run(b)
				survived, emulated, requests, peak = s, e, r, max(peak, pk)
			}
			b.ReportMetric(survived, "survived")
			b.ReportMetric(emulated, "emulated-s")
			b.ReportMetric(requests, "requests")
			b.ReportMetric(peak/(1<<20), "peak-MB")
		})
	}
}

func (p probeRun) run(b *testing.B) (survived, emulated, requests, peak float64) {
	h := &sandbox.Hostile{Probe: p.probe}
	srv := httptest.NewServer(h)
	clock := sandbox.NewManualClock(t0)
	call := p.client(b, srv.URL, clock)

	var top atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > top.Load() {
				top.Store(m.HeapInuse - base)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	done := make(chan int, 1)
	go func() {
		failed := 0
		for i := range p.calls {
			if call(i) != nil {
				failed++
			}
			clock.Advance(time.Second) // the run's own work between requests
		}
		done <- failed
	}()
	ended := false
	failed := 0
	select {
	case failed = <-done:
		ended = true
	case <-time.After(time.Minute):
	}
	close(stop)
	<-sampled
	if ended {
		srv.Close() // a server still feeding a stuck client would block here
	}
	peak = float64(top.Load())
	emulated = clock.Slept().Seconds()
	if ended && failed == p.calls && emulated <= 600 && peak < 128<<20 {
		survived = 1
	}
	return survived, emulated, float64(h.Requests()), peak
}

// client returns one call of the probed service's client.
func (p probeRun) client(b *testing.B, url string, clock *sandbox.ManualClock) func(i int) error {
	ctx := context.Background()
	switch p.service {
	case "github":
		c, err := gh.New(gh.Config{APIURL: url, Token: "tok", Clock: clock, Limits: p.limits})
		if err != nil {
			b.Fatal(err)
		}
		issues, err := c.Issues("acme/support")
		if err != nil {
			b.Fatal(err)
		}
		if p.probe == sandbox.LoopingNext || p.probe == sandbox.EndlessNext {
			return func(int) error {
				_, err := issues.List(ctx, "support", "all")
				return err
			}
		}
		return func(i int) error {
			_, err := issues.Get(ctx, i+1)
			return err
		}
	default:
		c, err := freshdesk.New(freshdesk.Config{BaseURL: url, APIKey: "key", Clock: clock, Limits: p.limits})
		if err != nil {
			b.Fatal(err)
		}
		if p.probe == sandbox.LoopingNext || p.probe == sandbox.EndlessNext {
			return func(int) error {
				_, err := c.ListTickets(ctx, freshdesk.ListOptions{})
				return err
			}
		}
		return func(i int) error {
			_, err := c.Ticket(ctx, int64(i+1))
			return err
		}
	}
}
