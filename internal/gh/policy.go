package gh

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/clock"
	"github.com/support-steward/steward/internal/httpx"
)

// policy is GitHub's rate-limit rules (api-facts.md) for the shared
// transport: on a limit, wait Retry-After if present; else, with
// X-RateLimit-Remaining at 0, wait until X-RateLimit-Reset; else wait at
// least a minute, backing off exponentially. GraphQL answers a limit with
// 200 and a RATE_LIMITED error, waited out the same way. Server errors and
// dropped connections are retried for requests that are safe to repeat.
// Writes (and GraphQL, which is POST) go one at a time, as GitHub asks of
// integrations.
func policy(clk clock.Clock) httpx.Policy {
	return httpx.Policy{
		Service: "GitHub",
		Decide: func(r *http.Request, resp *http.Response, err error, backoff time.Duration) httpx.Verdict {
			return decide(clk.Now(), r, resp, err, backoff)
		},
		OneAtATime: func(r *http.Request) bool { return r.Method != http.MethodGet && r.Method != http.MethodHead },
		// REST writes a second apart, as GitHub's best practices for the
		// REST API ask; the board's mutation documents are spaced where
		// they are sent (board.go), and GraphQL reads are not writes.
		Spacing: time.Second,
		Spaced: func(r *http.Request) bool {
			return r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasSuffix(r.URL.Path, "/graphql")
		},
	}
}

func decide(now time.Time, r *http.Request, resp *http.Response, err error, backoff time.Duration) httpx.Verdict {
	if err != nil {
		return httpx.Verdict{Retry: httpx.Idempotent(r.Method), Why: err.Error()}
	}
	switch code := resp.StatusCode; {
	case code == http.StatusForbidden || code == http.StatusTooManyRequests:
		if d, ok := httpx.RetryAfter(resp.Header, now); ok {
			return httpx.Verdict{Retry: true, Limit: true, Wait: max(d, time.Second), Why: fmt.Sprintf("%d Retry-After: %s", code, resp.Header.Get("Retry-After"))}
		}
		if w, ok := untilReset(now, resp.Header); ok {
			return httpx.Verdict{Retry: true, Limit: true, Wait: w, Why: fmt.Sprintf("%d primary rate limit, resets at %s", code, resp.Header.Get("X-RateLimit-Reset"))}
		}
		if code == http.StatusTooManyRequests || secondaryLimit(resp) {
			return httpx.Verdict{Retry: true, Limit: true, Wait: max(time.Minute, backoff), Why: fmt.Sprintf("%d secondary rate limit", code)}
		}
		return httpx.Verdict{} // a plain permission error
	case code >= 500:
		return httpx.Verdict{Retry: httpx.Idempotent(r.Method), Why: resp.Status}
	case code == http.StatusOK && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/graphql"):
		if graphQLRateLimited(resp) {
			w, ok := untilReset(now, resp.Header)
			if !ok {
				w = max(time.Minute, backoff)
			}
			return httpx.Verdict{Retry: true, Limit: true, Wait: w, Why: "GraphQL RATE_LIMITED"}
		}
	}
	return httpx.Verdict{}
}

// untilReset is the wait until X-RateLimit-Reset when the budget is spent.
func untilReset(now time.Time, h http.Header) (time.Duration, bool) {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return 0, false
	}
	reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || reset < 0 {
		return 0, false
	}
	return max(time.Unix(reset, 0).Sub(now)+time.Second, time.Second), true
}

// secondaryLimit recognises a 403 that is a secondary rate limit by its
// documentation link, without consuming the body.
func secondaryLimit(resp *http.Response) bool {
	buf, err := httpx.Peek(resp, 64<<10)
	lower := bytes.ToLower(buf)
	return err == nil && (bytes.Contains(lower, []byte("secondary rate limit")) || bytes.Contains(lower, []byte("secondary-rate-limits")))
}

// graphQLRateLimited reads a GraphQL answer (within the transport's size
// cap) and puts it back, to see a RATE_LIMITED error.
func graphQLRateLimited(resp *http.Response) bool {
	buf, err := httpx.Peek(resp, httpx.DefaultMaxBody)
	if err != nil || !bytes.Contains(buf, []byte("RATE_LIMITED")) {
		return false
	}
	var answer struct {
		Errors []struct {
			Type string `json:"type"`
		} `json:"errors"`
	}
	return json.Unmarshal(buf, &answer) == nil && len(answer.Errors) > 0 && answer.Errors[0].Type == "RATE_LIMITED"
}
