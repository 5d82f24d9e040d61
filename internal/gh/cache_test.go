package gh_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
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

// One client serves many deliveries at once (steward serve): a read of the
// list under way while another delivery creates an issue must not keep its
// older answer without that issue, or a later dispatch would take the
// ticket for new. Found by review.
func TestAnIssueCreatedDuringAListReadStaysKept(t *testing.T) {
	clk := sandbox.NewManualClock(t0)
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"tok": "bot"}, Clock: clk})
	g.AddRepo("acme", "support", "main", nil)
	g.CreateIssue("acme", "support", "x", "one", "", "support")
	hold, answered := make(chan struct{}), make(chan struct{})
	var gate atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if gate.Load() && r.Method == http.MethodGet && r.URL.Path == "/repos/acme/support/issues" {
			rec := httptest.NewRecorder()
			g.ServeHTTP(rec, r) // answered before the create, delivered after
			close(answered)
			<-hold
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		g.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c, err := gh.New(gh.Config{APIURL: srv.URL, Token: "tok", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := c.Issues("acme/support")
	ctx := context.Background()
	if _, err := x.List(ctx, "support", "all"); err != nil {
		t.Fatal(err)
	}
	gate.Store(true)
	done := make(chan struct{})
	go func() { x.List(ctx, "support", "all"); close(done) }() // another delivery's read
	<-answered
	gate.Store(false)
	made, err := x.Create(ctx, port.NewIssue{Title: "mirror", Body: "b", Labels: []string{"support"}})
	if err != nil {
		t.Fatal(err)
	}
	close(hold)
	<-done
	kept, _, ok := x.Kept("support")
	if !ok || !slices.ContainsFunc(kept, func(is port.Issue) bool { return is.Number == made.Number }) {
		t.Errorf("kept (%v) %+v, without #%d the client created during the read", ok, kept, made.Number)
	}
	// The next read, begun after the create, keeps it from GitHub's answer.
	if _, err := x.List(ctx, "support", "all"); err != nil {
		t.Fatal(err)
	}
	if kept, _, _ := x.Kept("support"); len(kept) != 2 {
		t.Errorf("after the next read, kept %+v", kept)
	}
}
