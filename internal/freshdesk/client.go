// Package freshdesk is steward's FreshDesk API v2 client: API-key auth,
// Link-header pagination (guarded against links that loop or leave the
// account), throttling that keeps within the account's budget of credits
// (a minute's, or an hour's on the legacy plans) by what FreshDesk says
// each request cost, and typed errors that carry FreshDesk's error body.
// Retries, Retry-After, timeouts and size caps are httpx's, with
// FreshDesk's rules plugged in.
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
	// Budget caps the credits spent a window (a minute; an hour with
	// PerHour); 0 learns the account's from X-RateLimit-Total.
	Budget int
	// PerHour says the account's budget is an hour's, as on FreshDesk's
	// legacy plans (Blossom, Garden: 3,000; Estate, Forest: 5,000). No
	// header says which window X-RateLimit-Total is for: roster.yaml's
	// integrations.freshdesk.plan does.
	PerHour bool
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

	maxWait time.Duration

	mu        sync.Mutex
	budget    int            // credits a window
	window    time.Duration  // a minute, or an hour on a legacy plan
	remaining int            // from the last answer; -1 unknown
	spent     []*charge      // what was spent in the last window
	listed    []time.Time    // listings in the last minute
	credits   int            // credits spent in all (Credits)
	costs     map[string]int // a request shape's cost, as FreshDesk last charged it

	statusMu   sync.Mutex
	statuses   []Status
	statusRead time.Time
}

// charge is the credits one request spent, at the moment it was sent:
// first the estimate, then what FreshDesk said it cost.
type charge struct {
	at time.Time
	n  int
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
	cl := &Client{base: u, key: c.APIKey, clock: clock.Or(c.Clock), log: c.Log, listPM: listPM, pages: lim.MaxPages,
		maxWait: lim.MaxWait, budget: c.Budget, window: time.Minute, remaining: -1, costs: map[string]int{}}
	if c.PerHour {
		cl.window = time.Hour
	}
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

// policy is FreshDesk's rules for the shared transport: the budget of
// credits before each attempt, learnt from every answer; 429 waits
// Retry-After (a minute, FreshDesk's window, when the header is missing or
// garbage); server errors and lost answers are retried for GET and PUT,
// which are safe to repeat; a POST (a note, a reply) is not sent twice.
func (c *Client) policy() httpx.Policy {
	return httpx.Policy{
		Service: "FreshDesk",
		Before: func(r *http.Request) error {
			sh := shape(r)
			list := r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/api/v2/tickets")
			ch, err := c.throttle(r, c.estimate(r, sh), list)
			if p, ok := r.Context().Value(pendingKey{}).(*pending); ok && err == nil {
				p.charge, p.shape = ch, sh
			}
			return err
		},
		After: c.observe,
		Decide: func(r *http.Request, resp *http.Response, err error, backoff time.Duration) httpx.Verdict {
			return decide(c.clock.Now(), r.Method, resp, err)
		},
	}
}

// pending ties a request to its charge, so that the answer's
// X-RateLimit-Used-CurrentRequest corrects the estimate where it was made.
type pending struct {
	charge *charge
	shape  string
}

type pendingKey struct{}

// shape is what a request's cost depends on: method, path without ids,
// includes.
func shape(r *http.Request) string {
	parts := strings.Split(r.URL.Path, "/")
	for i, p := range parts {
		if _, err := strconv.ParseInt(p, 10, 64); err == nil {
			parts[i] = "{id}"
		}
	}
	return r.Method + " " + strings.Join(parts, "/") + "?include=" + r.URL.Query().Get("include")
}

// estimate is what a request will cost: what FreshDesk charged for the
// same shape last time, else its documented price: one credit, and for
// each include 2 more on List All Tickets, one more on View a Ticket
// (FreshDesk API v2 reference, the include parameter of each).
func (c *Client) estimate(r *http.Request, shape string) int {
	c.mu.Lock()
	n, ok := c.costs[shape]
	c.mu.Unlock()
	if ok {
		return n
	}
	inc := r.URL.Query().Get("include")
	if inc == "" {
		return 1
	}
	each := 1
	if strings.HasSuffix(r.URL.Path, "/api/v2/tickets") {
		each = 2
	}
	return 1 + each*len(strings.Split(inc, ","))
}

// throttle waits until a request of cost credits fits the budget, and
// charges it. A wait longer than the transport's MaxWait (an hour's budget
// spent) fails the request now, unsent, as a too long Retry-After would.
func (c *Client) throttle(r *http.Request, cost int, list bool) (*charge, error) {
	for {
		c.mu.Lock()
		now := c.clock.Now()
		c.spent = c.inWindow(now)
		c.listed = recent(c.listed, now, time.Minute)
		wait, why := c.untilFits(now, cost), fmt.Sprintf("the budget of %d credits per %s is spent", c.budget, c.per())
		if list && len(c.listed)+1 > c.listPM {
			if d := c.listed[0].Add(time.Minute).Sub(now); d > wait {
				wait, why = d, fmt.Sprintf("%d ticket listings a minute", c.listPM)
			}
		}
		// Others share the account's budget: the server's count is the
		// truth. It frees up at the latest a window after this client's
		// oldest credit in it, or a window from now.
		if c.remaining >= 0 && c.remaining < cost {
			d := c.window
			if len(c.spent) > 0 {
				d = c.spent[0].at.Add(c.window).Sub(now)
			}
			if d > wait {
				wait, why = d, fmt.Sprintf("the account has %d credits left this %s", c.remaining, c.per())
			}
		}
		if wait <= 0 {
			ch := &charge{at: now, n: cost}
			c.spent = append(c.spent, ch)
			c.credits += cost
			if list {
				c.listed = append(c.listed, now)
			}
			if c.remaining >= 0 {
				c.remaining -= cost
			}
			c.mu.Unlock()
			return ch, nil
		}
		c.mu.Unlock()
		if wait > c.maxWait {
			return nil, &httpx.RetryLaterError{Service: "FreshDesk", Method: r.Method, Path: r.URL.Path, Why: why,
				Wait: wait, Max: c.maxWait, At: now.Add(wait)}
		}
		if c.log != nil {
			c.log.Debug("waiting for FreshDesk's rate limit", "wait", wait.String(), "reason", why)
		}
		if err := c.clock.Sleep(r.Context(), wait); err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.remaining = -1 // a new window: ask the server again
		c.mu.Unlock()
	}
}

func (c *Client) per() string {
	if c.window == time.Hour {
		return "hour"
	}
	return "minute"
}

// inWindow drops the charges older than the window; c.mu is held.
func (c *Client) inWindow(now time.Time) []*charge {
	i := 0
	for i < len(c.spent) && now.Sub(c.spent[i].at) >= c.window {
		i++
	}
	return c.spent[i:]
}

// untilFits is how long until cost more credits fit the budget: until
// enough of the oldest charges leave the window. A request that costs more
// than the whole budget goes when nothing else is in the window. c.mu is
// held.
func (c *Client) untilFits(now time.Time, cost int) time.Duration {
	if c.budget <= 0 {
		return 0
	}
	used := 0
	for _, ch := range c.spent {
		used += ch.n
	}
	excess := used + cost - c.budget
	if excess <= 0 || used == 0 {
		return 0
	}
	freed := 0
	for _, ch := range c.spent {
		freed += ch.n
		if freed >= excess {
			return ch.at.Add(c.window).Sub(now)
		}
	}
	return c.spent[len(c.spent)-1].at.Add(c.window).Sub(now)
}

func recent(ts []time.Time, now time.Time, window time.Duration) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= window {
		i++
	}
	return ts[i:]
}

// Credits is what this client's requests cost the account's budget: the
// credits FreshDesk said each cost (X-RateLimit-Used-CurrentRequest), the
// estimate where an answer did not say.
func (c *Client) Credits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.credits
}

// SetMetering says how the account's budget is metered, for a client made
// before the roster was read: perHour for FreshDesk's legacy plans, and the
// plan's ticket-listing sub-limit (0 keeps the current one).
func (c *Client) SetMetering(perHour bool, listPerMinute int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.window = time.Minute
	if perHour {
		c.window = time.Hour
	}
	if listPerMinute > 0 {
		c.listPM = listPerMinute
	}
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
	req, err := http.NewRequestWithContext(context.WithValue(ctx, pendingKey{}, &pending{}), method, target, bytes.NewReader(payload))
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

// observe learns the account's budget from the rate-limit headers, and a
// request's real cost from X-RateLimit-Used-CurrentRequest: the charge made
// before sending becomes what FreshDesk charged, and the next request of
// the same shape is estimated at it.
func (c *Client) observe(resp *http.Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining")); err == nil {
		c.remaining = n
	}
	if n, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Total")); err == nil && n > 0 && (c.budget == 0 || n < c.budget) {
		c.budget = n
	}
	used, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Used-CurrentRequest"))
	if err != nil || used < 0 || resp.Request == nil {
		return
	}
	p, _ := resp.Request.Context().Value(pendingKey{}).(*pending)
	if p == nil || p.charge == nil {
		return
	}
	c.credits += used - p.charge.n
	p.charge.n = used
	if resp.StatusCode/100 == 2 && used > 0 {
		c.costs[p.shape] = used
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
