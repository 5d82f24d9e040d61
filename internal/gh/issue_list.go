package gh

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/cachedir"
	"github.com/support-steward/steward/internal/port"
)

// A quiet run must not cost the whole support issue list: conditional
// reads were meant to make it free, but GitHub's ETags belong to the token
// that read them (an installation token lives an hour, the Actions token
// one job), so across runs they earn 200s. Instead the list is kept,
// with when it was last brought up to date (its watermark), in memory and
// in STEWARD_CACHE_DIR, and a later read asks GitHub only for the issues
// updated since the watermark, whatever the token: one request when
// nothing changed. The whole list is read again once a day, so an issue
// deleted or transferred (which no later change shows) leaves it.
const (
	// listRefresh is how old a kept list may be before it is read whole.
	listRefresh = 24 * time.Hour
	// listOverlap re-reads the changes just before the watermark: GitHub's
	// times are whole seconds, a write may land as the list is read, and
	// the two clocks may differ a little.
	listOverlap = 2 * time.Minute
)

// issueList is one repository's issues with one label, as last read:
// read whole at Fetched (steward's clock), brought up to date as of
// Watermark (GitHub's).
type issueList struct {
	Fetched   time.Time    `json:"fetched"`
	Watermark time.Time    `json:"watermark"`
	Issues    []port.Issue `json:"issues"`
}

// issueLists keeps the lists a client read, by repository and label.
//
// One client serves many deliveries at once (steward serve), so an issue
// the client creates while a read of its list is under way must not be
// lost when that read's older answer is kept: reads and creates are
// ordered (seq), an issue created after a read began is merged into what
// it keeps, and a read that began before the one whose list is kept keeps
// nothing.
type issueLists struct {
	dir  string
	mu   sync.Mutex
	m    map[string]issueList
	seq  uint64
	kept map[string]uint64      // the start of the read whose list is kept
	made map[string][]madeIssue // created, until a read that began after is kept
}

type madeIssue struct {
	seq   uint64
	issue port.Issue
}

// begin orders a read of key's list among reads and creates.
func (l *issueLists) begin() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	return l.seq
}

// putRead keeps s, the list a read that began at start made, unless a read
// that began later is kept already; with the issues created since start.
func (l *issueLists) putRead(key, label string, s issueList, start uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.kept[key] > start {
		return
	}
	for _, mi := range l.made[key] {
		if mi.seq > start && !slices.ContainsFunc(s.Issues, func(is port.Issue) bool { return is.Number == mi.issue.Number }) {
			s.Issues = merge(s.Issues, []port.Issue{mi.issue}, label)
		}
	}
	if l.made != nil {
		l.made[key] = slices.DeleteFunc(l.made[key], func(mi madeIssue) bool { return mi.seq < start })
	}
	if l.kept == nil {
		l.kept = map[string]uint64{}
	}
	l.kept[key] = start
	l.putLocked(key, s)
}

// created puts an issue the client created into key's kept list, if any,
// and remembers it for the reads under way.
func (l *issueLists) created(key, label string, is port.Issue) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	if l.made == nil {
		l.made = map[string][]madeIssue{}
	}
	l.made[key] = append(l.made[key], madeIssue{seq: l.seq, issue: is})
	if s, ok := l.getLocked(key); ok {
		s.Issues = merge(s.Issues, []port.Issue{is}, label)
		l.putLocked(key, s)
	}
}

func (l *issueLists) file(key string) string {
	return filepath.Join(l.dir, cachedir.Name("issues", key))
}

func (l *issueLists) get(key string) (issueList, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.getLocked(key)
}

func (l *issueLists) getLocked(key string) (issueList, bool) {
	if s, ok := l.m[key]; ok {
		return s, true
	}
	if l.dir == "" {
		return issueList{}, false
	}
	data, err := cachedir.Read(l.file(key), maxKeptList)
	var s issueList
	if err != nil || json.Unmarshal(data, &s) != nil {
		return issueList{}, false // losing it costs a whole read, never correctness
	}
	return s, true
}

func (l *issueLists) putLocked(key string, s issueList) {
	if l.m == nil {
		l.m = map[string]issueList{}
	}
	l.m[key] = s
	if l.dir == "" {
		return
	}
	if data, err := json.Marshal(s); err == nil {
		cachedir.Write(l.dir, filepath.Base(l.file(key)), data) // losing it costs a whole read
	}
}

// maxKeptList bounds a kept list read back: 50,000 issues of 4 KiB.
const maxKeptList = 200 << 20

// listAll returns every issue with label, open or closed, from the kept
// list and the changes since its watermark, or whole. The watermark is
// GitHub's time (its Date header) when the list was last brought up to
// date, so steward's clock and GitHub's need not agree.
func (x *Issues) listAll(ctx context.Context, label string) ([]port.Issue, error) {
	key := x.listKey(label)
	now := x.c.clock.Now()
	start := x.c.lists.begin()
	var served time.Time // the latest Date GitHub answered with
	read := func(opts *github.IssueListByRepoOptions) ([]port.Issue, error) {
		all, err := All(func(page int) ([]*github.Issue, *github.Response, error) {
			o := *opts
			o.ListOptions = github.ListOptions{PerPage: 100, Page: page}
			issues, resp, err := x.c.rest.Issues.ListByRepo(ctx, x.owner, x.name, &o)
			if resp != nil && resp.Response != nil {
				if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil && d.After(served) {
					served = d
				}
			}
			return issues, resp, err
		})
		return toIssues(all), err
	}
	s, ok := x.c.lists.get(key)
	if !ok || now.Sub(s.Fetched) > listRefresh || s.Fetched.After(now) {
		all, err := read(&github.IssueListByRepoOptions{Labels: []string{label}, State: "all", Sort: "created", Direction: "asc"})
		if err != nil {
			return nil, fmt.Errorf("listing %s issues in %s: %w", label, x.Repo(), err)
		}
		s = issueList{Fetched: now, Issues: all}
	} else {
		changed, err := read(&github.IssueListByRepoOptions{State: "all", Since: s.Watermark.Add(-listOverlap), Sort: "updated", Direction: "asc"})
		if err != nil {
			return nil, fmt.Errorf("listing the issues of %s changed since %s: %w", x.Repo(), s.Watermark.Format(time.RFC3339), err)
		}
		s.Issues = merge(s.Issues, changed, label)
	}
	if served.IsZero() { // no Date: the latest change the list holds
		for _, is := range s.Issues {
			if is.Updated.After(served) {
				served = is.Updated
			}
		}
	}
	s.Watermark = served
	x.c.lists.putRead(key, label, s, start)
	return slices.Clone(s.Issues), nil
}

// Kept returns the issues with label as last read, asking GitHub nothing,
// and the watermark they were read up to: false when there is no kept
// list or it is due to be read whole. What changed since is not in it
// (the issues this client created are, changed after the watermark); a
// caller that acts on it must check after.
func (x *Issues) Kept(label string) ([]port.Issue, time.Time, bool) {
	s, ok := x.c.lists.get(x.listKey(label))
	now := x.c.clock.Now()
	if !ok || now.Sub(s.Fetched) > listRefresh || s.Fetched.After(now) || s.Watermark.IsZero() {
		return nil, time.Time{}, false
	}
	return slices.Clone(s.Issues), s.Watermark, true
}

// created puts an issue this client created into the kept lists of its
// labels, their watermarks unchanged: a later run that trusts its kept
// list (Kept) then knows the issue, and the next read re-reads it anyway.
func (x *Issues) created(is port.Issue) {
	for _, label := range is.Labels {
		x.c.lists.created(x.listKey(label), label, is)
	}
}

func (x *Issues) listKey(label string) string { return strings.ToLower(x.Repo() + "\x00" + label) }

// merge puts the changed issues into the kept list: one that carries label
// now replaces its old self or joins; one that no longer does leaves.
func merge(kept, changed []port.Issue, label string) []port.Issue {
	out := slices.Clone(kept)
	for _, is := range changed {
		out = slices.DeleteFunc(out, func(x port.Issue) bool { return x.Number == is.Number })
		if slices.ContainsFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, label) }) {
			out = append(out, is)
		}
	}
	slices.SortFunc(out, func(a, b port.Issue) int { return a.Number - b.Number })
	return out
}
