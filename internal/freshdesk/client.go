// Package freshdesk is steward's FreshDesk API v2 client: API-key auth,
// Link-header pagination (guarded against links that loop or leave the
// account), throttling that keeps within the account's per-minute budget,
// and typed errors that carry FreshDesk's error body. Retries, Retry-After,
// timeouts and size caps are httpx's, with FreshDesk's rules plugged in.
package freshdesk

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
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/clock"
	"github.com/support-steward/steward/internal/httpx"
)

// Config says which account to reach and how.
type Config struct {
	// Domain is the account's subdomain: acme for acme.freshdesk.com.
	Domain string
	// BaseURL overrides https://DOMAIN.freshdesk.com (FRESHDESK_BASE_URL).
	BaseURL string
	APIKey  string
	// PerMinute caps requests a minute (0: learn it from X-RateLimit-Total).
	PerMinute int
	// ListPerMinute caps ticket listings a minute; FreshDesk's sub-limit is
	// not in any header. 0 means 20, the Growth plan's.
	ListPerMinute int
	Clock         clock.Clock
	Log           *slog.Logger
	Transport     http.RoundTripper
	// Limits bound waits, attempts, timeouts, answer sizes and pages
	// (zero fields take httpx's defaults).
	Limits httpx.Limits
}

// ConfigFromEnv reads FRESHDESK_API_KEY and FRESHDESK_BASE_URL; domain
// comes from roster.yaml.
func ConfigFromEnv(getenv func(string) string, domain string) (Config, error) {
	c := Config{Domain: domain, APIKey: getenv("FRESHDESK_API_KEY"), BaseURL: getenv("FRESHDESK_BASE_URL")}
	if c.APIKey == "" {
		return c, errors.New("FRESHDESK_API_KEY is not set: steward needs an agent's API key to read and update tickets")
	}
	return c, nil
}

// DefaultMaxPages bounds a FreshDesk list unless Config.Limits says
// otherwise.
const DefaultMaxPages = 100

// Client talks to one FreshDesk account.
type Client struct {
	base   *url.URL
	key    string
	http   *http.Client
	clock  clock.Clock
	log    *slog.Logger
	listPM int
	pages  int

	mu        sync.Mutex
	perMinute int
	remaining int         // from the last answer; -1 unknown
	sent      []time.Time // requests in the last minute
	listed    []time.Time // listings in the last minute
}

// New returns a client for c.
func New(c Config) (*Client, error) {
	raw := c.BaseURL
	if raw == "" {
		if c.Domain == "" {
			return nil, errors.New("integrations.freshdesk.domain is not set")
		}
		raw = "https://" + c.Domain + ".freshdesk.com"
	}
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("FRESHDESK_BASE_URL: %q is not a URL", raw)
	}
	if c.APIKey == "" {
		return nil, errors.New("FRESHDESK_API_KEY is not set")
	}
	listPM := c.ListPerMinute
	if listPM <= 0 {
		listPM = 20
	}
	if c.Limits.MaxPages <= 0 {
		// 10,000 tickets or conversations at 100 a page; at the Growth
		// plan's 20 listings a minute a list that never ends costs five
		// minutes of pacing before it is stopped.
		c.Limits.MaxPages = DefaultMaxPages
	}
	lim := c.Limits.WithDefaults()
	cl := &Client{base: u, key: c.APIKey, clock: clock.Or(c.Clock),
		log: c.Log, listPM: listPM, pages: lim.MaxPages, perMinute: c.PerMinute, remaining: -1}
	cl.http = &http.Client{
		Transport: &httpx.Transport{Base: c.Transport, Policy: cl.policy(), Limits: lim, Clock: cl.clock, Log: c.Log},
		// A next link elsewhere would carry the API key there.
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if r.URL.Host != u.Host {
				return fmt.Errorf("FreshDesk redirected to %s, outside the account's host %s", r.URL.Host, u.Host)
			}
			return nil
		},
	}
	return cl, nil
}

// AgentURL is the agent-facing page of a ticket.
func (c *Client) AgentURL(id int64) string {
	return fmt.Sprintf("%s/a/tickets/%d", c.base, id)
}

// Host is the account's host name, for markers that name the account.
func (c *Client) Host() string { return c.base.Host }

// Error is an answer FreshDesk gave other than success.
type Error struct {
	Status      int
	Method      string
	Path        string
	Description string       `json:"description"`
	Errors      []FieldError `json:"errors"`
	Message     string       `json:"message"`
}

// FieldError is one entry of a validation failure.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "FreshDesk %s %s: %d", e.Method, e.Path, e.Status)
	for _, s := range []string{e.Description, e.Message} {
		if s != "" {
			b.WriteString(" " + s)
		}
	}
	for _, f := range e.Errors {
		fmt.Fprintf(&b, "; %s: %s (%s)", f.Field, f.Message, f.Code)
	}
	return b.String()
}

// IsNotFound reports whether err is FreshDesk's 404.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// policy is FreshDesk's rules for the shared transport: the per-minute
// budget before each attempt, learnt from every answer; 429 waits
// Retry-After (a minute, FreshDesk's window, when the header is missing or
// garbage); server errors and lost answers are retried for GET and PUT,
// which are safe to repeat; a POST (a note, a reply) is not sent twice.
func (c *Client) policy() httpx.Policy {
	return httpx.Policy{
		Service: "FreshDesk",
		Before: func(r *http.Request) error {
			cost := 1
			if inc := r.URL.Query().Get("include"); inc != "" {
				cost += len(strings.Split(inc, ","))
			}
			list := r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/api/v2/tickets")
			return c.throttle(r.Context(), cost, list)
		},
		After: c.observe,
		Decide: func(r *http.Request, resp *http.Response, err error, backoff time.Duration) httpx.Verdict {
			return decide(c.clock.Now(), r.Method, resp, err)
		},
	}
}

// throttle waits until a request of cost credits fits the budget.
func (c *Client) throttle(ctx context.Context, cost int, list bool) error {
	for {
		c.mu.Lock()
		now := c.clock.Now()
		c.sent = recent(c.sent, now)
		c.listed = recent(c.listed, now)
		wait := time.Duration(0)
		if c.perMinute > 0 && len(c.sent)+cost > c.perMinute {
			wait = c.sent[0].Add(time.Minute).Sub(now)
		}
		if list && len(c.listed)+1 > c.listPM {
			wait = max(wait, c.listed[0].Add(time.Minute).Sub(now))
		}
		// Others share the account's budget: the server's count is the truth.
		if c.remaining >= 0 && c.remaining < cost && len(c.sent) > 0 {
			wait = max(wait, c.sent[0].Add(time.Minute).Sub(now))
		} else if c.remaining >= 0 && c.remaining < cost {
			wait = max(wait, time.Minute)
		}
		if wait <= 0 {
			for range cost {
				c.sent = append(c.sent, now)
			}
			if list {
				c.listed = append(c.listed, now)
			}
			if c.remaining >= 0 {
				c.remaining -= cost
			}
			c.mu.Unlock()
			return nil
		}
		c.mu.Unlock()
		if c.log != nil {
			c.log.Debug("waiting for FreshDesk's rate limit", "wait", wait.String())
		}
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return err
		}
		c.mu.Lock()
		c.remaining = -1 // a new window: ask the server again
		c.mu.Unlock()
	}
}

func recent(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= time.Minute {
		i++
	}
	return ts[i:]
}

// do sends one request, throttled and retried, and decodes a success into out.
// It returns the answer's Link next URL when there is one.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) (next string, err error) {
	return c.doURL(ctx, method, c.url(path, query), body, out)
}

// url is the API URL of path with query.
func (c *Client) url(path string, query url.Values) string {
	u := *c.base
	u.Path = c.base.Path + "/api/v2" + path
	u.RawQuery = query.Encode()
	return u.String()
}

var linkNext = regexp.MustCompile(`<([^>]+)>;\s*rel="next"`)

func (c *Client) doURL(ctx context.Context, method, target string, body, out any) (string, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return "", err
		}
	}
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("FreshDesk %s %s: %w", method, target, err)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(payload))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(c.key, "X")
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("FreshDesk %s %s: %w", method, u.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("FreshDesk %s %s: %w", method, u.Path, err)
	}
	if resp.StatusCode/100 != 2 {
		e := &Error{Status: resp.StatusCode, Method: method, Path: u.Path}
		json.Unmarshal(raw, e)
		return "", e
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return "", fmt.Errorf("FreshDesk %s %s: %w", method, u.Path, err)
		}
	}
	next := ""
	if m := linkNext.FindStringSubmatch(resp.Header.Get("Link")); m != nil {
		next = m[1]
	}
	return next, nil
}

// observe learns the account's budget from the rate-limit headers.
func (c *Client) observe(resp *http.Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining")); err == nil {
		c.remaining = n
	}
	if n, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Total")); err == nil && (c.perMinute == 0 || n < c.perMinute) {
		c.perMinute = n
	}
}

// decide is FreshDesk's verdict on an answer (see policy).
func decide(now time.Time, method string, resp *http.Response, err error) httpx.Verdict {
	safe := method == http.MethodGet || method == http.MethodPut
	if err != nil {
		return httpx.Verdict{Retry: safe, Why: err.Error()}
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		if d, ok := httpx.RetryAfter(resp.Header, now); ok {
			return httpx.Verdict{Retry: true, Limit: true, Wait: max(d, time.Second), Why: "429 Retry-After: " + resp.Header.Get("Retry-After")}
		}
		return httpx.Verdict{Retry: true, Limit: true, Wait: time.Minute, Why: fmt.Sprintf("429 with Retry-After %q", resp.Header.Get("Retry-After"))}
	case resp.StatusCode >= 500:
		return httpx.Verdict{Retry: safe, Why: resp.Status}
	}
	return httpx.Verdict{}
}
