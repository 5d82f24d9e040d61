package gh_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
)

// Issue #25, fact 11: go-github refuses a REST call itself, with its own
// RateLimitError and no request sent, while the last primary limit it saw
// (X-RateLimit-Remaining 0, a reset in the future by the wall clock) has
// not reset. The tests used a clock in the past, where that check passes;
// at real times no request reached GitHub and steward's transport never
// waited for the reset. With the budget spent, the next call must reach
// GitHub and wait out the reset there.
func TestASpentBudgetIsWaitedOutNotRefusedLocally(t *testing.T) {
	clock := sandbox.NewManualClock(time.Now()) // go-github compares with the wall clock
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"tok": "steward-bot"}, Clock: clock, RateLimit: 3})
	g.AddRepo("acme", "support", "main", nil)
	for range 4 {
		g.CreateIssue("acme", "support", "ada", "t", "", "support")
	}
	url := serveHandler(t, g)
	c, err := gh.New(gh.Config{APIURL: url, Token: "tok", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	issues, err := c.Issues("acme/support")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for n := 1; n <= 3; n++ {
		if _, err := issues.Get(ctx, n); err != nil {
			t.Fatalf("#%d: %v\n%s", n, err, g.Ledger())
		}
	}
	// The budget resets in two minutes, within what steward waits (a
	// longer wait fails the step at once, saying when to retry).
	clock.Advance(58 * time.Minute)
	if _, err := issues.Get(ctx, 4); err != nil {
		t.Fatalf("#4: %v\n%s", err, g.Ledger())
	}
	if clock.Slept() < time.Minute {
		t.Errorf("slept %v: the spent budget was not waited out", clock.Slept())
	}
	if n := g.Ledger().Count(sandbox.Route("GET /repos/{owner}/{repo}/issues/{issue_number}")); n != 5 {
		t.Errorf("%d requests reached GitHub, want 5 (three, a refused one, and the retry after the reset):\n%s", n, g.Ledger())
	}
}

// serveHandler serves g over loopback for the test.
func serveHandler(t *testing.T, g *sandbox.GitHub) string {
	t.Helper()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Issue #25, fact 7: GitHub asks integrators to wait at least a second
// between POST, PATCH, PUT and DELETE requests (docs: best practices for
// the REST API); steward sent writes one at a time but back to back, so a
// first sync of many tickets walked into the secondary limit. Reads are
// not spaced.
func TestRESTWritesAreASecondApart(t *testing.T) {
	g, c, clock := start(t, sandbox.GitHubOptions{})
	issues, err := c.Issues("acme/support")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 3 {
		if _, err := issues.Create(ctx, port.NewIssue{Title: fmt.Sprint("t", i), Labels: []string{"support"}}); err != nil {
			t.Fatal(err)
		}
	}
	if s := clock.Slept(); s < 2*time.Second {
		t.Errorf("three writes slept %v in all, want a second before each after the first", s)
	}
	before := clock.Slept()
	for n := 1; n <= 3; n++ {
		if _, err := issues.Get(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if clock.Slept() != before {
		t.Errorf("reads were spaced: slept %v more", clock.Slept()-before)
	}
	if len(g.Issues("acme", "support")) != 3 {
		t.Error("the writes did not all land")
	}
}
