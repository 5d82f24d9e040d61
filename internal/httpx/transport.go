// Package httpx owns the one http.RoundTripper stack every upstream client
// of steward uses (GitHub REST and GraphQL, FreshDesk): one retry and
// backoff policy with the service's own rules plugged in as small
// functions, Retry-After honoured up to a cap, a timeout on every attempt,
// a size cap on every answer, guards for paginated lists, and a bounded
// cache of conditional reads. Every bound that is hit is an error that
// names the service, the request and the bound.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/clock"
)

// Limits are the bounds of one transport. A zero field takes its default.
type Limits struct {
	// Tries bounds the attempts per request (default 6).
	Tries int
	// MaxWait is the longest single wait a service may ask for
	// (Retry-After, a rate-limit reset) that is honoured (default 5
	// minutes). A longer one fails the request at once with a
	// *RetryLaterError saying when to try again: the next run does.
	MaxWait time.Duration
	// Budget bounds the total waiting for one request over all its tries
	// (default 2m30s); only a first wait may exceed it (up to MaxWait), so
	// one honoured Retry-After is never cut short, while repeated limits
	// (a 403 secondary limit, a garbage Retry-After: a minute each) cost
	// two minutes, not five, before the request fails.
	Budget time.Duration
	// AttemptTimeout bounds one attempt, from sending to the last byte of
	// the answer (default 30 seconds). The caller's context is honoured
	// on top of it.
	AttemptTimeout time.Duration
	// MaxBody bounds an answer's body (default 16 MiB: a page of 100
	// issues whose bodies are all at GitHub's 65,536-character limit is
	// about 8 MB; reading up to the cap costs about three times it in
	// heap while buffers grow).
	MaxBody int64
	// MaxPages bounds a paginated list (default 300 pages).
	MaxPages int
}

// The defaults of Limits.
const (
	DefaultTries          = 6
	DefaultMaxWait        = 5 * time.Minute
	DefaultBudget         = 150 * time.Second
	DefaultAttemptTimeout = 30 * time.Second
	DefaultMaxBody        = 16 << 20
	DefaultMaxPages       = 300
)

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.Tries <= 0 {
		l.Tries = DefaultTries
	}
	if l.MaxWait <= 0 {
		l.MaxWait = DefaultMaxWait
	}
	if l.Budget <= 0 {
		l.Budget = DefaultBudget
	}
	if l.AttemptTimeout <= 0 {
		l.AttemptTimeout = DefaultAttemptTimeout
	}
	if l.MaxBody <= 0 {
		l.MaxBody = DefaultMaxBody
	}
	if l.MaxPages <= 0 {
		l.MaxPages = DefaultMaxPages
	}
	return l
}

// Verdict is a service's decision about one answer (or failure to answer).
type Verdict struct {
	// Retry asks for another attempt.
	Retry bool
	// Wait is how long to wait first; zero means the transport's
	// exponential backoff (1s, 2s, 4s, ...).
	Wait time.Duration
	// Limit marks the wait as the service's rate-limit instruction: a
	// wait longer than Limits.MaxWait fails the request now, and a
	// service that keeps refusing is not waited on by later requests.
	Limit bool
	// Why says what happened, for logs and errors ("429 Retry-After: 60").
	Why string
}

// Policy is what differs between services: a name for errors and the
// decisions, as small functions.
type Policy struct {
	// Service names the service in errors and logs ("GitHub").
	Service string
	// Decide judges an answer, or the error in place of one. backoff is
	// the transport's next exponential backoff step. resp's body may be
	// read (it is capped) if Decide puts back what it read.
	Decide func(r *http.Request, resp *http.Response, err error, backoff time.Duration) Verdict
	// Before runs before every attempt (a budget to wait for); an error
	// ends the request.
	Before func(r *http.Request) error
	// After sees every answer (to learn budgets from headers).
	After func(resp *http.Response)
	// OneAtATime marks requests sent one at a time (GitHub asks this of
	// writes).
	OneAtATime func(r *http.Request) bool
	// Spacing, with Spaced, is the least time between the end of one
	// spaced request and the start of the next (GitHub asks integrators to
	// wait at least a second between POST, PATCH, PUT and DELETE
	// requests). Spaced requests are sent one at a time.
	Spacing time.Duration
	Spaced  func(r *http.Request) bool
}

// Transport is the shared retry, timeout and size-cap layer.
type Transport struct {
	// Base carries the requests; nil means http.DefaultTransport.
	Base   http.RoundTripper
	Policy Policy
	Limits Limits
	// Clock does every wait, so tests of long waits take no real time.
	Clock clock.Clock
	Log   *slog.Logger

	serial sync.Mutex
	// lastSpaced is when the last spaced request ended (under serial).
	lastSpaced time.Time

	mu sync.Mutex
	// refusing is set when a request gave up on a service that kept
	// answering with rate limits, and cleared by any answer that is not
	// a limit: meanwhile limits are not waited on, and nothing is sent
	// before holdUntil, so one stuck service costs one request's budget
	// per run, not one per request.
	refusing  bool
	holdUntil time.Time
}

func (t *Transport) base() http.RoundTripper {
	if t.Base == nil {
		return http.DefaultTransport
	}
	return t.Base
}

func (t *Transport) service() string {
	if t.Policy.Service == "" {
		return "upstream"
	}
	return t.Policy.Service
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	spaced := t.Policy.Spacing > 0 && t.Policy.Spaced != nil && t.Policy.Spaced(r)
	if spaced || t.Policy.OneAtATime != nil && t.Policy.OneAtATime(r) {
		t.serial.Lock()
		defer t.serial.Unlock()
	}
	lim := t.Limits.WithDefaults()
	clk := clock.Or(t.Clock)
	ctx := r.Context()
	if spaced {
		if wait := t.lastSpaced.Add(t.Policy.Spacing).Sub(clk.Now()); !t.lastSpaced.IsZero() && wait > 0 {
			if err := clk.Sleep(ctx, wait); err != nil {
				return nil, err
			}
		}
		defer func() { t.lastSpaced = clk.Now() }()
	}
	var spent time.Duration
	backoff := time.Second
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := t.held(r, clk.Now()); err != nil {
			return nil, err
		}
		if t.Policy.Before != nil {
			if err := t.Policy.Before(r); err != nil {
				return nil, err
			}
		}
		resp, err := t.attempt(r, lim)
		if resp != nil && t.Policy.After != nil {
			t.Policy.After(resp)
		}
		v := Verdict{}
		if t.Policy.Decide != nil && ctx.Err() == nil {
			var tooLarge *TooLargeError
			if !errors.As(err, &tooLarge) {
				v = t.Policy.Decide(r, resp, err, backoff)
			}
		}
		if !v.Retry {
			if err == nil {
				t.clear() // an answer that is not a limit: the service is back
			}
			return resp, err
		}
		wait := v.Wait
		if wait <= 0 {
			wait = backoff
		}
		now := clk.Now()
		if v.Limit && wait > lim.MaxWait {
			discard(resp)
			t.refuse(now.Add(wait))
			return nil, &RetryLaterError{Service: t.service(), Method: r.Method, Path: r.URL.Path, Why: v.Why, Wait: wait, Max: lim.MaxWait, At: now.Add(wait)}
		}
		if attempt >= lim.Tries || (spent > 0 && spent+wait > lim.Budget) || (v.Limit && t.isRefusing()) {
			if v.Limit {
				t.refuse(now.Add(wait))
			}
			if t.Log != nil {
				t.Log.Warn("giving up on "+t.service()+" request", "method", r.Method, "path", r.URL.Path, "attempts", attempt, "waited", spent.String(), "reason", v.Why)
			}
			if err != nil {
				return nil, &GaveUpError{Service: t.service(), Method: r.Method, Path: r.URL.Path, Attempts: attempt, Waited: spent, Err: err}
			}
			return resp, nil // the service's own last answer says what is wrong
		}
		discard(resp)
		if t.Log != nil {
			t.Log.Info("retrying "+t.service()+" request", "method", r.Method, "path", r.URL.Path, "attempt", attempt, "wait", wait.String(), "reason", v.Why)
		}
		if err := clk.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		spent += wait
		backoff *= 2
	}
}

// attempt sends r once, with the per-attempt timeout, and caps the answer.
func (t *Transport) attempt(r *http.Request, lim Limits) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(r.Context(), lim.AttemptTimeout)
	req := r.Clone(ctx)
	if r.Body != nil && r.Body != http.NoBody {
		if r.GetBody == nil {
			cancel()
			return nil, fmt.Errorf("%s %s %s: the request body cannot be sent again", t.service(), r.Method, r.URL.Path)
		}
		body, err := r.GetBody()
		if err != nil {
			cancel()
			return nil, err
		}
		req.Body = body
	}
	resp, err := t.base().RoundTrip(req)
	if err != nil {
		cancel()
		if ctx.Err() == context.DeadlineExceeded && r.Context().Err() == nil {
			return nil, &TimeoutError{Service: t.service(), Method: r.Method, Path: r.URL.Path, After: lim.AttemptTimeout}
		}
		return nil, err
	}
	if resp.ContentLength > lim.MaxBody {
		resp.Body.Close()
		cancel()
		return nil, &TooLargeError{Service: t.service(), Method: r.Method, Path: r.URL.Path, Max: lim.MaxBody, Size: resp.ContentLength}
	}
	resp.Body = &cappedBody{rc: resp.Body, left: lim.MaxBody, cancel: cancel, ctx: ctx, parent: r.Context(),
		tooLarge: TooLargeError{Service: t.service(), Method: r.Method, Path: r.URL.Path, Max: lim.MaxBody, Size: -1},
		timeout:  TimeoutError{Service: t.service(), Method: r.Method, Path: r.URL.Path, After: lim.AttemptTimeout}}
	return resp, nil
}

// held fails a request at once while a service that kept refusing asked
// for time that has not passed yet.
func (t *Transport) held(r *http.Request, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.refusing || !now.Before(t.holdUntil) {
		return nil
	}
	return &RetryLaterError{Service: t.service(), Method: r.Method, Path: r.URL.Path, Why: "it kept refusing earlier requests with rate limits", Wait: t.holdUntil.Sub(now), At: t.holdUntil}
}

func (t *Transport) refuse(until time.Time) {
	t.mu.Lock()
	t.refusing = true
	if until.After(t.holdUntil) {
		t.holdUntil = until
	}
	t.mu.Unlock()
}

func (t *Transport) isRefusing() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.refusing
}

func (t *Transport) clear() {
	t.mu.Lock()
	t.refusing, t.holdUntil = false, time.Time{}
	t.mu.Unlock()
}

// discard drains a little of an answer that is not used, so the
// connection can be reused, and closes it.
func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// cappedBody ends an answer with an error past its size cap, turns the
// attempt's deadline into a *TimeoutError, and releases the attempt's
// context when closed.
type cappedBody struct {
	rc       io.ReadCloser
	left     int64
	cancel   context.CancelFunc
	ctx      context.Context
	parent   context.Context
	tooLarge TooLargeError
	timeout  TimeoutError
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, &b.tooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n - 1, &b.tooLarge // one byte past the cap: too large
	}
	if err != nil && err != io.EOF && b.ctx.Err() == context.DeadlineExceeded && b.parent.Err() == nil {
		return n, &b.timeout
	}
	return n, err
}

func (b *cappedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
