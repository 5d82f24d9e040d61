package httpx

import (
	"fmt"
	"time"
)

// RetryLaterError is a request failed now because the service asked for a
// wait longer than steward's cap, or kept refusing: the step fails and the
// next run tries again, after At.
type RetryLaterError struct {
	Service, Method, Path string
	Why                   string
	Wait                  time.Duration // what the service asked for
	Max                   time.Duration // the cap; 0 when refused without asking
	At                    time.Time     // when to try again
}

func (e *RetryLaterError) Error() string {
	s := fmt.Sprintf("%s %s %s: rate limited (%s): ", e.Service, e.Method, e.Path, e.Why)
	if e.Max > 0 {
		s += fmt.Sprintf("asked to wait %s, more than the %s steward waits; ", e.Wait.Round(time.Second), e.Max)
	}
	return s + fmt.Sprintf("the step fails now; retry after %s (the next run does)", e.At.UTC().Format(time.RFC3339))
}

// TimeoutError is an attempt that got no (whole) answer in time.
type TimeoutError struct {
	Service, Method, Path string
	After                 time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s %s %s: no answer within %s", e.Service, e.Method, e.Path, e.After)
}

// Timeout reports true, as net.Error does.
func (e *TimeoutError) Timeout() bool { return true }

// TooLargeError is an answer bigger than the cap; it is not read past it.
type TooLargeError struct {
	Service, Method, Path string
	Max                   int64
	// Size is the announced Content-Length, or -1 when the body ran past
	// the cap without announcing its size.
	Size int64
}

func (e *TooLargeError) Error() string {
	if e.Size >= 0 {
		return fmt.Sprintf("%s %s %s: the answer is %s, more than the %s steward reads", e.Service, e.Method, e.Path, bytesText(e.Size), bytesText(e.Max))
	}
	return fmt.Sprintf("%s %s %s: the answer is larger than the %s steward reads", e.Service, e.Method, e.Path, bytesText(e.Max))
}

// GaveUpError is a request that failed without an answer on every try, or
// until its waiting budget ran out.
type GaveUpError struct {
	Service, Method, Path string
	Attempts              int
	Waited                time.Duration
	Err                   error
}

func (e *GaveUpError) Error() string {
	return fmt.Sprintf("%s %s %s: gave up after %d attempts and %s of waiting: %v", e.Service, e.Method, e.Path, e.Attempts, e.Waited, e.Err)
}

func (e *GaveUpError) Unwrap() error { return e.Err }

// PaginationError is a list whose next links repeat or never end.
type PaginationError struct {
	Service, What string
	Pages         int
	Repeated      string // the link seen before, or ""
	Max           int
}

func (e *PaginationError) Error() string {
	if e.Repeated != "" {
		return fmt.Sprintf("%s: listing %s: page %d's next link %s was already read; stopping a list that loops", e.Service, e.What, e.Pages, e.Repeated)
	}
	return fmt.Sprintf("%s: listing %s: more than %d pages; stopping (the cap guards against a next link that never ends)", e.Service, e.What, e.Max)
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
