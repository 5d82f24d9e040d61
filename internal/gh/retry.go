package gh

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/clock"
)

// RetryTransport applies GitHub's rate-limit policy (api-facts.md): on a
// limit, wait Retry-After if present; else, with X-RateLimit-Remaining at 0,
// wait until X-RateLimit-Reset; else wait a minute; then back off
// exponentially, a bounded number of times. Server errors and dropped
// connections are retried for requests that are safe to repeat. Writes go
// one at a time, as GitHub asks of integrations.
type RetryTransport struct {
	Base  http.RoundTripper
	Clock clock.Clock
	// Tries bounds the attempts per request (default 6).
	Tries int
	// MaxWait bounds one wait (default 15 minutes); a limit that resets
	// later is returned to the caller as is.
	MaxWait time.Duration
	Log     *slog.Logger

	writes sync.Mutex
}

func (t *RetryTransport) clock() clock.Clock { return clock.Or(t.Clock) }

// idempotent requests may be sent again after an answer was lost. POST is
// not: a create whose answer was lost may have happened.
func idempotent(method string) bool {
	return method != http.MethodPost
}

// RoundTrip implements http.RoundTripper.
func (t *RetryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		t.writes.Lock()
		defer t.writes.Unlock()
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	tries := t.Tries
	if tries <= 0 {
		tries = 6
	}
	maxWait := t.MaxWait
	if maxWait <= 0 {
		maxWait = 15 * time.Minute
	}
	backoff := time.Second
	for attempt := 1; ; attempt++ {
		req := r
		if attempt > 1 && r.Body != nil && r.Body != http.NoBody {
			if r.GetBody == nil {
				return nil, errors.New("gh: cannot resend a request whose body cannot be replayed")
			}
			body, err := r.GetBody()
			if err != nil {
				return nil, err
			}
			req = r.Clone(r.Context())
			req.Body = body
		}
		resp, err := base.RoundTrip(req)
		wait, retry := t.decide(r, resp, err, backoff)
		if !retry || attempt >= tries || wait > maxWait {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
		}
		if t.Log != nil {
			t.Log.Info("retrying GitHub request", "method", r.Method, "path", r.URL.Path, "attempt", attempt, "wait", wait.String(), "reason", reason(resp, err))
		}
		if err := t.clock().Sleep(r.Context(), wait); err != nil {
			return nil, err
		}
		backoff *= 2
	}
}

func reason(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return resp.Status
}

// decide returns how long to wait before trying again, and whether to.
func (t *RetryTransport) decide(r *http.Request, resp *http.Response, err error, backoff time.Duration) (time.Duration, bool) {
	if err != nil {
		if r.Context().Err() != nil {
			return 0, false
		}
		return backoff, idempotent(r.Method)
	}
	switch {
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests:
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			if s, err := strconv.Atoi(ra); err == nil {
				return max(time.Duration(s)*time.Second, backoff), true
			}
		}
		if resp.Header.Get("X-RateLimit-Remaining") == "0" {
			if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
				return max(time.Unix(reset, 0).Sub(t.clock().Now())+time.Second, backoff), true
			}
		}
		if resp.StatusCode == http.StatusTooManyRequests || secondaryLimit(resp) {
			return max(time.Minute, backoff), true
		}
		return 0, false // a plain permission error
	case resp.StatusCode >= 500:
		return backoff, idempotent(r.Method)
	}
	return 0, false
}

// secondaryLimit recognises a 403 that is a secondary rate limit by its
// documentation link, without consuming the body.
func secondaryLimit(resp *http.Response) bool {
	if resp.Body == nil {
		return false
	}
	buf, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(buf))
	lower := bytes.ToLower(buf)
	return err == nil && (bytes.Contains(lower, []byte("secondary rate limit")) || bytes.Contains(lower, []byte("secondary-rate-limits")))
}
