package httpx

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110). ok is false when the header is absent or garbage (not a
// number, negative, a date that does not parse); the caller then uses its
// own rule rather than a number it cannot trust.
func RetryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(1<<62/time.Second) {
			s = int64(1 << 62 / time.Second) // absurd, but still "longer than any cap"
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Idempotent reports whether a request may be sent again after its answer
// was lost: everything but POST (a create whose answer was lost may have
// happened).
func Idempotent(method string) bool { return method != http.MethodPost }

// Peek reads up to n bytes of an answer and puts them back, so the body
// reads whole afterwards and closing it still releases the connection.
func Peek(resp *http.Response, n int64) ([]byte, error) {
	if resp == nil || resp.Body == nil {
		return nil, nil
	}
	buf, err := io.ReadAll(io.LimitReader(resp.Body, n))
	var rest io.Reader = resp.Body
	if err != nil {
		rest = errReader{err}
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(buf), rest), resp.Body}
	return buf, err
}

// errReader replays an error met while peeking, after the peeked bytes.
type errReader struct{ err error }

func (e errReader) Read(p []byte) (int, error) { return 0, e.err }

// Pager guards a paginated list: a next link already read, or more pages
// than the cap, ends the list with a *PaginationError.
type Pager struct {
	Service string
	// What names the list in the error ("issues of acme/support").
	What string
	// Max is the most pages read (default DefaultMaxPages).
	Max   int
	seen  map[string]bool
	pages int
}

// Next records that the page behind link is about to be read.
func (p *Pager) Next(link string) error {
	max := p.Max
	if max <= 0 {
		max = DefaultMaxPages
	}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if p.seen[link] {
		return &PaginationError{Service: p.Service, What: p.What, Pages: p.pages, Repeated: link, Max: max}
	}
	if p.pages >= max {
		return &PaginationError{Service: p.Service, What: p.What, Pages: p.pages, Max: max}
	}
	p.seen[link] = true
	p.pages++
	return nil
}
