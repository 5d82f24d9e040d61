package freshdesk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/httpx"
	"github.com/support-steward/steward/internal/sandbox"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func start(t testing.TB, o sandbox.FreshdeskOptions) (*sandbox.Freshdesk, *freshdesk.Client, *sandbox.ManualClock) {
	t.Helper()
	return startWith(t, o, httpx.Limits{})
}

func startWith(t testing.TB, o sandbox.FreshdeskOptions, lim httpx.Limits) (*sandbox.Freshdesk, *freshdesk.Client, *sandbox.ManualClock) {
	t.Helper()
	clock := sandbox.NewManualClock(t0)
	o.Clock = clock
	o.APIKey = "key"
	fd := sandbox.NewFreshdesk(o)
	srv := httptest.NewServer(fd)
	t.Cleanup(srv.Close)
	c, err := freshdesk.New(freshdesk.Config{BaseURL: srv.URL, APIKey: "key", Clock: clock, ListPerMinute: o.ListLimit, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	return fd, c, clock
}

func TestBackfillStaysUnderTheLimit(t *testing.T) {
	fd, c, clock := start(t, sandbox.FreshdeskOptions{RateLimit: 100, ListLimit: 20})
	for i := range 5000 {
		fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint(i), CreatedAt: t0.Add(-time.Duration(i) * time.Minute)})
	}
	ctx := context.Background()
	list, err := c.ListTickets(ctx, freshdesk.ListOptions{UpdatedSince: t0.AddDate(-1, 0, 0), Include: []string{"stats"}})
	if err != nil || len(list) != 5000 {
		t.Fatalf("%d tickets: %v", len(list), err)
	}
	// And a ticket read for each of the first 300, at 100 a minute.
	for _, tk := range list[:300] {
		if _, err := c.Ticket(ctx, tk.ID, "stats"); err != nil {
			t.Fatal(err)
		}
	}
	if n := fd.Ledger().Count(func(r sandbox.Request) bool { return r.Status == 429 }); n != 0 {
		t.Errorf("%d answers were 429", n)
	}
	if got := fd.Ledger().Count(sandbox.Route("GET /api/v2/tickets")); got != 50 {
		t.Errorf("%d list requests for 5,000 tickets, want 50", got)
	}
	// 50 listings at 3 credits (include=stats costs 2 more on a list) and
	// 300 reads at 2 (one more on a ticket): 750 credits at 100 a minute is
	// at least seven minutes.
	if clock.Slept() < 7*time.Minute {
		t.Errorf("the backfill took %s of waiting; it cannot fit in less than 7 minutes", clock.Slept())
	}
	if c.Credits() != 750 || fd.Credits() != 750 {
		t.Errorf("credits: the client counts %d, FreshDesk charged %d; want 750", c.Credits(), fd.Credits())
	}
}

func TestRetriesWhatIsSafeToRepeat(t *testing.T) {
	faults := sandbox.NewFaults(5, sandbox.Fault{Route: "GET ", Rate: 0.4, Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.TooManyRequests, sandbox.Drop}},
		sandbox.Fault{Route: "PUT ", Rate: 0.4, Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.Drop}, AfterEffect: true})
	// At 40 % faults a request may meet three 429s, more than the default
	// waiting budget allows (hostile_test.go tests that bound): this test
	// is about what is retried, so it allows ten minutes.
	fd, c, _ := startWith(t, sandbox.FreshdeskOptions{Faults: faults}, httpx.Limits{Budget: 10 * time.Minute})
	for i := range 50 {
		fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint(i)})
	}
	ctx := context.Background()
	for id := int64(1); id <= 50; id++ {
		if _, err := c.Ticket(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UpdateTicket(ctx, id, map[string]any{"priority": 3}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tk := range fd.Tickets() {
		if tk.Priority != 3 {
			t.Errorf("ticket %d priority %d", tk.ID, tk.Priority)
		}
	}
	if fd.Ledger().Count(func(r sandbox.Request) bool { return r.Fault != "" }) == 0 {
		t.Error("no faults were injected")
	}
}

func TestANoteWhoseAnswerIsLostIsNotSentTwice(t *testing.T) {
	faults := sandbox.NewFaults(5, sandbox.Fault{Route: "POST ", Rate: 1, Kinds: []sandbox.FaultKind{sandbox.Drop}, AfterEffect: true})
	fd, c, _ := start(t, sandbox.FreshdeskOptions{Faults: faults})
	id := fd.AddTicket(sandbox.FDTicket{Subject: "s"})
	if _, err := c.AddNote(context.Background(), id, "<p>linked</p>", true); err == nil {
		t.Fatal("a lost answer looked like success")
	}
	if n := len(fd.Conversations(id)); n != 1 {
		t.Errorf("%d notes; want the one that took effect", n)
	}
}

func TestErrorsCarryFreshdesksBody(t *testing.T) {
	fd, c, _ := start(t, sandbox.FreshdeskOptions{})
	id := fd.AddTicket(sandbox.FDTicket{Subject: "s"})
	ctx := context.Background()
	_, err := c.UpdateTicket(ctx, id, map[string]any{"priority": 9, "colour": "red"})
	var e *freshdesk.Error
	if !errors.As(err, &e) || e.Status != 400 || len(e.Errors) != 2 || !strings.Contains(err.Error(), "colour: Unexpected/invalid field in request (invalid_field)") {
		t.Errorf("validation error: %v", err)
	}
	if _, err := c.Ticket(ctx, 999); !freshdesk.IsNotFound(err) || !strings.Contains(err.Error(), "Resource not found") {
		t.Errorf("404: %v", err)
	}
	bad, _ := freshdesk.New(freshdesk.Config{BaseURL: strings.TrimSuffix(c.AgentURL(0), "/a/tickets/0"), APIKey: "wrong"})
	if _, err := bad.Ticket(ctx, id); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a wrong key: %v", err)
	}
}

func TestConfig(t *testing.T) {
	if _, err := freshdesk.ConfigFromEnv(func(string) string { return "" }, "acme"); err == nil || !strings.Contains(err.Error(), "FRESHDESK_API_KEY") {
		t.Errorf("missing key: %v", err)
	}
	c, err := freshdesk.New(freshdesk.Config{Domain: "acme", APIKey: "k"})
	if err != nil || c.AgentURL(42) != "https://acme.freshdesk.com/a/tickets/42" {
		t.Errorf("agent URL: %v %s", err, c.AgentURL(42))
	}
	if _, err := freshdesk.New(freshdesk.Config{APIKey: "k"}); err == nil || !strings.Contains(err.Error(), "integrations.freshdesk.domain") {
		t.Errorf("no domain: %v", err)
	}
}
