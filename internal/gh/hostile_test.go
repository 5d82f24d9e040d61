package gh_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/httpx"
	"github.com/support-steward/steward/internal/sandbox"
)

// hostile starts an upstream that answers every request with probe, and a
// client of it on a manual clock.
func hostile(t *testing.T, probe sandbox.Probe, cfg gh.Config) (*sandbox.Hostile, *gh.Client, *sandbox.ManualClock) {
	t.Helper()
	h := &sandbox.Hostile{Probe: probe}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	clock := sandbox.NewManualClock(t0)
	cfg.APIURL, cfg.Token, cfg.Clock = srv.URL, "tok", clock
	c, err := gh.New(cfg)
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

func listAll(c *gh.Client) error {
	_, err := gh.All(func(page int) ([]*github.Issue, *github.Response, error) {
		return gh.RESTOf(c).Issues.ListByRepo(context.Background(), "acme", "support", &github.IssueListByRepoOptions{ListOptions: github.ListOptions{Page: page}})
	})
	return err
}

func TestALoopingNextLinkEndsTheList(t *testing.T) {
	h, c, _ := hostile(t, sandbox.LoopingNext, gh.Config{})
	err := within(t, 10*time.Second, func() error { return listAll(c) })
	if err == nil || !strings.Contains(err.Error(), "already read") {
		t.Fatalf("a next link that loops: %v", err)
	}
	if h.Requests() != 2 {
		t.Errorf("%d requests; the second page's next link names itself", h.Requests())
	}
}

func TestANextLinkThatNeverEndsIsCapped(t *testing.T) {
	h, c, _ := hostile(t, sandbox.EndlessNext, gh.Config{})
	err := within(t, 30*time.Second, func() error { return listAll(c) })
	if err == nil || !strings.Contains(err.Error(), "more than 300 pages") {
		t.Fatalf("a next link that never ends: %v", err)
	}
	if h.Requests() != 300 {
		t.Errorf("%d requests, want the cap, 300", h.Requests())
	}
}

func TestARequestWithoutAnAnswerTimesOut(t *testing.T) {
	h, c, _ := hostile(t, sandbox.NoAnswer, gh.Config{Limits: httpx.Limits{AttemptTimeout: 100 * time.Millisecond}})
	err := within(t, 10*time.Second, func() error {
		_, _, err := gh.RESTOf(c).Issues.Get(context.Background(), "acme", "support", 1)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "GitHub GET /repos/acme/support/issues/1: no answer within 100ms") || !strings.Contains(err.Error(), "gave up after 6 attempts") {
		t.Fatalf("no answer: %v", err)
	}
	if h.Requests() != 6 {
		t.Errorf("%d attempts, want 6", h.Requests())
	}
	// The caller's deadline is honoured too, even when it is shorter.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := gh.RESTOf(c).Issues.Get(ctx, "acme", "support", 1); err != context.DeadlineExceeded {
		t.Errorf("the caller's deadline: %v", err)
	}
}

func TestADefaultClientTimesOutEveryAttempt(t *testing.T) {
	// Today's default, checked without waiting for it: the transport's
	// attempt timeout is set, and below a minute.
	if d := (httpx.Limits{}).WithDefaults().AttemptTimeout; d <= 0 || d > time.Minute {
		t.Errorf("default attempt timeout %s", d)
	}
}

func TestAHundredMegabyteAnswerIsAnErrorWithoutReadingItAll(t *testing.T) {
	h, c, _ := hostile(t, sandbox.HugeBody, gh.Config{})
	_, _, err := gh.RESTOf(c).Issues.Get(context.Background(), "acme", "support", 1)
	if err == nil || !strings.Contains(err.Error(), "GitHub GET /repos/acme/support/issues/1: the answer is larger than the 16 MiB steward reads") {
		t.Fatalf("a 100 MB answer: %v", err)
	}
	// What the server got to send: the cap plus what the sockets buffer.
	if sent := h.BytesSent(); sent > 24<<20 {
		t.Errorf("the client took %d MB of the answer", sent>>20)
	}
}

func TestARetryAfterBeyondTheCapFailsTheStepNow(t *testing.T) {
	h, c, clock := hostile(t, sandbox.RetryAfterHuge, gh.Config{})
	_, _, err := gh.RESTOf(c).Issues.Get(context.Background(), "acme", "support", 1)
	if err == nil || !strings.Contains(err.Error(), "asked to wait 27h46m39s, more than the 5m0s steward waits") ||
		!strings.Contains(err.Error(), "retry after 2026-11-03T12:46:39Z") {
		t.Fatalf("Retry-After: 99999: %v", err)
	}
	if clock.Slept() != 0 || h.Requests() != 1 {
		t.Errorf("slept %s over %d requests", clock.Slept(), h.Requests())
	}
}

// A limit that never lifts costs one request's budget in a run, not a
// budget per request: 20 requests to a GitHub that answers every one with
// a 403 secondary limit (or a 429 whose Retry-After is garbage).
func TestALimitThatNeverLiftsCostsOneBudgetPerRun(t *testing.T) {
	for _, probe := range []sandbox.Probe{sandbox.SecondaryLimit403, sandbox.RetryAfterGarbage} {
		t.Run(string(probe), func(t *testing.T) {
			h, c, clock := hostile(t, probe, gh.Config{})
			for i := range 20 {
				_, _, err := gh.RESTOf(c).Issues.Get(context.Background(), "acme", "support", i+1)
				if err == nil {
					t.Fatal("a limited request succeeded")
				}
				if i == 0 && clock.Slept() > 150*time.Second {
					t.Errorf("the first request waited %s; its budget is 2m30s", clock.Slept())
				}
				if i == 0 && !strings.Contains(err.Error(), "403 You have exceeded a secondary rate limit") && !strings.Contains(err.Error(), "429") {
					t.Errorf("the first error: %v", err)
				}
				clock.Advance(time.Second) // the run's own work between requests
			}
			t.Logf("%d requests sent, %s waited", h.Requests(), clock.Slept())
			if clock.Slept() > 150*time.Second {
				t.Errorf("20 requests waited %s in all; a limit that never lifts must not cost minutes per request", clock.Slept())
			}
			if h.Requests() > 30 {
				t.Errorf("%d requests sent", h.Requests())
			}
		})
	}
}
