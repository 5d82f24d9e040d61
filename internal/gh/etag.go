package gh

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/httputil"
	"sync"
)

// ETagTransport makes every repeated GET conditional: it remembers each
// answer's ETag and body by URL and credentials, sends If-None-Match, and
// turns a 304 back into the remembered answer. GitHub does not count a 304
// against the rate limit, so a steady-state run that reads what it read
// before costs nothing.
type ETagTransport struct {
	// Base carries the requests; nil means http.DefaultTransport.
	Base http.RoundTripper

	mu      sync.Mutex
	entries map[string]etagEntry
}

type etagEntry struct {
	etag     string
	response []byte // the whole 200 answer, as httputil.DumpResponse writes it
}

func (t *ETagTransport) base() http.RoundTripper {
	if t.Base == nil {
		return http.DefaultTransport
	}
	return t.Base
}

func cacheKey(r *http.Request) string {
	// Different credentials may see different answers.
	return r.Header.Get("Authorization") + " " + r.Header.Get("Accept") + " " + r.URL.String()
}

// RoundTrip implements http.RoundTripper.
func (t *ETagTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet || r.Header.Get("If-None-Match") != "" {
		return t.base().RoundTrip(r)
	}
	key := cacheKey(r)
	t.mu.Lock()
	e, ok := t.entries[key]
	t.mu.Unlock()
	if ok {
		r = r.Clone(r.Context())
		r.Header.Set("If-None-Match", e.etag)
	}
	resp, err := t.base().RoundTrip(r)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && ok:
		cached, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(e.response)), r)
		if err != nil {
			return resp, nil
		}
		resp.Body.Close()
		// Fresh rate-limit headers, remembered body.
		for k, v := range resp.Header {
			cached.Header[k] = v
		}
		cached.Header.Set("X-From-Cache", "1")
		return cached, nil
	case resp.StatusCode == http.StatusOK && resp.Header.Get("ETag") != "":
		dump, err := httputil.DumpResponse(resp, true)
		if err != nil {
			return nil, err
		}
		t.mu.Lock()
		if t.entries == nil {
			t.entries = map[string]etagEntry{}
		}
		t.entries[key] = etagEntry{etag: resp.Header.Get("ETag"), response: dump}
		t.mu.Unlock()
	}
	return resp, nil
}
