package gh

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
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
	// Dir, when set, keeps the remembered answers on disk too, so that a
	// scheduled run starts where the last one stopped. Losing it costs
	// requests, never correctness.
	Dir string

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
	// One transport serves one identity (authentication sits below it), so
	// the key need not hold a token that rotates every hour.
	return r.Header.Get("Authorization") + " " + r.Header.Get("Accept") + " " + r.URL.String()
}

// RoundTrip implements http.RoundTripper.
func (t *ETagTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet || r.Header.Get("If-None-Match") != "" {
		return t.base().RoundTrip(r)
	}
	key := cacheKey(r)
	e, ok := t.lookup(key)
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
		t.store(key, etagEntry{etag: resp.Header.Get("ETag"), response: dump})
	}
	return resp, nil
}

func (t *ETagTransport) lookup(key string) (etagEntry, bool) {
	t.mu.Lock()
	e, ok := t.entries[key]
	t.mu.Unlock()
	if ok || t.Dir == "" {
		return e, ok
	}
	data, err := os.ReadFile(t.path(key))
	if err != nil {
		return etagEntry{}, false
	}
	etag, dump, found := bytes.Cut(data, []byte("\n"))
	if !found {
		return etagEntry{}, false
	}
	e = etagEntry{etag: string(etag), response: dump}
	t.mu.Lock()
	if t.entries == nil {
		t.entries = map[string]etagEntry{}
	}
	t.entries[key] = e
	t.mu.Unlock()
	return e, true
}

func (t *ETagTransport) store(key string, e etagEntry) {
	t.mu.Lock()
	if t.entries == nil {
		t.entries = map[string]etagEntry{}
	}
	t.entries[key] = e
	t.mu.Unlock()
	if t.Dir == "" {
		return
	}
	// Written whole then renamed, so a reader never sees half an entry.
	if err := os.MkdirAll(t.Dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(t.Dir, ".etag-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(append(append([]byte(e.etag), '\n'), e.response...))
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return
	}
	os.Rename(tmp.Name(), t.path(key))
}

func (t *ETagTransport) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(t.Dir, hex.EncodeToString(sum[:]))
}
