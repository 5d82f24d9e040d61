package sandbox

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

type ghRepo struct {
	id            int64
	owner, name   string
	defaultBranch string
	private       bool
	created       time.Time
	issues        []*ghIssue // issues and pull requests, by number-1
	labels        []*ghLabel
	comments      []*ghComment
	events        []*ghEvent
	refs          map[string]string // "heads/main" -> commit sha
	commits       map[string]*ghCommit
	checkRuns     []*ghCheckRun
	statuses      []*ghStatus
}

func (r *ghRepo) fullName() string { return r.owner + "/" + r.name }

type ghIssue struct {
	id          int64
	number      int
	title, body string
	state       string // open, closed
	stateReason string // completed, not_planned, reopened, ""
	user        string
	labels      []string
	assignees   []string
	created     time.Time
	updated     time.Time
	closed      time.Time
	closedBy    string
	locked      bool
	pull        *ghPull
	// closedByPulls are the pull requests whose merge closed the issue.
	closedByPulls []int
	// history holds the issue as the lagging search index sees it.
	history []ghIssueVersion
}

type ghIssueVersion struct {
	at    time.Time
	issue ghIssue
}

type ghPull struct {
	head, base         string // branch names
	headSHA, baseSHA   string
	merged             bool
	mergedAt           time.Time
	mergedBy           string
	mergeSHA           string
	requestedReviewers []string
	draft              bool
}

type ghLabel struct {
	id          int64
	name        string
	color       string
	description string
}

type ghComment struct {
	id      int64
	issue   int
	body    string
	user    string
	created time.Time
	updated time.Time
}

type ghEvent struct {
	id       int64
	issue    int
	event    string // assigned, unassigned, labeled, unlabeled, closed, reopened, renamed
	actor    string
	assignee string
	label    string
	created  time.Time
}

type ghCommit struct {
	sha     string
	parent  string
	message string
	files   map[string][]byte
	author  string
	at      time.Time
}

type ghCheckRun struct {
	id          int64
	name        string
	headSHA     string
	status      string
	conclusion  string
	title       string
	summary     string
	text        string
	annotations []map[string]any
	externalID  string
	detailsURL  string
	started     time.Time
	completed   time.Time
}

type ghStatus struct {
	id          int64
	sha         string
	state       string
	context     string
	description string
	targetURL   string
	creator     string
	created     time.Time
}

// blobSHA is git's object id of a blob.
func blobSHA(content []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

func commitSHA(parent, message string, files map[string][]byte, at time.Time) string {
	h := sha1.New()
	fmt.Fprintf(h, "commit\x00%s\x00%s\x00%d\x00", parent, message, at.UnixNano())
	for _, k := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%s\x00%s\x00", k, blobSHA(files[k]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AddRepo creates owner/name with files committed on its default branch.
func (g *GitHub) AddRepo(owner, name, defaultBranch string, files map[string]string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.user(owner)
	now := g.clock.Now().UTC()
	r := &ghRepo{id: g.id(), owner: owner, name: name, defaultBranch: defaultBranch, created: now,
		refs: map[string]string{}, commits: map[string]*ghCommit{}}
	fs := map[string][]byte{}
	for k, v := range files {
		fs[k] = []byte(v)
	}
	c := &ghCommit{message: "Initial commit", files: fs, author: owner, at: now}
	c.sha = commitSHA("", c.message, fs, now)
	r.commits[c.sha] = c
	r.refs["heads/"+defaultBranch] = c.sha
	g.repos[strings.ToLower(owner+"/"+name)] = r
}

// repo finds owner/name; g.mu is held.
func (g *GitHub) repo(owner, name string) *ghRepo {
	return g.repos[strings.ToLower(owner+"/"+name)]
}

// Issue is a read-only view of an issue or pull request, for tests.
type Issue struct {
	Number      int
	Title, Body string
	State       string
	StateReason string
	Labels      []string
	Assignees   []string
	User        string
	Comments    []string // bodies, oldest first
	IsPull      bool
	Merged      bool
	Head, Base  string
	Reviewers   []string
	ClosedBy    string
}

// Issues returns every issue and pull request of owner/name, by number.
func (g *GitHub) Issues(owner, name string) []Issue {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.repo(owner, name)
	if r == nil {
		return nil
	}
	out := make([]Issue, 0, len(r.issues))
	for _, is := range r.issues {
		v := Issue{Number: is.number, Title: is.title, Body: is.body, State: is.state, StateReason: is.stateReason,
			Labels: slices.Clone(is.labels), Assignees: slices.Clone(is.assignees), User: is.user, ClosedBy: is.closedBy}
		for _, c := range r.comments {
			if c.issue == is.number {
				v.Comments = append(v.Comments, c.body)
			}
		}
		if p := is.pull; p != nil {
			v.IsPull, v.Merged, v.Head, v.Base, v.Reviewers = true, p.merged, p.head, p.base, slices.Clone(p.requestedReviewers)
		}
		out = append(out, v)
	}
	return out
}

// File returns the content of path on branch of owner/name.
func (g *GitHub) File(owner, name, branch, path string) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.repo(owner, name)
	if r == nil {
		return "", false
	}
	c := r.commits[r.refs["heads/"+branch]]
	if c == nil {
		return "", false
	}
	b, ok := c.files[path]
	return string(b), ok
}

// CheckRuns returns the check runs of owner/name as name/conclusion/title.
func (g *GitHub) CheckRuns(owner, name string) []map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.repo(owner, name)
	if r == nil {
		return nil
	}
	var out []map[string]any
	for _, c := range r.checkRuns {
		out = append(out, map[string]any{"name": c.name, "head_sha": c.headSHA, "status": c.status,
			"conclusion": c.conclusion, "title": c.title, "summary": c.summary, "annotations": c.annotations})
	}
	return out
}

// HumanUpdate changes an issue as a person on github.com would: the change
// is stamped now and recorded in the issue's events.
func (g *GitHub) HumanUpdate(owner, name string, number int, actor string, change func(*IssueChange)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.repo(owner, name)
	if r == nil || number < 1 || number > len(r.issues) {
		return
	}
	is := r.issues[number-1]
	c := &IssueChange{State: is.state, StateReason: is.stateReason, Title: is.title, Assignees: slices.Clone(is.assignees)}
	change(c)
	g.applyChange(r, is, actor, c)
}

// HumanComment is a person (actor) commenting on an issue or pull request,
// as the web page would.
func (g *GitHub) HumanComment(owner, name string, number int, actor, body string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.repo(owner, name)
	if r == nil || number < 1 || number > len(r.issues) {
		return
	}
	is := r.issues[number-1]
	now := g.clock.Now().UTC()
	r.comments = append(r.comments, &ghComment{id: g.id(), issue: is.number, body: body, user: actor, created: now, updated: now})
	g.touch(is)
}

// IssueChange is what HumanUpdate may change.
type IssueChange struct {
	State, StateReason, Title string
	Assignees                 []string
}

// applyChange updates an issue and records its events; g.mu is held.
func (g *GitHub) applyChange(r *ghRepo, is *ghIssue, actor string, c *IssueChange) {
	now := g.clock.Now().UTC()
	if c.Title != is.title {
		is.title = c.Title
		g.event(r, is, "renamed", actor, "", "")
	}
	if c.State != is.state {
		is.state = c.State
		if c.State == "closed" {
			is.closed, is.closedBy = now, actor
			is.stateReason = c.StateReason
			if is.stateReason == "" {
				is.stateReason = "completed"
			}
			g.event(r, is, "closed", actor, "", "")
		} else {
			is.closed, is.closedBy, is.stateReason = time.Time{}, "", "reopened"
			g.event(r, is, "reopened", actor, "", "")
		}
	} else if c.State == "closed" && c.StateReason != "" {
		is.stateReason = c.StateReason
	}
	for _, a := range is.assignees {
		if !slices.ContainsFunc(c.Assignees, func(b string) bool { return strings.EqualFold(a, b) }) {
			g.event(r, is, "unassigned", actor, a, "")
		}
	}
	for _, a := range c.Assignees {
		if !slices.ContainsFunc(is.assignees, func(b string) bool { return strings.EqualFold(a, b) }) {
			g.user(a)
			g.event(r, is, "assigned", actor, a, "")
		}
	}
	is.assignees = c.Assignees
	g.touch(is)
}

// touch stamps an issue as changed now and records it for search; g.mu is held.
func (g *GitHub) touch(is *ghIssue) {
	is.updated = g.clock.Now().UTC()
	v := *is
	v.labels, v.assignees, v.history = slices.Clone(is.labels), slices.Clone(is.assignees), nil
	is.history = append(is.history, ghIssueVersion{at: g.clock.Now(), issue: v})
}

// event records an issue event; g.mu is held.
func (g *GitHub) event(r *ghRepo, is *ghIssue, kind, actor, assignee, label string) {
	r.events = append(r.events, &ghEvent{id: g.id(), issue: is.number, event: kind, actor: actor,
		assignee: assignee, label: label, created: g.clock.Now().UTC()})
}

// CreateIssue opens an issue as user, as if made on github.com, and returns
// its number.
func (g *GitHub) CreateIssue(owner, name, user, title, body string, labels ...string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repo(owner, name)
	if repo == nil {
		panic("sandbox: no repository " + owner + "/" + name)
	}
	is := g.newIssue(repo, user, title, body)
	is.labels = g.ensureLabels(repo, labels)
	for _, l := range is.labels {
		g.event(repo, is, "labeled", user, "", l)
	}
	return is.number
}
