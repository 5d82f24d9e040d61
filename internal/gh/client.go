package gh

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/clock"
	"github.com/support-steward/steward/internal/httpx"
)

// Config says how to reach GitHub and as whom.
type Config struct {
	// APIURL is the REST base: https://api.github.com/ (the default), a
	// GitHub Enterprise Server's https://HOST/api/v3/, or a sandbox.
	APIURL string
	// Token is a personal or Actions token. Alternatively, AppID,
	// PrivateKey and InstallationID authenticate as a GitHub App.
	Token          string
	AppID          int64
	PrivateKey     []byte
	InstallationID int64
	// Repo (owner/name) finds the App's installation when InstallationID
	// is not given.
	Repo string
	// Clock and Log are optional.
	Clock clock.Clock
	Log   *slog.Logger
	// Transport is the network below steward's layers (default http.DefaultTransport).
	Transport http.RoundTripper
	// CacheDir keeps conditional-read answers between runs (optional).
	CacheDir string
	// WebURL is the web host links point at (GITHUB_SERVER_URL:
	// https://github.com, or a GitHub Enterprise Server's https://HOST).
	// Empty: derived from APIURL. Links to issues and pull requests come
	// from the API's html_url instead, wherever an answer carries one.
	WebURL string
	// Limits bound waits, attempts, timeouts, answer sizes and pages
	// (zero fields take httpx's defaults).
	Limits httpx.Limits
}

// ConfigFromEnv reads GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_TOKEN,
// GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE, and
// GITHUB_APP_INSTALLATION_ID. A missing or malformed setting is one error
// naming it.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{APIURL: getenv("GITHUB_API_URL"), WebURL: getenv("GITHUB_SERVER_URL"), Token: getenv("GITHUB_TOKEN")}
	if id := getenv("GITHUB_APP_ID"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("GITHUB_APP_ID: %q is not an App id (a positive number)", id)
		}
		c.AppID = n
		switch key, file := getenv("GITHUB_APP_PRIVATE_KEY"), getenv("GITHUB_APP_PRIVATE_KEY_FILE"); {
		case key != "":
			c.PrivateKey = []byte(key)
		case file != "":
			b, err := os.ReadFile(file)
			if err != nil {
				return c, fmt.Errorf("GITHUB_APP_PRIVATE_KEY_FILE: %w", err)
			}
			c.PrivateKey = b
		default:
			return c, errors.New("GITHUB_APP_ID is set but neither GITHUB_APP_PRIVATE_KEY nor GITHUB_APP_PRIVATE_KEY_FILE is")
		}
		if inst := getenv("GITHUB_APP_INSTALLATION_ID"); inst != "" {
			n, err := strconv.ParseInt(inst, 10, 64)
			if err != nil || n <= 0 {
				return c, fmt.Errorf("GITHUB_APP_INSTALLATION_ID: %q is not an installation id", inst)
			}
			c.InstallationID = n
		}
	}
	if c.Token == "" && c.AppID == 0 {
		return c, errors.New("no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY")
	}
	return c, nil
}

// Client is steward's way to GitHub: go-github for REST and a GraphQL
// poster, over one stack of transports: conditional reads (bounded),
// authentication, then httpx's retries, rate-limit policy, timeouts and
// size caps.
type Client struct {
	rest    *github.Client
	http    *http.Client
	graphql string
	web     string
	clock   clock.Clock
	// lists are the issue lists kept between reads (issue_list.go).
	lists *issueLists
	// holds keep board passes one at a time per project (Board.Hold).
	holds *holds
	// projects keeps the boards' node ids (AddAndRead).
	projects *projectIDs
}

// New builds a client from c.
func New(c Config) (*Client, error) {
	api := c.APIURL
	if api == "" {
		api = "https://api.github.com/"
	}
	if !strings.HasSuffix(api, "/") {
		api += "/"
	}
	base, err := url.Parse(api)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("GITHUB_API_URL: %q is not a URL", c.APIURL)
	}
	web, err := webURL(c.WebURL, base)
	if err != nil {
		return nil, err
	}
	clk := clock.Or(c.Clock)
	var rt http.RoundTripper = &httpx.Transport{Base: c.Transport, Policy: policy(clk), Limits: c.Limits, Clock: clk, Log: c.Log}
	switch {
	case c.AppID != 0:
		if c.InstallationID == 0 {
			// Found on the first request, with its context, so that a
			// shutdown or a timeout ends the search.
			rt, err = findingInstallation(rt, base, c)
			if err != nil {
				return nil, err
			}
			break
		}
		itr, err := ghinstallation.New(rt, c.AppID, c.InstallationID, c.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("GITHUB_APP_PRIVATE_KEY: %w", err)
		}
		itr.BaseURL = strings.TrimSuffix(api, "/")
		rt = itr
	case c.Token != "":
		rt = &tokenTransport{base: rt, token: c.Token}
	default:
		return nil, errors.New("no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY")
	}
	hc := &http.Client{Transport: limitsWaited{&httpx.ETagCache{Base: rt, Dir: c.CacheDir}}}
	rest := github.NewClient(hc)
	rest.BaseURL = base
	gql := strings.TrimSuffix(api, "/") + "/graphql"
	if strings.HasSuffix(strings.TrimSuffix(api, "/"), "/api/v3") { // GitHub Enterprise Server
		gql = strings.TrimSuffix(strings.TrimSuffix(api, "/"), "/v3") + "/graphql"
	}
	return &Client{rest: rest, http: hc, graphql: gql, web: web, clock: clk, lists: &issueLists{dir: c.CacheDir}, holds: &holds{},
		projects: &projectIDs{dir: c.CacheDir}}, nil
}

// limitsWaited keeps from go-github the waits the transport below already
// honoured. go-github v60 remembers the last primary limit it saw and,
// while its reset is ahead by the wall clock, refuses every REST call
// itself, sending nothing (its switch off, BypassRateLimitCheck, is
// unexported in v60); likewise a secondary limit's Retry-After. Then
// steward's transport, which waits out a limit within its bounds and
// tells what it could not, never sees the request. Without the reset and
// Retry-After headers go-github records no future reset, so every call
// reaches the transport: the rate-limit figures themselves stay.
type limitsWaited struct{ base http.RoundTripper }

func (l limitsWaited) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(r)
	if resp != nil {
		resp.Header.Del("X-RateLimit-Reset")
		resp.Header.Del("Retry-After")
	}
	return resp, err
}

// webURL is the configured web host, or the one the API URL implies:
// api.github.com is github.com, https://HOST/api/v3/ is https://HOST.
func webURL(configured string, api *url.URL) (string, error) {
	if configured != "" {
		u, err := url.Parse(configured)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return "", fmt.Errorf("GITHUB_SERVER_URL: %q is not a URL", configured)
		}
		return strings.TrimSuffix(configured, "/"), nil
	}
	host := api.Host
	if host == "api.github.com" {
		host = "github.com"
	}
	return api.Scheme + "://" + host, nil
}

// WebURL is GitHub's web host without a trailing slash, for links that no
// API answer carries (a file on a branch).
func (c *Client) WebURL() string { return c.web }

// findInstallation asks GitHub, as the App, which installation covers Repo.
// It honours ctx: a shutdown or a timeout ends the search and its retries.
func findInstallation(ctx context.Context, atr *ghinstallation.AppsTransport, base *url.URL, c Config) (int64, error) {
	owner, repo, _ := strings.Cut(c.Repo, "/")
	apps := github.NewClient(&http.Client{Transport: atr})
	apps.BaseURL = base
	inst, _, err := apps.Apps.FindRepositoryInstallation(ctx, owner, repo)
	if err != nil {
		return 0, fmt.Errorf("finding the App's installation on %s: %w (install the App there, or set GITHUB_APP_INSTALLATION_ID)", c.Repo, err)
	}
	return inst.GetID(), nil
}

// findingInstallation is a transport that finds the App's installation on
// its first request, with that request's context, and then acts as that
// installation. A failed search is tried again by the next request; one
// search runs at a time, and a request waiting for it honours its own
// context.
func findingInstallation(base http.RoundTripper, api *url.URL, c Config) (http.RoundTripper, error) {
	if _, _, ok := strings.Cut(c.Repo, "/"); !ok {
		return nil, errors.New("GITHUB_APP_INSTALLATION_ID is not set, and no repository is configured to find the App's installation by")
	}
	atr, err := ghinstallation.NewAppsTransport(base, c.AppID, c.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("GITHUB_APP_PRIVATE_KEY: %w", err)
	}
	atr.BaseURL = strings.TrimSuffix(api.String(), "/")
	return &installationFinder{base: base, apps: atr, api: api, c: c, turn: make(chan struct{}, 1)}, nil
}

type installationFinder struct {
	base  http.RoundTripper
	apps  *ghinstallation.AppsTransport
	api   *url.URL
	c     Config
	turn  chan struct{} // held by the one search
	found atomic.Pointer[ghinstallation.Transport]
}

func (f *installationFinder) RoundTrip(r *http.Request) (*http.Response, error) {
	itr, err := f.installation(r.Context())
	if err != nil {
		return nil, err
	}
	return itr.RoundTrip(r)
}

func (f *installationFinder) installation(ctx context.Context) (*ghinstallation.Transport, error) {
	if itr := f.found.Load(); itr != nil {
		return itr, nil
	}
	select {
	case f.turn <- struct{}{}:
		defer func() { <-f.turn }()
	case <-ctx.Done():
		return nil, fmt.Errorf("finding the App's installation on %s: %w", f.c.Repo, ctx.Err())
	}
	if itr := f.found.Load(); itr != nil {
		return itr, nil
	}
	id, err := findInstallation(ctx, f.apps, f.api, f.c)
	if err != nil {
		return nil, err
	}
	itr := ghinstallation.NewFromAppsTransport(f.apps, id)
	itr.BaseURL = f.apps.BaseURL
	f.found.Store(itr)
	return itr, nil
}

type tokenTransport struct {
	base  http.RoundTripper
	token string
}

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.token)
	return t.base.RoundTrip(r)
}

// GraphQLError is an error GitHub's GraphQL API answered with.
type GraphQLError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
	// Path names the field the error is about, from the root (an alias
	// when the document gave one); empty for a document's error.
	Path []any `json:"path"`
}

// GraphQLErrors is every error of one answer.
type GraphQLErrors []GraphQLError

func (e GraphQLErrors) Error() string {
	msgs := make([]string, len(e))
	for i, x := range e {
		msgs[i] = x.Message
		if x.Type != "" {
			msgs[i] = x.Type + ": " + x.Message
		}
	}
	return "GitHub GraphQL: " + strings.Join(msgs, "; ")
}

// GraphQL sends a document with variables and decodes data into out. GitHub
// answers a rate limit with 200 and an errors array: the transport waits
// that out like a REST limit, within the same bounds.
func (c *Client) GraphQL(ctx context.Context, query string, vars map[string]any, out any) error {
	data, errs, err := c.exchange(ctx, query, vars)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// answerStatus is a GraphQL request answered with an HTTP status other
// than 200.
type answerStatus int

func (s answerStatus) Error() string { return fmt.Sprintf("HTTP %d", int(s)) }

// exchange sends one GraphQL document and returns GitHub's data and errors
// as answered: both may come together (a mutation document cut short
// answers the aliases it applied beside the errors of the rest). An answer
// other than 200 is an error wrapping its answerStatus.
func (c *Client) exchange(ctx context.Context, query string, vars map[string]any) (json.RawMessage, GraphQLErrors, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.graphql, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("GitHub GraphQL: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("GitHub GraphQL: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GitHub GraphQL: %s: %.300s: %w", resp.Status, raw, answerStatus(resp.StatusCode))
	}
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors GraphQLErrors   `json:"errors"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return nil, nil, fmt.Errorf("GitHub GraphQL: %w", err)
	}
	return answer.Data, answer.Errors, nil
}
