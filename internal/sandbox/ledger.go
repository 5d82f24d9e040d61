package sandbox

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Request is one request an emulator received, as the ledger keeps it.
type Request struct {
	Method string
	// Route is the pattern that served it, e.g.
	// "GET /repos/{owner}/{repo}/issues", or "unrouted".
	Route string
	Path  string
	// Status is the status the client saw; 0 for a dropped connection.
	Status int
	// Conditional is true when the request carried If-None-Match or
	// If-Modified-Since.
	Conditional bool
	// Fault names the injected fault that answered, if any.
	Fault string
	// Body is the request body, kept so tests can scan what was sent.
	Body []byte
}

// Ledger is the request accounting of one emulator: what was asked, how it
// was answered. It is safe for concurrent use.
type Ledger struct {
	mu       sync.Mutex
	requests []Request
}

func (l *Ledger) record(r Request) {
	l.mu.Lock()
	l.requests = append(l.requests, r)
	l.mu.Unlock()
}

// Requests returns a copy of every request recorded, in arrival order.
func (l *Ledger) Requests() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Request(nil), l.requests...)
}

// Len returns the number of requests recorded.
func (l *Ledger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.requests)
}

// Count returns how many recorded requests satisfy match (all when nil).
func (l *Ledger) Count(match func(Request) bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.requests {
		if match == nil || match(r) {
			n++
		}
	}
	return n
}

// Reset forgets every request, so a test can measure one phase.
func (l *Ledger) Reset() {
	l.mu.Lock()
	l.requests = nil
	l.mu.Unlock()
}

// Counts returns the number of requests by "ROUTE STATUS[ conditional]".
func (l *Ledger) Counts() map[string]int {
	out := map[string]int{}
	for _, r := range l.Requests() {
		k := fmt.Sprintf("%s %d", r.Route, r.Status)
		if r.Conditional {
			k += " conditional"
		}
		if r.Fault != "" {
			k += " fault=" + r.Fault
		}
		out[k]++
	}
	return out
}

// String renders Counts one per line, sorted: handy in a failing test.
func (l *Ledger) String() string {
	c := l.Counts()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%5d  %s\n", c[k], k)
	}
	return b.String()
}

// Route matches requests served by the pattern (e.g. "GET /api/v2/tickets").
func Route(pattern string) func(Request) bool {
	return func(r Request) bool { return r.Route == pattern }
}

// Writes matches requests that change something: any but GET and HEAD,
// except a GraphQL document that is a query (POST /graphql reads too).
func Writes(r Request) bool {
	if r.Method == "GET" || r.Method == "HEAD" {
		return false
	}
	if r.Route == "POST /graphql" {
		var doc struct{ Query string }
		if json.Unmarshal(r.Body, &doc) == nil {
			q := strings.TrimSpace(doc.Query)
			return strings.HasPrefix(q, "mutation") // "query ..." and "{ ... }" read
		}
	}
	return true
}
