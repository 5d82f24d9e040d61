package gh_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/httpx"
	"github.com/support-steward/steward/internal/sandbox"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func start(t testing.TB, o sandbox.GitHubOptions) (*sandbox.GitHub, *gh.Client, *sandbox.ManualClock) {
	t.Helper()
	g, url, clock := serve(t, o)
	c, err := gh.New(gh.Config{APIURL: url, Token: "tok", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return g, c, clock
}

// serve starts a GitHub sandbox with acme/support, on a clock of its own.
func serve(t testing.TB, o sandbox.GitHubOptions) (*sandbox.GitHub, string, *sandbox.ManualClock) {
	t.Helper()
	clock := sandbox.NewManualClock(t0)
	o.Clock = clock
	if o.Tokens == nil {
		o.Tokens = map[string]string{"tok": "steward-bot"}
	}
	g := sandbox.NewGitHub(o)
	g.AddRepo("acme", "support", "main", nil)
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv.URL, clock
}

func TestRetriesReadsThroughFaultsAndLimits(t *testing.T) {
	faults := sandbox.NewFaults(1, sandbox.Fault{Route: "GET ", Rate: 0.4,
		Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.TooManyRequests, sandbox.SecondaryLimit, sandbox.Drop}})
	g, c, clock := start(t, sandbox.GitHubOptions{Faults: faults})
	for i := range 300 {
		g.CreateIssue("acme", "support", "x", fmt.Sprint(i), "", "support")
	}
	opt := &github.IssueListByRepoOptions{State: "all", ListOptions: github.ListOptions{PerPage: 20}}
	n := 0
	for {
		list, resp, err := gh.RESTOf(c).Issues.ListByRepo(context.Background(), "acme", "support", opt)
		if err != nil {
			t.Fatalf("a read failed through the faults: %v\n%s", err, g.Ledger())
		}
		n += len(list)
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	faulted := g.Ledger().Count(func(r sandbox.Request) bool { return r.Fault != "" })
	if n != 300 || faulted == 0 {
		t.Errorf("read %d issues with %d faults on the way", n, faulted)
	}
	if clock.Slept() < time.Minute {
		t.Errorf("waited %s in all; the 429s and 403s asked for a minute each", clock.Slept())
	}
}

func TestACreateWhoseAnswerIsLostIsNotSentAgain(t *testing.T) {
	faults := sandbox.NewFaults(2, sandbox.Fault{Route: "POST /repos/", Rate: 1, Kinds: []sandbox.FaultKind{sandbox.Drop}, AfterEffect: true})
	g, c, _ := start(t, sandbox.GitHubOptions{Faults: faults})
	_, _, err := gh.RESTOf(c).Issues.Create(context.Background(), "acme", "support", &github.IssueRequest{Title: github.String("once")})
	if err == nil {
		t.Fatal("a dropped answer looked like success")
	}
	if n := len(g.Issues("acme", "support")); n != 1 {
		t.Errorf("%d issues: a POST was retried after its answer was lost", n)
	}
}

func TestACreateRefusedByALimitIsSentAgain(t *testing.T) {
	faults := sandbox.NewFaults(3, sandbox.Fault{Route: "POST /repos/", Rate: 0.5, Kinds: []sandbox.FaultKind{sandbox.TooManyRequests, sandbox.SecondaryLimit}, RetryAfter: 30 * time.Second})
	g, c, clock := start(t, sandbox.GitHubOptions{Faults: faults})
	for i := range 10 {
		if _, _, err := gh.RESTOf(c).Issues.Create(context.Background(), "acme", "support", &github.IssueRequest{Title: github.String(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(g.Issues("acme", "support")); n != 10 {
		t.Errorf("%d issues, want 10", n)
	}
	if clock.Slept() < 30*time.Second {
		t.Errorf("slept %s", clock.Slept())
	}
}

func TestPrimaryLimitWaitsForTheResetOrGivesUp(t *testing.T) {
	g, c, clock := start(t, sandbox.GitHubOptions{RateLimit: 2})
	ctx := context.Background()
	for i := range 2 {
		if _, _, err := gh.RESTOf(c).Issues.Get(ctx, "acme", "support", i+1); err == nil {
			t.Fatal("issue exists")
		}
	}
	// The reset is an hour away, more than steward waits: the step fails
	// now, saying when to try again.
	_, _, err := gh.RESTOf(c).Issues.Get(ctx, "acme", "support", 1)
	var later *httpx.RetryLaterError
	if !errors.As(err, &later) || !later.At.Equal(t0.Add(time.Hour+time.Second)) || !strings.Contains(err.Error(), "retry after 2026-11-02T10:00:01Z") {
		t.Fatalf("over the limit: %v", err)
	}
	if clock.Slept() != 0 {
		t.Errorf("waited %s for a reset beyond the bound", clock.Slept())
	}
	_ = g
}

func TestGraphQLWaitsOutItsRateLimit(t *testing.T) {
	g, url, clock := serve(t, sandbox.GitHubOptions{RateLimit: 1})
	// The sandbox's limit resets in an hour: allow waits that long.
	c, err := gh.New(gh.Config{APIURL: url, Token: "tok", Clock: clock, Limits: httpx.Limits{MaxWait: 2 * time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	g.AddProject("acme", 1, "Board")
	ctx := context.Background()
	var out struct {
		Organization struct{ ProjectV2 struct{ Title string } }
	}
	vars := map[string]any{"owner": "acme", "number": 1, "statusField": "Status", "priorityField": "Priority", "iterationField": "Iteration"}
	if err := c.GraphQL(ctx, gh.QueryFindProject, vars, &out); err != nil || out.Organization.ProjectV2.Title != "Board" {
		t.Fatalf("%v %+v", err, out)
	}
	if err := c.GraphQL(ctx, gh.QueryFindProject, vars, &out); err != nil {
		t.Fatalf("after a RATE_LIMITED answer: %v", err)
	}
	if clock.Slept() < 59*time.Minute {
		t.Errorf("slept %s; the GraphQL limit resets in an hour", clock.Slept())
	}
	vars["owner"] = "nobody"
	err = c.GraphQL(ctx, gh.QueryFindProject, vars, &out)
	var ge gh.GraphQLErrors
	if !errors.As(err, &ge) || ge[0].Type != "NOT_FOUND" {
		t.Errorf("a missing organization: %v", err)
	}
}

func TestAGraphQLLimitBeyondTheCapFailsTheStepNow(t *testing.T) {
	g, c, clock := start(t, sandbox.GitHubOptions{RateLimit: 1})
	g.AddProject("acme", 1, "Board")
	vars := map[string]any{"owner": "acme", "number": 1, "statusField": "Status", "priorityField": "Priority", "iterationField": "Iteration"}
	if err := c.GraphQL(context.Background(), gh.QueryFindProject, vars, nil); err != nil {
		t.Fatal(err)
	}
	err := c.GraphQL(context.Background(), gh.QueryFindProject, vars, nil)
	var later *httpx.RetryLaterError
	if !errors.As(err, &later) || !strings.Contains(err.Error(), "GraphQL RATE_LIMITED") || clock.Slept() != 0 {
		t.Errorf("a RATE_LIMITED answer that resets in an hour: %v, slept %s", err, clock.Slept())
	}
}

func TestActsAsTheApp(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	clock := sandbox.NewManualClock(t0)
	g := sandbox.NewGitHub(sandbox.GitHubOptions{AppID: 9, AppKey: &key.PublicKey, Clock: clock})
	g.AddInstallation(5, "acme")
	g.AddRepo("acme", "support", "main", nil)
	srv := httptest.NewServer(g)
	defer srv.Close()
	// Without GITHUB_APP_INSTALLATION_ID, the App finds its installation.
	env := map[string]string{"GITHUB_API_URL": srv.URL, "GITHUB_APP_ID": "9", "GITHUB_APP_PRIVATE_KEY": string(pemKey)}
	cfg, err := gh.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Clock, cfg.Repo = clock, "acme/support"
	c, err := gh.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	is, _, err := gh.RESTOf(c).Issues.Create(context.Background(), "acme", "support", &github.IssueRequest{Title: github.String("hi")})
	if err != nil || is.GetUser().GetLogin() != "steward[bot]" {
		t.Fatalf("%v %v", err, is.GetUser().GetLogin())
	}
	// The installation is looked for on the first request, which fails
	// saying why.
	cfg.Repo = "other/repo"
	other, err := gh.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.RESTOf(other).Issues.Get(context.Background(), "other", "repo", 1); err == nil || !strings.Contains(err.Error(), "finding the App's installation on other/repo") {
		t.Errorf("no installation: %v", err)
	}
}

func TestConfigFromEnvNamesWhatIsWrong(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "no GitHub credentials: set GITHUB_TOKEN"},
		{map[string]string{"GITHUB_APP_ID": "abc"}, `GITHUB_APP_ID: "abc" is not an App id`},
		{map[string]string{"GITHUB_APP_ID": "1"}, "neither GITHUB_APP_PRIVATE_KEY nor GITHUB_APP_PRIVATE_KEY_FILE"},
		{map[string]string{"GITHUB_APP_ID": "1", "GITHUB_APP_PRIVATE_KEY_FILE": "/nonexistent"}, "GITHUB_APP_PRIVATE_KEY_FILE: open /nonexistent"},
		{map[string]string{"GITHUB_APP_ID": "1", "GITHUB_APP_PRIVATE_KEY": "k", "GITHUB_APP_INSTALLATION_ID": "-2"}, "GITHUB_APP_INSTALLATION_ID"},
	} {
		_, err := gh.ConfigFromEnv(func(k string) string { return tt.env[k] })
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want %q", tt.env, err, tt.want)
		}
	}
	if _, err := gh.New(gh.Config{APIURL: "::", Token: "t"}); err == nil || !strings.Contains(err.Error(), "GITHUB_API_URL") {
		t.Errorf("a bad URL: %v", err)
	}
	if _, err := gh.New(gh.Config{AppID: 1, PrivateKey: []byte("not a key"), InstallationID: 2}); err == nil || !strings.Contains(err.Error(), "GITHUB_APP_PRIVATE_KEY") {
		t.Errorf("a bad key: %v", err)
	}
}

func TestTheWebHostComesFromTheConfigurationOrTheAPIURL(t *testing.T) {
	for _, tt := range []struct{ api, web, want string }{
		{"", "", "https://github.com"},
		{"https://api.github.com/", "", "https://github.com"},
		{"https://ghe.example.com/api/v3/", "", "https://ghe.example.com"},
		{"https://ghe.example.com/api/v3/", "https://code.example.com/", "https://code.example.com"},
	} {
		c, err := gh.New(gh.Config{APIURL: tt.api, WebURL: tt.web, Token: "t"})
		if err != nil || c.WebURL() != tt.want {
			t.Errorf("%q %q: %v %q, want %q", tt.api, tt.web, err, c.WebURL(), tt.want)
		}
	}
	if _, err := gh.New(gh.Config{WebURL: "ghe", Token: "t"}); err == nil || !strings.Contains(err.Error(), "GITHUB_SERVER_URL") {
		t.Errorf("a bad web URL: %v", err)
	}
}
