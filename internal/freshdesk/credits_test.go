package freshdesk_test

import (
	"context"
	"errors"
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

func is429(r sandbox.Request) bool { return r.Status == 429 }

// Issue #25, fact 5: each include of a ticket listing costs 2 credits more,
// not one. With a budget of 33 credits a minute and pages that cost 5
// (include=stats,requester), a client that counts 3 a page sends the
// seventh page with 3 credits left and meets a 429; steward counts what
// FreshDesk charges (X-RateLimit-Used-CurrentRequest), waits instead, and
// its count of credits is the account's.
func TestPacesByTheCreditsFreshdeskCharges(t *testing.T) {
	fd, c, clock := start(t, sandbox.FreshdeskOptions{RateLimit: 33, ListLimit: 100})
	for i := range 100 {
		fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint(i), CreatedAt: t0.Add(-time.Duration(i) * time.Minute)})
	}
	ctx := context.Background()
	list, err := c.ListTickets(ctx, freshdesk.ListOptions{UpdatedSince: t0.AddDate(0, -1, 0), Include: []string{"stats", "requester"}, PerPage: 10})
	if err != nil || len(list) != 100 {
		t.Fatalf("%d tickets: %v", len(list), err)
	}
	// And reads with includes, which cost one credit more each.
	for _, tk := range list[:20] {
		if _, err := c.Ticket(ctx, tk.ID, "stats", "requester"); err != nil {
			t.Fatal(err)
		}
	}
	if n := fd.Ledger().Count(is429); n != 0 {
		t.Errorf("%d answers were 429:\n%s", n, fd.Ledger())
	}
	if c.Credits() != fd.Credits() || fd.Credits() != 10*5+20*3 {
		t.Errorf("the client counts %d credits, FreshDesk charged %d; want both %d", c.Credits(), fd.Credits(), 10*5+20*3)
	}
	// 110 credits at 33 a minute: three full minutes of waiting at least.
	if clock.Slept() < 3*time.Minute {
		t.Errorf("waited %s for 110 credits at 33 a minute", clock.Slept())
	}
}

// A request's real cost corrects the client's estimate: an account that
// charges what the documentation does not say (here, a proxy in front of
// the sandbox that bills every ticket read 4 credits) is paced by what it
// said, not by the price list.
func TestTheAnswersCostCorrectsTheEstimate(t *testing.T) {
	clock := sandbox.NewManualClock(t0)
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "key", Clock: clock, RateLimit: 1000})
	id := fd.AddTicket(sandbox.FDTicket{Subject: "s"})
	srv := httptest.NewServer(fd)
	t.Cleanup(srv.Close)
	c, err := freshdesk.New(freshdesk.Config{BaseURL: srv.URL, APIKey: "key", Clock: clock, Budget: 12,
		Transport: billing{cost: "4"}})
	if err != nil {
		t.Fatal(err)
	}
	for range 6 {
		if _, err := c.Ticket(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	// Billed 4 each, 12 a minute: three a minute, so six reads wait one
	// minute; counted at the documented one credit they would not wait.
	if c.Credits() != 24 || clock.Slept() < time.Minute {
		t.Errorf("6 reads billed 4 credits each: counted %d, waited %s; want 24 and a minute", c.Credits(), clock.Slept())
	}
}

// billing rewrites X-RateLimit-Used-CurrentRequest, as an account whose
// prices differ from the documentation's would send it.
type billing struct{ cost string }

func (b billing) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		resp.Header.Set("X-RateLimit-Used-CurrentRequest", b.cost)
	}
	return resp, err
}

// Issue #25, fact 5: on a legacy plan (Blossom, Garden, Estate, Forest) the
// budget in X-RateLimit-Total is an hour's. A client that reads it as a
// minute's spends it in the first minute, then sends again a minute later
// and meets a 429 that asks to wait the rest of the hour. Told the plan,
// steward stops before that request: the run fails now, unsent, with when
// to retry; allowed to wait an hour, it waits and meets no 429.
func TestALegacyPlansBudgetIsAnHours(t *testing.T) {
	for _, tc := range []struct {
		name    string
		maxWait time.Duration
	}{{"a scheduled run", 0}, {"a backfill that may wait an hour", 65 * time.Minute}} {
		t.Run(tc.name, func(t *testing.T) {
			clock := sandbox.NewManualClock(t0)
			fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "key", Clock: clock, PerHour: true, RateLimit: 60})
			for i := range 100 {
				fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint(i)})
			}
			srv := httptest.NewServer(fd)
			t.Cleanup(srv.Close)
			// The plan comes in the configuration, or (the server's client,
			// made before the roster is read) afterwards.
			c, err := freshdesk.New(freshdesk.Config{BaseURL: srv.URL, APIKey: "key", Clock: clock, PerHour: tc.maxWait == 0,
				Limits: httpx.Limits{MaxWait: tc.maxWait}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.maxWait != 0 {
				c.SetMetering(true, 0)
			}
			var read int
			for id := int64(1); id <= 100; id++ {
				if _, err = c.Ticket(context.Background(), id); err != nil {
					break
				}
				read++
				clock.Advance(time.Second)
			}
			if n := fd.Ledger().Count(is429); n != 0 {
				t.Errorf("%d answers were 429", n)
			}
			if tc.maxWait == 0 {
				var later *httpx.RetryLaterError
				if read != 60 || !errors.As(err, &later) || !strings.Contains(err.Error(), "the budget of 60 credits per hour is spent") ||
					!later.At.Equal(t0.Add(time.Hour)) {
					t.Errorf("read %d, then %v; want 60, then a failure that says to retry at %s", read, err, t0.Add(time.Hour))
				}
				if fd.Ledger().Len() != 60 {
					t.Errorf("%d requests sent; the 61st must not be", fd.Ledger().Len())
				}
				return
			}
			if read != 100 || err != nil || clock.Slept() < 58*time.Minute {
				t.Errorf("read %d (%v) after waiting %s; want all 100 after waiting for the next hour", read, err, clock.Slept())
			}
		})
	}
}
