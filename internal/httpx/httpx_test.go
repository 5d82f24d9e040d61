package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/httpx"
	"github.com/support-steward/steward/internal/sandbox"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func TestRetryAfterReadsSecondsAndDatesAndRefusesGarbage(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"60", time.Minute, true},
		{" 0 ", 0, true},
		{"99999", 99999 * time.Second, true},
		{"Mon, 02 Nov 2026 09:02:00 GMT", 2 * time.Minute, true},
		{"Mon, 02 Nov 2026 08:00:00 GMT", 0, true}, // a date passed: go now
		{"", 0, false},
		{"soon", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"99999999999999999999999", 0, false},
	} {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Retry-After", tt.header)
		}
		got, ok := httpx.RetryAfter(h, t0)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Retry-After %q: %s %v, want %s %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

// flaky answers with the statuses in turn, then 200.
type flaky struct {
	statuses []int
	n        atomic.Int32
}

func (f *flaky) RoundTrip(r *http.Request) (*http.Response, error) {
	i := int(f.n.Add(1)) - 1
	code := 200
	if i < len(f.statuses) {
		code = f.statuses[i]
	}
	if code == 0 {
		return nil, errors.New("connection reset")
	}
	return &http.Response{StatusCode: code, Header: http.Header{"Retry-After": {"10"}}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

func retryAll(r *http.Request, resp *http.Response, err error, backoff time.Duration) httpx.Verdict {
	if err != nil || resp.StatusCode >= 500 {
		return httpx.Verdict{Retry: true, Why: "server"}
	}
	if resp.StatusCode == 429 {
		d, _ := httpx.RetryAfter(resp.Header, t0)
		return httpx.Verdict{Retry: true, Limit: true, Wait: d, Why: "429"}
	}
	return httpx.Verdict{}
}

func get(t *testing.T, rt http.RoundTripper) (*http.Response, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://upstream.test/x", nil)
	return rt.RoundTrip(req)
}

func TestRetriesWithBackoffAndRetryAfterOnTheClock(t *testing.T) {
	base := &flaky{statuses: []int{500, 0, 429, 502}}
	clock := sandbox.NewManualClock(t0)
	tr := &httpx.Transport{Base: base, Clock: clock, Policy: httpx.Policy{Service: "Test", Decide: retryAll}}
	resp, err := get(t, tr)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	// 1s and 2s of backoff, 10s asked for, then 8s of backoff.
	if clock.Slept() != 21*time.Second || base.n.Load() != 5 {
		t.Errorf("slept %s over %d attempts", clock.Slept(), base.n.Load())
	}
}

func TestTriesAreBounded(t *testing.T) {
	base := &flaky{statuses: []int{500, 500, 500, 500, 500}}
	tr := &httpx.Transport{Base: base, Clock: sandbox.NewManualClock(t0), Policy: httpx.Policy{Decide: retryAll}, Limits: httpx.Limits{Tries: 3}}
	resp, err := get(t, tr)
	if err != nil || resp.StatusCode != 500 || base.n.Load() != 3 {
		t.Errorf("after 3 tries: %v %v, %d attempts", resp, err, base.n.Load())
	}
	base = &flaky{statuses: []int{0, 0, 0}}
	tr = &httpx.Transport{Base: base, Clock: sandbox.NewManualClock(t0), Policy: httpx.Policy{Service: "Test", Decide: retryAll}, Limits: httpx.Limits{Tries: 3}}
	var gave *httpx.GaveUpError
	if _, err := get(t, tr); !errors.As(err, &gave) || !strings.Contains(err.Error(), "Test GET /x: gave up after 3 attempts and 3s of waiting: connection reset") {
		t.Errorf("dropped every time: %v", err)
	}
}

func TestTheCallersContextEndsTheWait(t *testing.T) {
	tr := &httpx.Transport{Base: &flaky{statuses: []int{500, 500}}, Policy: httpx.Policy{Decide: retryAll}} // the real clock
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://upstream.test/x", nil)
	start := time.Now()
	if _, err := tr.RoundTrip(req); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("%v after %s", err, time.Since(start))
	}
}

func TestAnAnnouncedOversizeAnswerIsNotReadAtAll(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(100<<20))
		chunk := make([]byte, 1<<20)
		for range 100 {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	tr := &httpx.Transport{Policy: httpx.Policy{Service: "Test"}}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/big", nil)
	_, err := tr.RoundTrip(req)
	var tl *httpx.TooLargeError
	if !errors.As(err, &tl) || err.Error() != "Test GET /big: the answer is 100 MiB, more than the 16 MiB steward reads" {
		t.Errorf("%v", err)
	}
}

func TestACappedBodyReadsExactlyTheCap(t *testing.T) {
	for _, size := range []int{1000, 1001} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.(http.Flusher).Flush() // no Content-Length: chunked
			w.Write(make([]byte, size))
		}))
		tr := &httpx.Transport{Policy: httpx.Policy{Service: "Test"}, Limits: httpx.Limits{MaxBody: 1000}}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if size == 1000 && (err != nil || len(b) != 1000) {
			t.Errorf("a body at the cap: %d bytes, %v", len(b), err)
		}
		if size == 1001 && (err == nil || len(b) != 1000 || !strings.Contains(err.Error(), "larger than the 1000 bytes")) {
			t.Errorf("a body past the cap: %d bytes, %v", len(b), err)
		}
	}
}

func TestPagerStopsOnARepeatOrTheCap(t *testing.T) {
	p := httpx.Pager{Service: "Test", What: "things", Max: 3}
	for _, l := range []string{"a", "b"} {
		if err := p.Next(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Next("a"); err == nil || err.Error() != "Test: listing things: page 2's next link a was already read; stopping a list that loops" {
		t.Errorf("repeat: %v", err)
	}
	p.Next("c")
	if err := p.Next("d"); err == nil || !strings.Contains(err.Error(), "more than 3 pages") {
		t.Errorf("cap: %v", err)
	}
}

func TestTheETagCacheIsBounded(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag := `"` + r.URL.Path + `"`
		if r.Header.Get("If-None-Match") == etag {
			hits.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		fmt.Fprint(w, strings.Repeat("x", 1000))
	}))
	defer srv.Close()
	cache := &httpx.ETagCache{MaxEntries: 10, MaxBytes: 1 << 20}
	c := &http.Client{Transport: cache}
	read := func(i int) string {
		resp, err := c.Get(fmt.Sprintf("%s/%d", srv.URL, i))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for i := range 100 {
		read(i)
	}
	if n, b := cache.Len(); n != 10 || b > 20_000 {
		t.Errorf("the cache holds %d answers, %d bytes, after 100 different reads; want 10", n, b)
	}
	if got := read(95); len(got) != 1000 || hits.Load() != 1 {
		t.Errorf("a recent answer was not served from the cache: %d bytes, %d 304s", len(got), hits.Load())
	}
	read(3) // long gone: a full read
	if hits.Load() != 1 {
		t.Errorf("an evicted answer came back")
	}
	small := &httpx.ETagCache{MaxBytes: 3000}
	c = &http.Client{Transport: small}
	read(1)
	if n, _ := small.Len(); n != 0 {
		t.Errorf("an answer over a quarter of the byte cap was kept")
	}
}

// switchable answers 429 Retry-After: 10 while limited, else 200.
type switchable struct {
	limited atomic.Bool
	n       atomic.Int32
}

func (s *switchable) RoundTrip(r *http.Request) (*http.Response, error) {
	s.n.Add(1)
	code := 200
	if s.limited.Load() {
		code = 429
	}
	return &http.Response{StatusCode: code, Header: http.Header{"Retry-After": {"10"}}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

func TestAServiceThatKeepsRefusingIsNotWaitedOnAgain(t *testing.T) {
	up := &switchable{}
	up.limited.Store(true)
	clock := sandbox.NewManualClock(t0)
	tr := &httpx.Transport{Base: up, Clock: clock, Policy: httpx.Policy{Service: "Test", Decide: retryAll}, Limits: httpx.Limits{Tries: 4}}
	// The first request waits 3 × 10s and gives up with the service's answer.
	if resp, err := get(t, tr); err != nil || resp.StatusCode != 429 || up.n.Load() != 4 || clock.Slept() != 30*time.Second {
		t.Fatalf("first: %v %v, %d attempts, slept %s", resp, err, up.n.Load(), clock.Slept())
	}
	// Within the 10s the service asked for, nothing is sent.
	var later *httpx.RetryLaterError
	if _, err := get(t, tr); !errors.As(err, &later) || up.n.Load() != 4 {
		t.Fatalf("held: %v, %d attempts", err, up.n.Load())
	}
	// After it, one attempt, no waiting.
	clock.Advance(10 * time.Second)
	if resp, err := get(t, tr); err != nil || resp.StatusCode != 429 || up.n.Load() != 5 || clock.Slept() != 30*time.Second {
		t.Fatalf("probe: %v %v, %d attempts, slept %s", resp, err, up.n.Load(), clock.Slept())
	}
	// The service is back: an answer clears the state, and limits are
	// waited on again.
	clock.Advance(10 * time.Second)
	up.limited.Store(false)
	if resp, err := get(t, tr); err != nil || resp.StatusCode != 200 {
		t.Fatalf("back: %v %v", resp, err)
	}
	up.limited.Store(true)
	get(t, tr)
	if clock.Slept() != 60*time.Second {
		t.Errorf("after recovery a limit was not waited on: slept %s", clock.Slept())
	}
}

// The answers kept on disk share STEWARD_CACHE_DIR with other stores (the
// kept issue lists, the health report's files): pruning keeps the
// entries within bounds and never touches a file that is not one.
func TestPruningLeavesOtherStoresFilesAlone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"`+r.URL.Path+`"`)
		fmt.Fprint(w, "x")
	}))
	defer srv.Close()
	dir := t.TempDir()
	others := []string{"health-report.json", "health-replies.json", "issues-0123456789abcdef.json"}
	old := time.Now().Add(-time.Hour)
	for _, name := range others {
		os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o600)
		os.Chtimes(filepath.Join(dir, name), old, old)
	}
	c := &http.Client{Transport: &httpx.ETagCache{Dir: dir, MaxEntries: 5, MaxBytes: 1 << 20}}
	for i := range 130 { // pruning runs every 64 stores
		resp, err := c.Get(fmt.Sprintf("%s/%d", srv.URL, i))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, e := range entries {
		if !slices.Contains(others, e.Name()) {
			n++
		}
	}
	if n > 5+63 {
		t.Errorf("%d entries on disk, bounds 5 (plus the stores since the last prune)", n)
	}
	for _, name := range others {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("pruning removed %s", name)
		}
	}
}
