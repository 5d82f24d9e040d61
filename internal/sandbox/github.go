package sandbox

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/support-steward/steward/internal/clock"
)

// GitHubOptions configure a GitHub emulator.
type GitHubOptions struct {
	// Tokens are accepted as personal or Actions tokens; each maps to the
	// login it acts as.
	Tokens map[string]string
	// AppID and AppKey let an App mint installation tokens: the emulator
	// checks the JWT's signature with AppKey's public half.
	AppID  int64
	AppKey *rsa.PublicKey
	// AppSlug is the App's name; installation tokens act as "SLUG[bot]".
	AppSlug string
	// RateLimit is requests per hour per token; 0 means 5,000.
	RateLimit int
	// PrimaryLimitStatus is 403 (default) or 429, the two GitHub uses.
	PrimaryLimitStatus int
	// ContentPerMinute and ContentPerHour are the secondary limits on
	// content-creating requests; 0 means 80 and 500.
	ContentPerMinute, ContentPerHour int
	// MaxConcurrent is the secondary limit on requests in flight; 0 means 100.
	MaxConcurrent int
	// SearchLag is how far the search index trails writes.
	SearchLag time.Duration
	// WebURL is the web host in every html_url (default
	// https://github.com); a GitHub Enterprise Server's is its own host.
	WebURL string
	// MutationsPerDocument is how many mutations one GraphQL document runs
	// before GitHub's resource limits and 10-second timeout cut it short,
	// the ones before applied (shurcooL/githubv4#17, Skydio/revup#271).
	// GitHub names no number; github/github-mcp-server sends project
	// mutations 20 at a time, so 0 means 20; -1 means no limit.
	MutationsPerDocument int
	// MutationTimeoutStatus is how a document cut short is answered: 0,
	// 200 with what ran in data and each mutation that did not null with
	// a RESOURCE_LIMITS_EXCEEDED error at its path; 502 or 504, that
	// status with GitHub's timeout message and nothing of what ran.
	MutationTimeoutStatus int

	Clock  Clock
	Faults *Faults
}

// GitHub is an in-memory GitHub REST and GraphQL API for the operations
// steward uses.
type GitHub struct {
	opts     GitHubOptions
	clock    Clock
	ledger   *Ledger
	door     *frontDoor
	inflight atomic.Int64
	patterns []string

	mu            sync.Mutex
	nextID        int64
	users         map[string]*ghUser // by lower-case login
	repos         map[string]*ghRepo // by lower-case owner/name
	teams         map[string]*ghTeam // by lower-case org/slug
	installations map[int64]*ghInstallation
	tokens        map[string]*ghToken
	buckets       map[string]*ghBucket // rate limits by token
	content       []time.Time          // content-creating requests, for secondary limits
	projects      map[string]*ghProject
}

type ghUser struct {
	id    int64
	login string
	typ   string // User, Bot, Organization
}

type ghInstallation struct {
	id      int64
	account string
}

type ghToken struct {
	login        string
	installation int64
	expires      time.Time
}

type ghBucket struct {
	used  int
	reset time.Time
}

type ghTeam struct {
	id      int64
	org     string
	slug    string
	name    string
	members []string // logins, in order added
}

// NewGitHub returns an empty GitHub.
func NewGitHub(o GitHubOptions) *GitHub {
	if o.RateLimit == 0 {
		o.RateLimit = 5000
	}
	if o.PrimaryLimitStatus == 0 {
		o.PrimaryLimitStatus = http.StatusForbidden
	}
	if o.ContentPerMinute == 0 {
		o.ContentPerMinute = 80
	}
	if o.ContentPerHour == 0 {
		o.ContentPerHour = 500
	}
	if o.MaxConcurrent == 0 {
		o.MaxConcurrent = 100
	}
	if o.AppSlug == "" {
		o.AppSlug = "steward"
	}
	if o.Clock == nil {
		o.Clock = clock.MustSystem()
	}
	g := &GitHub{
		opts: o, clock: o.Clock, ledger: &Ledger{}, nextID: 1000,
		users: map[string]*ghUser{}, repos: map[string]*ghRepo{}, teams: map[string]*ghTeam{},
		installations: map[int64]*ghInstallation{}, tokens: map[string]*ghToken{},
		buckets: map[string]*ghBucket{}, projects: map[string]*ghProject{},
	}
	for token, login := range o.Tokens {
		g.tokens[token] = &ghToken{login: login}
		g.user(login)
	}
	mux := http.NewServeMux()
	g.routes(mux)
	g.door = &frontDoor{mux: mux, ledger: g.ledger, faults: o.Faults, clock: o.Clock, faultBody: ghFaultBody}
	return g
}

// ServeHTTP serves the REST API at the root and GraphQL at /graphql.
func (g *GitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.door.ServeHTTP(w, r) }

// Ledger returns the emulator's request accounting.
func (g *GitHub) Ledger() *Ledger { return g.ledger }

func (g *GitHub) id() int64 {
	g.nextID++
	return g.nextID
}

// user returns the user with login, creating it; g.mu is held or not needed.
func (g *GitHub) user(login string) *ghUser {
	k := strings.ToLower(login)
	if u, ok := g.users[k]; ok {
		return u
	}
	typ := "User"
	if strings.HasSuffix(login, "[bot]") {
		typ = "Bot"
	}
	u := &ghUser{id: g.id(), login: login, typ: typ}
	g.users[k] = u
	return u
}

// AddUser makes login a known user.
func (g *GitHub) AddUser(login string) {
	g.mu.Lock()
	g.user(login)
	g.mu.Unlock()
}

// AddInstallation lets the App act on account's repositories.
func (g *GitHub) AddInstallation(id int64, account string) {
	g.mu.Lock()
	g.installations[id] = &ghInstallation{id: id, account: account}
	g.mu.Unlock()
}

// AddTeam creates org/slug with members.
func (g *GitHub) AddTeam(org, slug string, members ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.user(org).typ = "Organization"
	for _, m := range members {
		g.user(m)
	}
	g.teams[strings.ToLower(org+"/"+slug)] = &ghTeam{id: g.id(), org: org, slug: slug, name: slug, members: append([]string(nil), members...)}
}

// TeamMembers returns the logins in org/slug.
func (g *GitHub) TeamMembers(org, slug string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t, ok := g.teams[strings.ToLower(org+"/"+slug)]; ok {
		return append([]string(nil), t.members...)
	}
	return nil
}

// caller is who made a request.
type caller struct {
	token string
	login string
}

// authenticate finds the caller from the Authorization header; g.mu is held.
func (g *GitHub) authenticate(r *http.Request) (caller, bool) {
	h := r.Header.Get("Authorization")
	var token string
	switch {
	case strings.HasPrefix(h, "token "):
		token = strings.TrimPrefix(h, "token ")
	case strings.HasPrefix(h, "Bearer "):
		token = strings.TrimPrefix(h, "Bearer ")
	default:
		return caller{}, false
	}
	t, ok := g.tokens[token]
	if !ok || (!t.expires.IsZero() && !g.clock.Now().Before(t.expires)) {
		return caller{}, false
	}
	return caller{token: token, login: t.login}, true
}

// writeJSON answers with v, an ETag, and 304 when the client already has it.
// It reports whether the answer was a 304. As on GitHub, an ETag belongs to
// the token that read it (GitHub support, quoted in eclipse-csi/otterdog#201;
// github/docs#34689): an installation token lives an hour and the Actions
// token one job, so a cache kept across them earns 200s, not 304s.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) bool {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.Method == http.MethodGet && status == http.StatusOK {
		sum := sha256.Sum256(append([]byte(r.Header.Get("Authorization")+"\x00"), body...))
		etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "private, max-age=60, s-maxage=60")
		w.Header().Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
		if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == etag || strings.TrimPrefix(inm, "W/") == strings.TrimPrefix(etag, "W/")) {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	w.WriteHeader(status)
	w.Write(body)
	return false
}

func ghError(w http.ResponseWriter, status int, message string) {
	ghErrorDoc(w, status, message, "https://docs.github.com/rest")
}

// secondaryDoc is where GitHub points secondary-limit answers; clients
// (go-github among them) recognise the limit by it.
const secondaryDoc = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"

func ghErrorDoc(w http.ResponseWriter, status int, message, doc string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": message, "documentation_url": doc, "status": strconv.Itoa(status)})
}

// ghValidation answers 422 in GitHub's shape.
func ghValidation(w http.ResponseWriter, resource, field, code string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusUnprocessableEntity)
	json.NewEncoder(w).Encode(map[string]any{
		"message":           "Validation Failed",
		"errors":            []map[string]string{{"resource": resource, "field": field, "code": code}},
		"documentation_url": "https://docs.github.com/rest", "status": "422"})
}

func ghFaultBody(kind FaultKind, status int) []byte {
	switch status {
	case 403:
		return []byte(`{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"` + secondaryDoc + `","status":"403"}`)
	case 429:
		return []byte(`{"message":"API rate limit exceeded.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api","status":"429"}`)
	}
	return []byte(fmt.Sprintf(`{"message":%q,"status":"%d"}`, http.StatusText(status), status))
}

// takeContent counts one content-creating request at now against the
// secondary limits (ContentPerMinute, ContentPerHour), or reports false
// when they are spent. g.mu is held.
func (g *GitHub) takeContent(now time.Time) bool {
	var minute, hour int
	kept := g.content[:0]
	for _, t := range g.content {
		if now.Sub(t) < time.Hour {
			kept = append(kept, t)
			hour++
			if now.Sub(t) < time.Minute {
				minute++
			}
		}
	}
	g.content = kept
	if minute >= g.opts.ContentPerMinute || hour >= g.opts.ContentPerHour {
		return false
	}
	g.content = append(g.content, now)
	return true
}

// contentLimited answers a request refused by the limits on content
// creation, as GitHub does.
func contentLimited(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "60")
	ghErrorDoc(w, http.StatusForbidden, "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.", secondaryDoc)
}

// contentCreating reports whether a REST request counts toward the
// secondary limits on content creation (a GraphQL document does when it
// is a mutation: graphql).
func contentCreating(r *http.Request) bool {
	return r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut || r.Method == http.MethodDelete
}

// limited wraps a REST handler with authentication and GitHub's primary and
// secondary rate limits. A 304 costs nothing, as on GitHub.
func (g *GitHub) limited(resource string, perHour int, fn func(http.ResponseWriter, *http.Request, caller)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if n := g.inflight.Add(1); n > int64(g.opts.MaxConcurrent) {
			g.inflight.Add(-1)
			w.Header().Set("Retry-After", "60")
			ghErrorDoc(w, http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", secondaryDoc)
			return
		}
		defer g.inflight.Add(-1)
		g.mu.Lock()
		c, ok := g.authenticate(r)
		if !ok {
			g.mu.Unlock()
			ghError(w, http.StatusUnauthorized, "Bad credentials")
			return
		}
		now := g.clock.Now()
		key := resource + " " + c.token
		b := g.buckets[key]
		if b == nil || !now.Before(b.reset) {
			window := time.Hour
			if resource == "search" {
				window = time.Minute
			}
			b = &ghBucket{reset: now.Add(window).Truncate(time.Second)}
			g.buckets[key] = b
		}
		limit := perHour
		setHeaders := func() {
			w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
			w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(0, limit-b.used)))
			w.Header().Set("X-RateLimit-Used", strconv.Itoa(b.used))
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
			w.Header().Set("X-RateLimit-Resource", resource)
		}
		if b.used >= limit {
			setHeaders()
			g.mu.Unlock()
			ghErrorDoc(w, g.opts.PrimaryLimitStatus, fmt.Sprintf("API rate limit exceeded for %s.", c.login),
				"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limits")
			return
		}
		if contentCreating(r) && !g.takeContent(now) {
			g.mu.Unlock()
			contentLimited(w)
			return
		}
		b.used++
		setHeaders()
		g.mu.Unlock()
		rec := &statusRecorder{ResponseWriter: w}
		fn(rec, r, c)
		if rec.status == http.StatusNotModified {
			g.mu.Lock()
			b.used--
			g.mu.Unlock()
		}
	}
}

// statusRecorder remembers the status a handler wrote and, for a 304,
// restores the rate-limit headers to what the refund leaves.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	if code == http.StatusNotModified {
		h := s.Header()
		if rem, err := strconv.Atoi(h.Get("X-RateLimit-Remaining")); err == nil {
			h.Set("X-RateLimit-Remaining", strconv.Itoa(rem+1))
		}
		if used, err := strconv.Atoi(h.Get("X-RateLimit-Used")); err == nil {
			h.Set("X-RateLimit-Used", strconv.Itoa(used-1))
		}
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}
