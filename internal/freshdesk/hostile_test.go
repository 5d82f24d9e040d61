package freshdesk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/httpx"
	"github.com/support-steward/steward/internal/sandbox"
)

// hostile starts an upstream that answers every request with probe, and a
// client of it on a manual clock.
func hostile(t *testing.T, probe sandbox.Probe, cfg freshdesk.Config) (*sandbox.Hostile, *freshdesk.Client, *sandbox.ManualClock) {
	t.Helper()
	h := &sandbox.Hostile{Probe: probe}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	clock := sandbox.NewManualClock(t0)
	cfg.BaseURL, cfg.APIKey, cfg.Clock = srv.URL, "key", clock
	c, err := freshdesk.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h, c, clock
}

// within fails the test when f does not return in real time d: a client
// without bounds would run forever.
func within(t *testing.T, d time.Duration, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("still running after %s", d)
		return nil
	}
}

func TestARetryAfterOf99999SecondsFailsTheStepNow(t *testing.T) {
	h, c, clock := hostile(t, sandbox.RetryAfterHuge, freshdesk.Config{})
	_, err := c.Ticket(context.Background(), 42)
	if err == nil || !strings.Contains(err.Error(), "FreshDesk GET /api/v2/tickets/42: rate limited (429 Retry-After: 99999): asked to wait 27h46m39s, more than the 5m0s steward waits; the step fails now; retry after 2026-11-03T12:46:39Z") {
		t.Fatalf("Retry-After: 99999: %v", err)
	}
	if clock.Slept() != 0 || h.Requests() != 1 {
		t.Errorf("slept %s over %d requests", clock.Slept(), h.Requests())
	}
}

func TestAGarbageRetryAfterCostsOneBudgetPerRun(t *testing.T) {
	h, c, clock := hostile(t, sandbox.RetryAfterGarbage, freshdesk.Config{})
	for id := range int64(20) {
		if _, err := c.Ticket(context.Background(), id+1); err == nil {
			t.Fatal("a refused request succeeded")
		}
		if id == 0 && clock.Slept() > 150*time.Second {
			t.Errorf("the first request waited %s; its budget is 2m30s", clock.Slept())
		}
		clock.Advance(time.Second)
	}
	t.Logf("%d requests sent, %s waited", h.Requests(), clock.Slept())
	if clock.Slept() > 150*time.Second {
		t.Errorf("20 requests waited %s in all; a garbage Retry-After must not cost minutes per request", clock.Slept())
	}
}

func TestALoopingNextLinkEndsTheList(t *testing.T) {
	h, c, _ := hostile(t, sandbox.LoopingNext, freshdesk.Config{})
	err := within(t, 10*time.Second, func() error {
		_, err := c.Conversations(context.Background(), 42)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "already read; stopping a list that loops") {
		t.Fatalf("a next link that loops: %v", err)
	}
	if h.Requests() != 2 {
		t.Errorf("%d requests", h.Requests())
	}
	h.Probe = sandbox.EndlessNext
	err = within(t, 30*time.Second, func() error {
		_, err := c.ListTickets(context.Background(), freshdesk.ListOptions{})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "more than 100 pages") {
		t.Fatalf("a next link that never ends: %v", err)
	}
}

func TestANextLinkToAnotherHostIsNotFollowed(t *testing.T) {
	// Following it would send the API key to that host.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<https://collector.example/api/v2/tickets?page=2>; rel="next"`)
		fmt.Fprint(w, "[]")
	}))
	defer srv.Close()
	c, err := freshdesk.New(freshdesk.Config{BaseURL: srv.URL, APIKey: "key"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListTickets(context.Background(), freshdesk.ListOptions{})
	if err == nil || !strings.Contains(err.Error(), `the next link "https://collector.example/api/v2/tickets?page=2" is not on 127.0.0.1`) {
		t.Fatalf("a next link elsewhere: %v", err)
	}
}

func TestARequestWithoutAnAnswerTimesOut(t *testing.T) {
	h, c, _ := hostile(t, sandbox.NoAnswer, freshdesk.Config{Limits: httpx.Limits{AttemptTimeout: 100 * time.Millisecond}})
	err := within(t, 10*time.Second, func() error {
		_, err := c.Ticket(context.Background(), 42)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "FreshDesk GET /api/v2/tickets/42: no answer within 100ms") {
		t.Fatalf("no answer: %v", err)
	}
	if h.Requests() != 6 {
		t.Errorf("%d attempts, want 6", h.Requests())
	}
}

func TestAHundredMegabyteAnswerIsAnErrorWithoutReadingItAll(t *testing.T) {
	h, c, _ := hostile(t, sandbox.HugeBody, freshdesk.Config{})
	_, err := c.Ticket(context.Background(), 42)
	if err == nil || !strings.Contains(err.Error(), "the answer is larger than the 16 MiB steward reads") {
		t.Fatalf("a 100 MB answer: %v", err)
	}
	if sent := h.BytesSent(); sent > 24<<20 {
		t.Errorf("the client took %d MB of the answer", sent>>20)
	}
}
