package health

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/support-steward/steward/internal/cachedir"
)

// CacheFile is the reply cache's file in STEWARD_CACHE_DIR.
const CacheFile = "health-replies.json"

// cacheFormat names the file's format, so a foreign file is not read as
// one; cacheVersion changes when its shape does.
const (
	cacheFormat  = "steward-health-replies"
	cacheVersion = 1
)

// Bounds of the cache: entries kept (the oldest changes go first), bytes
// read, replies kept per ticket.
const (
	MaxCacheEntries    = 100_000
	maxCacheBytes      = 64 << 20
	maxRepliesPerEntry = 1000
)

// Cache keeps, between runs, the public reply times of the tickets whose
// conversations were read, each with the ticket's updated_at when read: a
// ticket that has not changed since needs no second read.
type Cache struct {
	entries map[int64]cacheEntry
	hubs    map[int64]string // company names, read once
}

type cacheEntry struct {
	Updated time.Time   `json:"updated"`
	Replies []time.Time `json:"replies"`
}

type cacheFile struct {
	Format  string                `json:"format"`
	Version int                   `json:"version"`
	Tickets map[string]cacheEntry `json:"tickets"`
	// Hubs are FreshDesk company names by id: a company's name costs a
	// request, and names rarely change (a renamed hub shows its old name
	// until the cache is cleared).
	Hubs map[string]string `json:"hubs,omitempty"`
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{entries: map[int64]cacheEntry{}, hubs: map[int64]string{}} }

// Hub returns the cached name of FreshDesk company id.
func (c *Cache) Hub(id int64) (string, bool) {
	name, ok := c.hubs[id]
	return name, ok
}

// PutHub records the name of FreshDesk company id.
func (c *Cache) PutHub(id int64, name string) {
	if len(c.hubs) < MaxCacheEntries {
		c.hubs[id] = name
	}
}

// Len is how many tickets the cache holds.
func (c *Cache) Len() int { return len(c.entries) }

// LoadCache reads the cache from dir. A missing file is an empty cache and
// no error; an unreadable, corrupt or foreign file (another format or
// version) is an empty cache and an error saying so, for the caller to log:
// the report then reads the conversations again, nothing worse.
func LoadCache(dir string) (*Cache, error) {
	c := NewCache()
	path := filepath.Join(dir, CacheFile)
	data, err := cachedir.Read(path, maxCacheBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("reading the reply cache (ignored, it will be rewritten): %w", err)
	}
	var file cacheFile
	if err := json.Unmarshal(data, &file); err != nil {
		return c, fmt.Errorf("the reply cache %s is not valid JSON (%v): ignored, it will be rewritten", path, err)
	}
	if file.Format != cacheFormat || file.Version != cacheVersion {
		return c, fmt.Errorf("%s is not a version %d steward reply cache (format %q, version %d): ignored, it will be rewritten",
			path, cacheVersion, file.Format, file.Version)
	}
	for k, e := range file.Tickets {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil || e.Updated.IsZero() || len(e.Replies) > maxRepliesPerEntry {
			return NewCache(), fmt.Errorf("the reply cache %s has a bad entry %q: ignored, it will be rewritten", path, k)
		}
		c.entries[id] = e
	}
	for k, name := range file.Hubs {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil || len(c.hubs) >= MaxCacheEntries {
			return NewCache(), fmt.Errorf("the reply cache %s has a bad hub %q: ignored, it will be rewritten", path, k)
		}
		c.hubs[id] = name
	}
	c.trim()
	return c, nil
}

// Lookup returns the replies cached for ticket id, if the entry was read
// when the ticket was updated at updated or later.
func (c *Cache) Lookup(id int64, updated time.Time) ([]time.Time, bool) {
	e, ok := c.entries[id]
	if !ok || e.Updated.Before(updated) {
		return nil, false
	}
	return slices.Clone(e.Replies), true
}

// Put records the replies of ticket id as read when it was updated at
// updated; an older reading than the one held is ignored.
func (c *Cache) Put(id int64, updated time.Time, replies []time.Time) {
	if e, ok := c.entries[id]; ok && e.Updated.After(updated) {
		return
	}
	if len(replies) > maxRepliesPerEntry {
		replies = replies[len(replies)-maxRepliesPerEntry:]
	}
	c.entries[id] = cacheEntry{Updated: updated, Replies: slices.Clone(replies)}
	c.trim()
}

// Prune forgets the tickets not updated since before: a report never
// lists them again (a ticket open since then has its replies settled by
// its stats).
func (c *Cache) Prune(before time.Time) {
	for id, e := range c.entries {
		if e.Updated.Before(before) {
			delete(c.entries, id)
		}
	}
}

// trim keeps at most MaxCacheEntries, dropping the oldest changes.
func (c *Cache) trim() {
	if len(c.entries) <= MaxCacheEntries {
		return
	}
	ids := make([]int64, 0, len(c.entries))
	for id := range c.entries {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int {
		return cmp.Or(c.entries[a].Updated.Compare(c.entries[b].Updated), cmp.Compare(a, b))
	})
	for _, id := range ids[:len(ids)-MaxCacheEntries] {
		delete(c.entries, id)
	}
}

// Save writes the cache to dir atomically (a temporary file renamed over
// the old one), so a run that stops half way leaves the old cache whole.
func (c *Cache) Save(dir string) error {
	file := cacheFile{Format: cacheFormat, Version: cacheVersion, Tickets: make(map[string]cacheEntry, len(c.entries)), Hubs: make(map[string]string, len(c.hubs))}
	for id, e := range c.entries {
		file.Tickets[strconv.FormatInt(id, 10)] = e
	}
	for id, name := range c.hubs {
		file.Hubs[strconv.FormatInt(id, 10)] = name
	}
	data, err := json.Marshal(file)
	if err == nil {
		err = cachedir.Write(dir, CacheFile, data)
	}
	if err != nil {
		return fmt.Errorf("saving the reply cache: %w", err)
	}
	return nil
}

// Apply returns ts with the replies of every ticket the cache holds as new
// as the ticket known.
func (c *Cache) Apply(ts []Ticket) []Ticket {
	out := slices.Clone(ts)
	for i, t := range out {
		if t.RepliesKnown {
			continue
		}
		if replies, ok := c.Lookup(t.ID, t.Updated); ok {
			out[i] = t.WithReplies(replies)
		}
	}
	return out
}
