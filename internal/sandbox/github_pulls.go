package sandbox

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func (g *GitHub) listPulls(w http.ResponseWriter, r *http.Request, _ caller) {
	q := r.URL.Query()
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	state := cmp.Or(q.Get("state"), "open")
	var list []*ghIssue
	for _, is := range repo.issues {
		p := is.pull
		if p == nil || (state != "all" && is.state != state) {
			continue
		}
		// head is "owner:branch"; base is a branch name.
		if h := q.Get("head"); h != "" && !strings.EqualFold(h, repo.owner+":"+p.head) {
			continue
		}
		if b := q.Get("base"); b != "" && b != p.base {
			continue
		}
		list = append(list, is)
	}
	sortIssues(list, repo, q.Get("sort"), q.Get("direction"))
	writePage(w, r, list, func(is *ghIssue) any { return g.pullJSON(apiBase(r), repo, is, false) })
}

func (g *GitHub) createPull(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		Title string `json:"title"`
		Head  string `json:"head"`
		Base  string `json:"base"`
		Body  string `json:"body"`
		Draft bool   `json:"draft"`
	}
	if !decode(w, r, &in) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	head := in.Head
	if i := strings.IndexByte(head, ':'); i >= 0 {
		head = head[i+1:]
	}
	switch {
	case strings.TrimSpace(in.Title) == "":
		ghValidation(w, "PullRequest", "title", "missing_field")
		return
	case repo.refs["heads/"+head] == "":
		ghValidation(w, "PullRequest", "head", "invalid")
		return
	case repo.refs["heads/"+in.Base] == "":
		ghValidation(w, "PullRequest", "base", "invalid")
		return
	}
	for _, is := range repo.issues {
		if is.pull != nil && is.state == "open" && is.pull.head == head && is.pull.base == in.Base {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprintf(w, `{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"A pull request already exists for %s:%s."}]}`, repo.owner, head)
			return
		}
	}
	is := g.newIssue(repo, c.login, in.Title, in.Body)
	is.pull = &ghPull{head: head, base: in.Base, headSHA: repo.refs["heads/"+head], baseSHA: repo.refs["heads/"+in.Base], draft: in.Draft}
	writeJSON(w, r, http.StatusCreated, g.pullJSON(apiBase(r), repo, is, true))
}

func (g *GitHub) pullOf(w http.ResponseWriter, r *http.Request) (*ghRepo, *ghIssue) {
	repo, is := g.issueOf(w, r, "pull_number")
	if is != nil && is.pull == nil {
		ghError(w, http.StatusNotFound, "Not Found")
		return nil, nil
	}
	if is != nil {
		// The head moves with its branch.
		if sha := repo.refs["heads/"+is.pull.head]; sha != "" && !is.pull.merged {
			is.pull.headSHA = sha
		}
	}
	return repo, is
}

func (g *GitHub) getPull(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if repo, is := g.pullOf(w, r); is != nil {
		writeJSON(w, r, http.StatusOK, g.pullJSON(apiBase(r), repo, is, true))
	}
}

func (g *GitHub) updatePull(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		Title *string `json:"title"`
		Body  *string `json:"body"`
		State *string `json:"state"`
		Base  *string `json:"base"`
	}
	if !decode(w, r, &in) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.pullOf(w, r)
	if is == nil {
		return
	}
	ch := &IssueChange{State: is.state, Title: is.title, Assignees: is.assignees}
	if in.Title != nil {
		ch.Title = *in.Title
	}
	if in.State != nil {
		if is.pull.merged || (*in.State != "open" && *in.State != "closed") {
			ghValidation(w, "PullRequest", "state", "invalid")
			return
		}
		ch.State = *in.State
	}
	if in.Body != nil {
		is.body = *in.Body
	}
	if in.Base != nil {
		is.pull.base = *in.Base
	}
	g.applyChange(repo, is, c.login, ch)
	writeJSON(w, r, http.StatusOK, g.pullJSON(apiBase(r), repo, is, true))
}

// MergePull merges an open pull request as a person would on github.com.
func (g *GitHub) MergePull(owner, name string, number int, by string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repo(owner, name)
	if repo == nil || number < 1 || number > len(repo.issues) || repo.issues[number-1].pull == nil {
		return fmt.Errorf("no pull request %s/%s#%d", owner, name, number)
	}
	is := repo.issues[number-1]
	p := is.pull
	if is.state != "open" {
		return fmt.Errorf("%s/%s#%d is not open", owner, name, number)
	}
	head := repo.commits[repo.refs["heads/"+p.head]]
	base := repo.commits[repo.refs["heads/"+p.base]]
	files := maps.Clone(base.files)
	maps.Copy(files, head.files)
	now := g.clock.Now().UTC()
	c := &ghCommit{parent: base.sha, message: fmt.Sprintf("Merge pull request #%d", number), files: files, author: by, at: now}
	c.sha = commitSHA(c.parent, c.message, files, now)
	repo.commits[c.sha] = c
	repo.refs["heads/"+p.base] = c.sha
	p.merged, p.mergedAt, p.mergedBy, p.mergeSHA = true, now, by, c.sha
	g.applyChange(repo, is, by, &IssueChange{State: "closed", StateReason: "completed", Title: is.title, Assignees: is.assignees})
	// "Fixes #12" in the body closes issue 12, as on GitHub.
	for _, m := range closingRef.FindAllStringSubmatch(is.body, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(repo.issues) || repo.issues[n-1].pull != nil {
			continue
		}
		target := repo.issues[n-1]
		target.closedByPulls = append(target.closedByPulls, number)
		if target.state == "open" {
			g.applyChange(repo, target, by, &IssueChange{State: "closed", StateReason: "completed", Title: target.title, Assignees: target.assignees})
		}
	}
	return nil
}

var closingRef = regexp.MustCompile(`(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)\b`)

// diffStats counts changed lines between a pull request's base and head.
func (r *ghRepo) diffStats(p *ghPull) (additions, deletions, files int) {
	for _, f := range r.diff(p) {
		additions += f.additions
		deletions += f.deletions
		files++
	}
	return
}

type fileDiff struct {
	name                 string
	status               string
	additions, deletions int
	sha                  string
	patch                string
}

// diff compares the head's files with the base's, line by line.
func (r *ghRepo) diff(p *ghPull) []fileDiff {
	head, base := r.commits[p.headSHA], r.commits[p.baseSHA]
	if head == nil || base == nil {
		return nil
	}
	var out []fileDiff
	names := slices.Sorted(maps.Keys(head.files))
	for _, n := range slices.Sorted(maps.Keys(base.files)) {
		if _, ok := head.files[n]; !ok {
			names = append(names, n)
		}
	}
	for _, n := range names {
		hb, inHead := head.files[n]
		bb, inBase := base.files[n]
		if inHead && inBase && bytes.Equal(hb, bb) {
			continue
		}
		d := fileDiff{name: n, status: "modified", sha: blobSHA(hb)}
		switch {
		case !inBase:
			d.status = "added"
		case !inHead:
			d.status = "removed"
		}
		d.additions, d.deletions, d.patch = lineDiff(string(bb), string(hb))
		out = append(out, d)
	}
	return out
}

// lineDiff counts lines added and removed (by multiset, enough for stats)
// and renders them as a minimal patch.
func lineDiff(a, b string) (add, del int, patch string) {
	count := map[string]int{}
	for _, l := range strings.SplitAfter(a, "\n") {
		count[l]++
	}
	var p strings.Builder
	for _, l := range strings.SplitAfter(b, "\n") {
		if l == "" {
			continue
		}
		if count[l] > 0 {
			count[l]--
			continue
		}
		add++
		p.WriteString("+" + strings.TrimSuffix(l, "\n") + "\n")
	}
	for l, n := range count {
		if l != "" {
			del += n
		}
	}
	return add, del, p.String()
}

func (g *GitHub) listPullFiles(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.pullOf(w, r)
	if is == nil {
		return
	}
	files := repo.diff(is.pull)
	lo, hi := pageOf(w, r, len(files))
	api := apiBase(r)
	out := make([]any, 0, hi-lo)
	for _, f := range files[lo:hi] {
		out = append(out, map[string]any{
			"sha": f.sha, "filename": f.name, "status": f.status, "additions": f.additions,
			"deletions": f.deletions, "changes": f.additions + f.deletions, "patch": f.patch,
			"blob_url":     fmt.Sprintf("%s/%s/blob/%s/%s", g.web(), repo.fullName(), is.pull.headSHA, f.name),
			"raw_url":      fmt.Sprintf("%s/%s/raw/%s/%s", g.web(), repo.fullName(), is.pull.headSHA, f.name),
			"contents_url": fmt.Sprintf("%s/repos/%s/contents/%s?ref=%s", api, repo.fullName(), f.name, is.pull.headSHA),
		})
	}
	writeJSON(w, r, http.StatusOK, out)
}

func (g *GitHub) reviewersJSON(api string, p *ghPull) map[string]any {
	return map[string]any{"users": g.users2JSON(api, p.requestedReviewers), "teams": []any{}}
}

func (g *GitHub) listReviewers(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, is := g.pullOf(w, r); is != nil {
		writeJSON(w, r, http.StatusOK, g.reviewersJSON(apiBase(r), is.pull))
	}
}

func (g *GitHub) requestReviewers(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		Reviewers []string `json:"reviewers"`
	}
	if !decode(w, r, &in) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.pullOf(w, r)
	if is == nil {
		return
	}
	for _, rv := range in.Reviewers {
		u, ok := g.users[strings.ToLower(rv)]
		if !ok {
			ghValidation(w, "PullRequest", "reviewers", "invalid")
			return
		}
		if strings.EqualFold(rv, is.user) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"message":"Review cannot be requested from pull request author.","status":"422"}`)
			return
		}
		if !slices.ContainsFunc(is.pull.requestedReviewers, func(x string) bool { return strings.EqualFold(x, rv) }) {
			is.pull.requestedReviewers = append(is.pull.requestedReviewers, u.login)
		}
	}
	g.touch(is)
	writeJSON(w, r, http.StatusCreated, g.pullJSON(apiBase(r), repo, is, false))
}

// PushFiles is a person committing files to branch, which is made from
// base's head when it does not exist yet: what a test or the demo does as
// an engineer at a terminal.
func (g *GitHub) PushFiles(owner, name, user, base, branch, message string, files map[string]string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repo(owner, name)
	if repo == nil {
		return fmt.Errorf("no repository %s/%s", owner, name)
	}
	sha := repo.refs["heads/"+branch]
	if sha == "" {
		if sha = repo.refs["heads/"+base]; sha == "" {
			return fmt.Errorf("%s/%s has no branch %q", owner, name, base)
		}
		repo.refs["heads/"+branch] = sha
	}
	if len(files) == 0 {
		return nil
	}
	head := repo.commits[sha]
	all := maps.Clone(head.files)
	for p, content := range files {
		all[p] = []byte(content)
	}
	now := g.clock.Now().UTC()
	c := &ghCommit{parent: head.sha, message: message, files: all, author: user, at: now}
	c.sha = commitSHA(head.sha, message, all, now)
	repo.commits[c.sha] = c
	repo.refs["heads/"+branch] = c.sha
	return nil
}

// OpenPull is a person pushing files to a new branch off base and opening
// a pull request from it; it returns the pull request's number.
func (g *GitHub) OpenPull(owner, name, user, base, branch, title, body string, files map[string]string) (int, error) {
	if err := g.PushFiles(owner, name, user, base, branch, title, files); err != nil {
		return 0, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repo(owner, name)
	is := g.newIssue(repo, user, title, body)
	is.pull = &ghPull{head: branch, base: base, headSHA: repo.refs["heads/"+branch], baseSHA: repo.refs["heads/"+base]}
	return is.number, nil
}
