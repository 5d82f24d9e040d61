package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Probe is one way an upstream can be broken or hostile, as the hostile
// emulator plays it on every request.
type Probe string

// The probes of Hostile.
const (
	// RetryAfterHuge answers 429 with Retry-After: 99999 (27.8 hours).
	RetryAfterHuge Probe = "retry-after-99999"
	// RetryAfterGarbage answers 429 with a Retry-After that is no number.
	RetryAfterGarbage Probe = "retry-after-garbage"
	// SecondaryLimit403 answers 403 with GitHub's secondary rate-limit
	// message and Retry-After: 60, forever.
	SecondaryLimit403 Probe = "secondary-limit-403"
	// LoopingNext answers an empty list whose Link rel=next names the
	// page asked for again (for a first page, page 2; for page 2, page 2).
	LoopingNext Probe = "looping-next"
	// EndlessNext answers an empty list whose next link is always one
	// page further.
	EndlessNext Probe = "endless-next"
	// NoAnswer accepts the request and never answers, until the client
	// goes away.
	NoAnswer Probe = "no-answer"
	// HugeBody answers 200 with a 100 MB JSON body, sent in chunks
	// without announcing its length.
	HugeBody Probe = "100mb-body"
)

// HugeBodySize is the size of a HugeBody answer.
const HugeBodySize = 100 << 20

// Hostile is an upstream that answers every request with one probe. It
// counts the requests it got and the body bytes it managed to send, so a
// test can tell how much a client read before giving up.
type Hostile struct {
	Probe    Probe
	requests atomic.Int64
	sent     atomic.Int64
}

// Requests is the number of requests received.
func (h *Hostile) Requests() int64 { return h.requests.Load() }

// BytesSent is the number of body bytes the client accepted.
func (h *Hostile) BytesSent() int64 { return h.sent.Load() }

// ServeHTTP answers r with the probe.
func (h *Hostile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.requests.Add(1)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch h.Probe {
	case RetryAfterHuge:
		w.Header().Set("Retry-After", "99999")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message":"You have exceeded the limit of requests per minute."}`)
	case RetryAfterGarbage:
		w.Header().Set("Retry-After", "soon, maybe")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message":"Too many requests."}`)
	case SecondaryLimit403:
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":%q}`, secondaryDoc)
	case LoopingNext, EndlessNext:
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		next := max(page, 2)
		if h.Probe == EndlessNext {
			next = max(page, 1) + 1
		}
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(next))
		u := *r.URL
		u.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s>; rel="next"`, r.Host, u.RequestURI()))
		fmt.Fprint(w, "[]")
	case NoAnswer:
		<-r.Context().Done()
	case HugeBody:
		w.WriteHeader(http.StatusOK)
		chunk := []byte(strings.Repeat("a", 64<<10))
		n, _ := w.Write([]byte(`{"title":"`))
		h.sent.Add(int64(n))
		for h.sent.Load() < HugeBodySize {
			n, err := w.Write(chunk)
			h.sent.Add(int64(n))
			if err != nil {
				return
			}
		}
		w.Write([]byte(`"}`))
	default:
		http.Error(w, "unknown probe "+string(h.Probe), http.StatusInternalServerError)
	}
}

// Blackhole is an upstream that accepts connections and never reads or
// answers them, as a GitHub behind a broken load balancer does: a client
// waits for its own timeout. It returns the base URL and a function that
// closes the listener and every connection it accepted.
func Blackhole() (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return "http://" + ln.Addr().String() + "/", func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}, nil
}
