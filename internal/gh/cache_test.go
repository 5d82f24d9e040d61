package gh_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/gh"
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
