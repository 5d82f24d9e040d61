package gh_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
)

func TestTheConditionalReadCacheOutlivesTheProcess(t *testing.T) {
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"tok": "bot"}, Clock: sandbox.NewManualClock(t0)})
	g.AddRepo("acme", "support", "main", nil)
	g.CreateIssue("acme", "support", "x", "one", "", "support")
	srv := httptest.NewServer(g)
	defer srv.Close()
	dir := t.TempDir()
	list := func() []*github.Issue {
		c, err := gh.New(gh.Config{APIURL: srv.URL, Token: "tok", CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		is, _, err := gh.RESTOf(c).Issues.ListByRepo(context.Background(), "acme", "support", &github.IssueListByRepoOptions{State: "all"})
		if err != nil {
			t.Fatal(err)
		}
		return is
	}
	list()
	g.Ledger().Reset()
	if is := list(); len(is) != 1 || is[0].GetTitle() != "one" { // a new client, as a new run would have
		t.Fatalf("from the cache: %v", is)
	}
	if n := g.Ledger().Count(func(r sandbox.Request) bool { return r.Conditional && r.Status == 304 }); n != 1 || g.Ledger().Len() != 1 {
		t.Errorf("second process: %d requests, %d conditional 304s:\n%s", g.Ledger().Len(), n, g.Ledger())
	}
}

// A kept list is what a later process may trust without asking (Kept):
// it holds the issues the list read and those the client created since,
// and it is not offered once it is due to be read whole.
func TestAKeptListHoldsTheIssuesTheClientCreated(t *testing.T) {
	clk := sandbox.NewManualClock(t0)
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"tok": "bot"}, Clock: clk})
	g.AddRepo("acme", "support", "main", nil)
	g.CreateIssue("acme", "support", "x", "one", "", "support")
	srv := httptest.NewServer(g)
	defer srv.Close()
	dir := t.TempDir()
	issues := func() *gh.Issues {
		c, err := gh.New(gh.Config{APIURL: srv.URL, Token: "tok", CacheDir: dir, Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		x, err := c.Issues("acme/support")
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	first := issues()
	if _, _, ok := first.Kept("support"); ok {
		t.Fatal("a list was kept before any was read")
	}
	if _, err := first.List(context.Background(), "support", "all"); err != nil {
		t.Fatal(err)
	}
	made, err := first.Create(context.Background(), port.NewIssue{Title: "two", Labels: []string{"support"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Create(context.Background(), port.NewIssue{Title: "a bug", Labels: []string{"bug"}}); err != nil {
		t.Fatal(err)
	}
	g.Ledger().Reset()
	kept, asOf, ok := issues().Kept("support") // a new process, as the next run
	if !ok || len(kept) != 2 || kept[1].Number != made.Number || g.Ledger().Len() != 0 {
		t.Errorf("kept %+v (%v) after %d requests, want the listed issue and #%d", kept, ok, g.Ledger().Len(), made.Number)
	}
	if !asOf.Equal(t0) || kept[0].Updated.After(asOf) {
		t.Errorf("kept as of %v, want the list's read at %v", asOf, t0)
	}
	clk.Advance(25 * time.Hour)
	if _, _, ok := issues().Kept("support"); ok {
		t.Error("a day-old list is offered as current")
	}
}
