package httpx

import (
	"bufio"
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/support-steward/steward/internal/cachedir"
)

// The defaults of ETagCache's bounds.
const (
	DefaultCacheEntries = 2048
	DefaultCacheBytes   = 64 << 20
)

// ETagCache makes every repeated GET conditional: it remembers each
// answer's ETag and body by URL, sends If-None-Match, and turns a 304 back
// into the remembered answer. GitHub does not count a 304 against the rate
// limit, so a steady-state run that reads what it read before costs
// nothing. What it remembers is bounded: the least recently used answers
// go first when it holds more than MaxEntries answers or MaxBytes bytes,
// and an answer larger than a quarter of MaxBytes is not kept.
type ETagCache struct {
	// Base carries the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Dir, when set, keeps the remembered answers on disk too (as many as
	// in memory), so that a scheduled run starts where the last one
	// stopped. Losing it costs requests, never correctness.
	Dir string
	// MaxEntries and MaxBytes bound what is remembered (defaults 2,048
	// answers and 64 MiB).
	MaxEntries int
	MaxBytes   int64

	mu     sync.Mutex
	lru    *list.List // of *etagEntry, most recent first
	byKey  map[string]*list.Element
	bytes  int64
	stored int // disk writes since the directory was last pruned
}

type etagEntry struct {
	key      string
	etag     string
	response []byte // the whole 200 answer, as httputil.DumpResponse writes it
}

func (e *etagEntry) size() int64 { return int64(len(e.key) + len(e.etag) + len(e.response)) }

func (t *ETagCache) base() http.RoundTripper {
	if t.Base == nil {
		return http.DefaultTransport
	}
	return t.Base
}

func (t *ETagCache) limits() (int, int64) {
	n, b := t.MaxEntries, t.MaxBytes
	if n <= 0 {
		n = DefaultCacheEntries
	}
	if b <= 0 {
		b = DefaultCacheBytes
	}
	return n, b
}

func cacheKey(r *http.Request) string {
	// One transport serves one identity (authentication sits below it), so
	// the key need not hold a token that rotates every hour.
	return r.Header.Get("Authorization") + " " + r.Header.Get("Accept") + " " + r.URL.String()
}

// RoundTrip implements http.RoundTripper.
func (t *ETagCache) RoundTrip(r *http.Request) (*http.Response, error) {
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
		_, maxBytes := t.limits()
		if resp.ContentLength > maxBytes/4 {
			return resp, nil // too big to keep: passed on unread
		}
		dump, err := httputil.DumpResponse(resp, true)
		if err != nil {
			return nil, err
		}
		t.store(&etagEntry{key: key, etag: resp.Header.Get("ETag"), response: dump})
	}
	return resp, nil
}

// Len returns the number of answers held in memory, and their bytes.
func (t *ETagCache) Len() (int, int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lru == nil {
		return 0, 0
	}
	return t.lru.Len(), t.bytes
}

func (t *ETagCache) lookup(key string) (*etagEntry, bool) {
	t.mu.Lock()
	if el, ok := t.byKey[key]; ok {
		t.lru.MoveToFront(el)
		t.mu.Unlock()
		return el.Value.(*etagEntry), true
	}
	t.mu.Unlock()
	if t.Dir == "" {
		return nil, false
	}
	_, maxBytes := t.limits()
	data, err := cachedir.Read(t.path(key), maxBytes/4) // remember keeps none bigger
	if err != nil {
		return nil, false
	}
	etag, dump, found := bytes.Cut(data, []byte("\n"))
	if !found {
		return nil, false
	}
	e := &etagEntry{key: key, etag: string(etag), response: dump}
	t.remember(e)
	return e, true
}

// remember puts e first in memory and drops the least recently used
// answers beyond the bounds. It reports false when e is too big to keep.
func (t *ETagCache) remember(e *etagEntry) bool {
	maxEntries, maxBytes := t.limits()
	if e.size() > maxBytes/4 {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lru == nil {
		t.lru, t.byKey = list.New(), map[string]*list.Element{}
	}
	if old, ok := t.byKey[e.key]; ok {
		t.bytes -= old.Value.(*etagEntry).size()
		t.lru.Remove(old)
	}
	t.byKey[e.key] = t.lru.PushFront(e)
	t.bytes += e.size()
	for t.lru.Len() > maxEntries || t.bytes > maxBytes {
		last := t.lru.Back()
		old := last.Value.(*etagEntry)
		t.lru.Remove(last)
		delete(t.byKey, old.key)
		t.bytes -= old.size()
	}
	return true
}

func (t *ETagCache) store(e *etagEntry) {
	if !t.remember(e) || t.Dir == "" {
		return
	}
	if cachedir.Write(t.Dir, filepath.Base(t.path(e.key)), append(append([]byte(e.etag), '\n'), e.response...)) != nil {
		return
	}
	t.mu.Lock()
	t.stored++
	prune := t.stored >= 64
	if prune {
		t.stored = 0
	}
	t.mu.Unlock()
	if prune {
		t.prune()
	}
}

// prune keeps its entries in the directory within the same bounds as
// memory, by age. The directory is STEWARD_CACHE_DIR, which holds other
// stores' files too (the kept issue lists, the health report's): only
// entries, named by path, are counted and removed.
func (t *ETagCache) prune() {
	maxEntries, maxBytes := t.limits()
	dir, err := os.ReadDir(t.Dir)
	if err != nil {
		return
	}
	type file struct {
		name string
		size int64
		mod  int64
	}
	var files []file
	for _, d := range dir {
		info, err := d.Info()
		if err != nil || d.IsDir() || !isEntryName(d.Name()) {
			continue
		}
		files = append(files, file{d.Name(), info.Size(), info.ModTime().UnixNano()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod > files[j].mod })
	var total int64
	for i, f := range files {
		total += f.size
		if i >= maxEntries || total > maxBytes {
			os.Remove(filepath.Join(t.Dir, f.name))
		}
	}
}

// isEntryName reports whether a file name is an entry's, as path makes
// them: 64 lower-case hexadecimal digits.
func isEntryName(name string) bool {
	if len(name) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil && strings.ToLower(name) == name
}

func (t *ETagCache) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(t.Dir, hex.EncodeToString(sum[:]))
}
