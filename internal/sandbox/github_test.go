package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/httpx"
)

const token = "ghp_test"

// newGH starts a GitHub emulator behind the contract check and returns a
// go-github v60 client for it that makes repeated reads conditional.
func newGH(t *testing.T, o GitHubOptions) (*GitHub, *github.Client, *contract, *ManualClock) {
	t.Helper()
	clock := NewManualClock(t0)
	if o.Clock == nil {
		o.Clock = clock
	}
	if o.Tokens == nil {
		o.Tokens = map[string]string{token: "steward-bot"}
	}
	g := NewGitHub(o)
	c := newContract(t, g)
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return g, ghClient(srv.URL, &httpx.ETagCache{}), c, clock
}

// ghClient is a go-github v60 client for an emulator at base.
func ghClient(base string, rt http.RoundTripper) *github.Client {
	client := github.NewClient(&http.Client{Transport: rt}).WithAuthToken(token)
	client.BaseURL, _ = url.Parse(base + "/")
	return client
}

func TestGitHubWalks1000IssuesThenOnly304s(t *testing.T) {
	g, client, _, _ := newGH(t, GitHubOptions{})
	g.AddRepo("acme", "support", "main", nil)
	for i := range 1000 {
		labels := []string{"support"}
		if i%10 == 0 {
			labels = append(labels, "priority: high")
		}
		g.CreateIssue("acme", "support", "someone", fmt.Sprintf("issue %d", i), "", labels...)
	}
	ctx := context.Background()
	walk := func() (n int, remaining int) {
		opt := &github.IssueListByRepoOptions{Labels: []string{"support"}, State: "all", ListOptions: github.ListOptions{PerPage: 100}}
		for {
			issues, resp, err := client.Issues.ListByRepo(ctx, "acme", "support", opt)
			if err != nil {
				t.Fatal(err)
			}
			n += len(issues)
			remaining = resp.Rate.Remaining
			if resp.NextPage == 0 {
				return n, remaining
			}
			opt.Page = resp.NextPage
		}
	}
	n, before := walk()
	if n != 1000 {
		t.Fatalf("walked %d issues, want 1000", n)
	}
	route := "GET /repos/{owner}/{repo}/issues"
	if got := g.Ledger().Count(Route(route)); got != 10 || g.Ledger().Len() != 10 {
		t.Fatalf("first walk: %d list requests of %d in all, want 10 and 10:\n%s", got, g.Ledger().Len(), g.Ledger())
	}
	g.Ledger().Reset()
	n, after := walk()
	if n != 1000 {
		t.Fatalf("conditional walk saw %d issues, want 1000 from the cache", n)
	}
	conditional304 := g.Ledger().Count(func(r Request) bool { return r.Route == route && r.Conditional && r.Status == 304 })
	if conditional304 != 10 || g.Ledger().Len() != 10 {
		t.Errorf("second walk: %d conditional 304s of %d requests, want 10 of 10:\n%s", conditional304, g.Ledger().Len(), g.Ledger())
	}
	if after != before {
		t.Errorf("304s cost rate limit: remaining %d before, %d after", before, after)
	}
	// A change is seen: the page holding it answers 200 again.
	g.CreateIssue("acme", "support", "someone", "new", "", "support")
	g.Ledger().Reset()
	if n, _ = walk(); n != 1001 {
		t.Errorf("after a change the walk saw %d issues", n)
	}
	if g.Ledger().Count(func(r Request) bool { return r.Status == 200 }) == 0 {
		t.Error("a changed list was answered 304")
	}
}

func TestGitHubPrimaryRateLimit(t *testing.T) {
	for _, status := range []int{403, 429} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			g, client, _, clock := newGH(t, GitHubOptions{RateLimit: 3, PrimaryLimitStatus: status})
			g.AddRepo("acme", "support", "main", nil)
			// Unconditional reads: each one costs a request.
			client = ghClient(strings.TrimSuffix(client.BaseURL.String(), "/"), http.DefaultTransport)
			ctx := context.Background()
			for i := range 3 {
				_, resp, err := client.Repositories.Get(ctx, "acme", "support")
				if err != nil || resp.Rate.Remaining != 2-i {
					t.Fatalf("request %d: %v, remaining %d", i, err, resp.Rate.Remaining)
				}
			}
			client.Issues.Get(ctx, "acme", "support", 99) // 404s count too; this one is refused
			_, resp, err := client.Repositories.Get(ctx, "acme", "support")
			if resp.StatusCode != status || resp.Rate.Remaining != 0 || resp.Rate.Reset.Time.IsZero() {
				t.Fatalf("over the limit: %d remaining %d reset %v (%v)", resp.StatusCode, resp.Rate.Remaining, resp.Rate.Reset, err)
			}
			// go-github v60 recognises only the 403 form; steward's own
			// retry policy must read a 429's headers itself.
			if _, ok := err.(*github.RateLimitError); ok != (status == 403) {
				t.Errorf("go-github's view of a %d: %T %v", status, err, err)
			}
			clock.Advance(time.Hour)
			if _, _, err := client.Repositories.Get(ctx, "acme", "support"); err != nil {
				t.Errorf("after the reset: %v", err)
			}
		})
	}
}

func TestGitHubSecondaryLimitOnContentCreation(t *testing.T) {
	g, client, _, clock := newGH(t, GitHubOptions{ContentPerMinute: 3})
	g.AddRepo("acme", "support", "main", nil)
	ctx := context.Background()
	for i := range 3 {
		if _, _, err := client.Issues.Create(ctx, "acme", "support", &github.IssueRequest{Title: github.String(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
	}
	_, resp, err := client.Issues.Create(ctx, "acme", "support", &github.IssueRequest{Title: github.String("one too many")})
	if resp.StatusCode != 403 || resp.Header.Get("Retry-After") != "60" {
		t.Fatalf("fourth write in a minute: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if _, ok := err.(*github.AbuseRateLimitError); !ok {
		t.Errorf("go-github does not see a secondary limit: %T %v", err, err)
	}
	// go-github now holds back every request for a minute of wall time, so
	// ask with fresh clients.
	base := strings.TrimSuffix(client.BaseURL.String(), "/")
	if _, _, err := ghClient(base, nil).Repositories.Get(ctx, "acme", "support"); err != nil {
		t.Errorf("reads are not content creation: %v", err)
	}
	clock.Advance(time.Minute)
	if _, _, err := ghClient(base, nil).Issues.Create(ctx, "acme", "support", &github.IssueRequest{Title: github.String("later")}); err != nil {
		t.Errorf("after a minute: %v", err)
	}
	if n := len(g.Issues("acme", "support")); n != 4 {
		t.Errorf("%d issues, want 4", n)
	}
}

func TestGitHubSearchLagsBehindWrites(t *testing.T) {
	g, client, _, clock := newGH(t, GitHubOptions{SearchLag: 90 * time.Second})
	g.AddRepo("acme", "support", "main", nil)
	ctx := context.Background()
	client.Issues.Create(ctx, "acme", "support", &github.IssueRequest{Title: github.String("FreshDesk ticket 42"), Labels: &[]string{"support"}})
	q := `repo:acme/support is:issue label:support "ticket 42"`
	res, _, err := client.Search.Issues(ctx, q, nil)
	if err != nil || res.GetTotal() != 0 {
		t.Fatalf("search found a fresh issue: %v %d", err, res.GetTotal())
	}
	// Listing by label sees it at once: that is how steward finds issues.
	list, _, _ := client.Issues.ListByRepo(ctx, "acme", "support", &github.IssueListByRepoOptions{Labels: []string{"support"}, State: "all"})
	if len(list) != 1 {
		t.Fatalf("list by label: %d", len(list))
	}
	clock.Advance(2 * time.Minute)
	if res, _, _ = client.Search.Issues(ctx, q, nil); res.GetTotal() != 1 {
		t.Errorf("search after the lag: %d", res.GetTotal())
	}
}

// appKey makes an App's RSA key and its PEM form.
func appKey(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

func TestGitHubInstallationTokensThroughGhinstallation(t *testing.T) {
	key, pemKey := appKey(t)
	g, plain, _, clock := newGH(t, GitHubOptions{AppID: 12345, AppKey: &key.PublicKey, AppSlug: "steward"})
	g.AddInstallation(777, "acme")
	g.AddRepo("acme", "support", "main", nil)
	base := strings.TrimSuffix(plain.BaseURL.String(), "/")

	itr, err := ghinstallation.New(http.DefaultTransport, 12345, 777, pemKey)
	if err != nil {
		t.Fatal(err)
	}
	itr.BaseURL = base
	client := github.NewClient(&http.Client{Transport: itr})
	client.BaseURL = plain.BaseURL
	is, _, err := client.Issues.Create(context.Background(), "acme", "support", &github.IssueRequest{Title: github.String("from the App")})
	if err != nil {
		t.Fatal(err)
	}
	if is.GetUser().GetLogin() != "steward[bot]" || is.GetUser().GetType() != "Bot" {
		t.Errorf("created by %s (%s), want steward[bot]", is.GetUser().GetLogin(), is.GetUser().GetType())
	}
	if n := g.Ledger().Count(Route("POST /app/installations/{installation_id}/access_tokens")); n != 1 {
		t.Errorf("%d token requests", n)
	}

	// Installation tokens last an hour.
	clock.Advance(61 * time.Minute)
	if _, _, err := ghClientWithToken(base, "stale").Repositories.Get(context.Background(), "acme", "support"); err == nil {
		t.Error("an unknown token was accepted")
	}

	// A JWT signed by another key is refused.
	_, otherPEM := appKey(t)
	bad, _ := ghinstallation.New(http.DefaultTransport, 12345, 777, otherPEM)
	bad.BaseURL = base
	if _, err := bad.Token(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a JWT from the wrong key: %v", err)
	}
}

func ghClientWithToken(base, tok string) *github.Client {
	client := github.NewClient(nil).WithAuthToken(tok)
	client.BaseURL, _ = url.Parse(base + "/")
	return client
}
