package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// routes registers every operation the emulator serves. The patterns use
// the OpenAPI description's own paths and parameter names, so the contract
// test can match them one for one.
func (g *GitHub) routes(plain *http.ServeMux) {
	var mux interface {
		Handle(string, http.Handler)
		HandleFunc(string, func(http.ResponseWriter, *http.Request))
	}
	core := func(fn func(http.ResponseWriter, *http.Request, caller)) http.HandlerFunc {
		return g.limited("core", g.opts.RateLimit, fn)
	}
	mux = &recordingMux{ServeMux: plain, patterns: &g.patterns}
	// Issues, comments, labels, assignees, events.
	mux.Handle("GET /repos/{owner}/{repo}/issues", core(g.listIssues))
	mux.Handle("POST /repos/{owner}/{repo}/issues", core(g.createIssue))
	mux.Handle("GET /repos/{owner}/{repo}/issues/{issue_number}", core(g.getIssue))
	mux.Handle("PATCH /repos/{owner}/{repo}/issues/{issue_number}", core(g.updateIssue))
	mux.Handle("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", core(g.listComments))
	mux.Handle("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", core(g.createComment))
	mux.Handle("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", core(g.updateComment))
	mux.Handle("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", core(g.addLabels))
	mux.Handle("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", core(g.removeLabel))
	mux.Handle("GET /repos/{owner}/{repo}/labels", core(g.listLabels))
	mux.Handle("POST /repos/{owner}/{repo}/labels", core(g.createLabel))
	mux.Handle("POST /repos/{owner}/{repo}/issues/{issue_number}/assignees", core(g.addAssignees))
	mux.Handle("DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees", core(g.removeAssignees))
	mux.Handle("GET /repos/{owner}/{repo}/issues/{issue_number}/events", core(g.listEvents))
	// Pull requests.
	mux.Handle("GET /repos/{owner}/{repo}/pulls", core(g.listPulls))
	mux.Handle("POST /repos/{owner}/{repo}/pulls", core(g.createPull))
	mux.Handle("GET /repos/{owner}/{repo}/pulls/{pull_number}", core(g.getPull))
	mux.Handle("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", core(g.updatePull))
	mux.Handle("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", core(g.listPullFiles))
	mux.Handle("GET /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", core(g.listReviewers))
	mux.Handle("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", core(g.requestReviewers))
	// Repository, git refs and contents.
	mux.Handle("GET /repos/{owner}/{repo}", core(g.getRepo))
	mux.HandleFunc("GET /repos/{owner}/{repo}/installation", g.repoInstallation)
	mux.Handle("GET /repos/{owner}/{repo}/git/ref/{ref...}", core(g.getRef))
	mux.Handle("POST /repos/{owner}/{repo}/git/refs", core(g.createRef))
	mux.Handle("PATCH /repos/{owner}/{repo}/git/refs/{ref...}", core(g.updateRef))
	mux.Handle("GET /repos/{owner}/{repo}/contents/{path...}", core(g.getContent))
	mux.Handle("PUT /repos/{owner}/{repo}/contents/{path...}", core(g.putContent))
	// Checks and statuses.
	mux.Handle("POST /repos/{owner}/{repo}/check-runs", core(g.createCheckRun))
	mux.Handle("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", core(g.updateCheckRun))
	mux.Handle("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", core(g.listCheckRuns))
	mux.Handle("POST /repos/{owner}/{repo}/statuses/{sha}", core(g.createStatus))
	mux.Handle("GET /repos/{owner}/{repo}/commits/{ref}/statuses", core(g.listStatuses))
	// Organisations, Apps, search, rate limit.
	mux.Handle("GET /orgs/{org}/teams/{team_slug}/members", core(g.listTeamMembers))
	mux.Handle("PUT /orgs/{org}/teams/{team_slug}/memberships/{username}", core(g.addTeamMember))
	mux.Handle("DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}", core(g.removeTeamMember))
	mux.HandleFunc("POST /app/installations/{installation_id}/access_tokens", g.createInstallationToken)
	mux.Handle("GET /search/issues", g.limited("search", 30, g.searchIssues))
	mux.HandleFunc("GET /rate_limit", g.rateLimit)
	mux.HandleFunc("POST /graphql", g.graphql)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { ghError(w, http.StatusNotFound, "Not Found") })
}

// recordingMux remembers the patterns registered, for the contract test.
type recordingMux struct {
	*http.ServeMux
	patterns *[]string
}

func (m *recordingMux) Handle(p string, h http.Handler) {
	*m.patterns = append(*m.patterns, p)
	m.ServeMux.Handle(p, h)
}

func (m *recordingMux) HandleFunc(p string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(p, http.HandlerFunc(h))
}

// Routes returns the patterns the emulator serves, e.g.
// "GET /repos/{owner}/{repo}/issues".
func (g *GitHub) Routes() []string { return slices.Clone(g.patterns) }

// pageOf reads per_page (at most 100, default 30) and page, and sets the
// Link header for a list of n items. It returns the slice bounds to answer.
func pageOf(w http.ResponseWriter, r *http.Request, n int) (lo, hi int) {
	q := r.URL.Query()
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	if perPage <= 0 {
		perPage = 30
	}
	perPage = min(perPage, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	last := max(1, (n+perPage-1)/perPage)
	link := func(p int, rel string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		if r.TLS != nil {
			u.Scheme = "https"
		}
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(p))
		u.RawQuery = v.Encode()
		return fmt.Sprintf(`<%s>; rel="%s"`, u.String(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo = min((page-1)*perPage, n)
	return lo, min(lo+perPage, n)
}

// writePage answers with one page of list, each item rendered, and the
// Link header for the rest.
func writePage[T any](w http.ResponseWriter, r *http.Request, list []T, render func(T) any) {
	lo, hi := pageOf(w, r, len(list))
	out := make([]any, 0, hi-lo)
	for _, x := range list[lo:hi] {
		out = append(out, render(x))
	}
	writeJSON(w, r, http.StatusOK, out)
}

// repoOf finds the path's repository or answers 404; g.mu is held.
func (g *GitHub) repoOf(w http.ResponseWriter, r *http.Request) *ghRepo {
	repo := g.repo(r.PathValue("owner"), r.PathValue("repo"))
	if repo == nil {
		ghError(w, http.StatusNotFound, "Not Found")
	}
	return repo
}

// issueOf finds the path's issue (or pull request) or answers 404; g.mu is held.
func (g *GitHub) issueOf(w http.ResponseWriter, r *http.Request, param string) (*ghRepo, *ghIssue) {
	repo := g.repoOf(w, r)
	if repo == nil {
		return nil, nil
	}
	n, err := strconv.Atoi(r.PathValue(param))
	if err != nil || n < 1 || n > len(repo.issues) {
		ghError(w, http.StatusNotFound, "Not Found")
		return nil, nil
	}
	return repo, repo.issues[n-1]
}

// decode reads a JSON body, answering 400 as GitHub does when it is not JSON.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		ghError(w, http.StatusBadRequest, "Problems parsing JSON")
		return false
	}
	return true
}

func (g *GitHub) listIssues(w http.ResponseWriter, r *http.Request, _ caller) {
	q := r.URL.Query()
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	state := cmp.Or(q.Get("state"), "open")
	var labels []string
	if v := q.Get("labels"); v != "" {
		labels = strings.Split(v, ",")
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			ghValidation(w, "Issue", "since", "invalid")
			return
		}
		since = t
	}
	var list []*ghIssue
	for _, is := range repo.issues {
		if state != "all" && is.state != state {
			continue
		}
		if !since.IsZero() && is.updated.Before(since) {
			continue
		}
		if !hasAll(is.labels, labels) {
			continue
		}
		if a := q.Get("assignee"); a != "" && !matchAssignee(is.assignees, a) {
			continue
		}
		if c := q.Get("creator"); c != "" && !strings.EqualFold(is.user, c) {
			continue
		}
		list = append(list, is)
	}
	sortIssues(list, repo, q.Get("sort"), q.Get("direction"))
	writePage(w, r, list, func(is *ghIssue) any { return g.issueJSON(apiBase(r), repo, is) })
}

func hasAll(have, want []string) bool {
	for _, l := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, strings.TrimSpace(l)) }) {
			return false
		}
	}
	return true
}

func matchAssignee(assignees []string, a string) bool {
	switch a {
	case "none":
		return len(assignees) == 0
	case "*":
		return len(assignees) > 0
	}
	return slices.ContainsFunc(assignees, func(x string) bool { return strings.EqualFold(x, a) })
}

func sortIssues(list []*ghIssue, repo *ghRepo, by, dir string) {
	key := func(is *ghIssue) int64 {
		switch by {
		case "updated":
			return is.updated.UnixNano()
		case "comments":
			n := 0
			for _, c := range repo.comments {
				if c.issue == is.number {
					n++
				}
			}
			return int64(n)
		}
		return is.created.UnixNano()
	}
	slices.SortStableFunc(list, func(a, b *ghIssue) int {
		c := cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a.number, b.number))
		if dir != "asc" {
			return -c
		}
		return c
	})
}

type issueInput struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
	Labels      *[]string `json:"labels"`
	Assignees   *[]string `json:"assignees"`
	Assignee    *string   `json:"assignee"`
	Milestone   any       `json:"milestone"`
	Type        any       `json:"type"`
}

// knownUsers checks that every login exists; g.mu is held.
func (g *GitHub) knownUsers(w http.ResponseWriter, logins []string) bool {
	for _, l := range logins {
		if _, ok := g.users[strings.ToLower(l)]; !ok {
			ghValidation(w, "Issue", "assignees", "invalid")
			return false
		}
	}
	return true
}

// ensureLabels creates labels the repository lacks, as GitHub does for
// someone with push access; g.mu is held.
func (g *GitHub) ensureLabels(repo *ghRepo, names []string) []string {
	var out []string
	for _, n := range names {
		l := repo.label(n)
		if l == nil {
			l = &ghLabel{id: g.id(), name: n, color: "ededed"}
			repo.labels = append(repo.labels, l)
		}
		if !slices.Contains(out, l.name) {
			out = append(out, l.name)
		}
	}
	return out
}

func (g *GitHub) createIssue(w http.ResponseWriter, r *http.Request, c caller) {
	var in issueInput
	if !decode(w, r, &in) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		ghValidation(w, "Issue", "title", "missing_field")
		return
	}
	var assignees []string
	if in.Assignees != nil {
		assignees = *in.Assignees
	}
	if !g.knownUsers(w, assignees) {
		return
	}
	is := g.newIssue(repo, c.login, *in.Title, deref(in.Body))
	if in.Labels != nil {
		is.labels = g.ensureLabels(repo, *in.Labels)
		for _, l := range is.labels {
			g.event(repo, is, "labeled", c.login, "", l)
		}
	}
	g.applyChange(repo, is, c.login, &IssueChange{State: "open", Title: is.title, Assignees: assignees})
	writeJSON(w, r, http.StatusCreated, g.issueJSON(apiBase(r), repo, is))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// newIssue appends an open issue to repo; g.mu is held.
func (g *GitHub) newIssue(repo *ghRepo, user, title, body string) *ghIssue {
	now := g.clock.Now().UTC()
	is := &ghIssue{id: g.id(), number: len(repo.issues) + 1, title: title, body: body, state: "open",
		user: user, created: now, updated: now, labels: []string{}, assignees: []string{}}
	g.user(user)
	repo.issues = append(repo.issues, is)
	g.touch(is)
	return is
}

func (g *GitHub) getIssue(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if repo, is := g.issueOf(w, r, "issue_number"); is != nil {
		writeJSON(w, r, http.StatusOK, g.issueJSON(apiBase(r), repo, is))
	}
}

func (g *GitHub) updateIssue(w http.ResponseWriter, r *http.Request, c caller) {
	var in issueInput
	if !decode(w, r, &in) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.issueOf(w, r, "issue_number")
	if is == nil {
		return
	}
	ch := &IssueChange{State: is.state, Title: is.title, Assignees: slices.Clone(is.assignees)}
	if in.Title != nil {
		if strings.TrimSpace(*in.Title) == "" {
			ghValidation(w, "Issue", "title", "missing_field")
			return
		}
		ch.Title = *in.Title
	}
	if in.State != nil {
		if *in.State != "open" && *in.State != "closed" {
			ghValidation(w, "Issue", "state", "invalid")
			return
		}
		ch.State = *in.State
	}
	if in.StateReason != nil {
		if !slices.Contains([]string{"completed", "not_planned", "reopened", "duplicate"}, *in.StateReason) {
			ghValidation(w, "Issue", "state_reason", "invalid")
			return
		}
		ch.StateReason = *in.StateReason
	}
	if in.Assignees != nil {
		if !g.knownUsers(w, *in.Assignees) {
			return
		}
		ch.Assignees = *in.Assignees
	}
	if in.Body != nil {
		is.body = *in.Body
	}
	if in.Labels != nil {
		g.setLabels(repo, is, c.login, g.ensureLabels(repo, *in.Labels))
	}
	g.applyChange(repo, is, c.login, ch)
	writeJSON(w, r, http.StatusOK, g.issueJSON(apiBase(r), repo, is))
}

// setLabels replaces an issue's labels, recording events; g.mu is held.
func (g *GitHub) setLabels(repo *ghRepo, is *ghIssue, actor string, labels []string) {
	for _, l := range is.labels {
		if !slices.Contains(labels, l) {
			g.event(repo, is, "unlabeled", actor, "", l)
		}
	}
	for _, l := range labels {
		if !slices.Contains(is.labels, l) {
			g.event(repo, is, "labeled", actor, "", l)
		}
	}
	is.labels = labels
	g.touch(is)
}

func (g *GitHub) listComments(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.issueOf(w, r, "issue_number")
	if is == nil {
		return
	}
	var list []*ghComment
	for _, c := range repo.comments {
		if c.issue == is.number {
			list = append(list, c)
		}
	}
	writePage(w, r, list, func(c *ghComment) any { return g.commentJSON(apiBase(r), repo, c) })
}

func (g *GitHub) createComment(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		Body *string `json:"body"`
	}
	if !decode(w, r, &in) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.issueOf(w, r, "issue_number")
	if is == nil {
		return
	}
	if in.Body == nil || strings.TrimSpace(*in.Body) == "" {
		ghValidation(w, "IssueComment", "body", "missing_field")
		return
	}
	now := g.clock.Now().UTC()
	cm := &ghComment{id: g.id(), issue: is.number, body: *in.Body, user: c.login, created: now, updated: now}
	repo.comments = append(repo.comments, cm)
	g.touch(is)
	writeJSON(w, r, http.StatusCreated, g.commentJSON(apiBase(r), repo, cm))
}

func (g *GitHub) updateComment(w http.ResponseWriter, r *http.Request, _ caller) {
	var in struct {
		Body *string `json:"body"`
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
	id, _ := strconv.ParseInt(r.PathValue("comment_id"), 10, 64)
	i := slices.IndexFunc(repo.comments, func(c *ghComment) bool { return c.id == id })
	if i < 0 {
		ghError(w, http.StatusNotFound, "Not Found")
		return
	}
	if in.Body == nil || strings.TrimSpace(*in.Body) == "" {
		ghValidation(w, "IssueComment", "body", "missing_field")
		return
	}
	cm := repo.comments[i]
	cm.body, cm.updated = *in.Body, g.clock.Now().UTC()
	writeJSON(w, r, http.StatusOK, g.commentJSON(apiBase(r), repo, cm))
}

func (g *GitHub) issueLabelsJSON(api string, repo *ghRepo, is *ghIssue) []any {
	out := make([]any, 0, len(is.labels))
	for _, n := range is.labels {
		out = append(out, labelJSON(api, repo, repo.label(n)))
	}
	return out
}

func (g *GitHub) addLabels(w http.ResponseWriter, r *http.Request, c caller) {
	// GitHub takes {"labels": [...]} or, as go-github sends it, a bare array.
	var raw json.RawMessage
	if !decode(w, r, &raw) {
		return
	}
	var in struct {
		Labels []string `json:"labels"`
	}
	if json.Unmarshal(raw, &in.Labels) != nil && json.Unmarshal(raw, &in) != nil {
		ghError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.issueOf(w, r, "issue_number")
	if is == nil {
		return
	}
	g.setLabels(repo, is, c.login, g.ensureLabels(repo, append(slices.Clone(is.labels), in.Labels...)))
	writeJSON(w, r, http.StatusOK, g.issueLabelsJSON(apiBase(r), repo, is))
}

func (g *GitHub) removeLabel(w http.ResponseWriter, r *http.Request, c caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.issueOf(w, r, "issue_number")
	if is == nil {
		return
	}
	name := r.PathValue("name")
	i := slices.IndexFunc(is.labels, func(l string) bool { return strings.EqualFold(l, name) })
	if i < 0 {
		ghError(w, http.StatusNotFound, "Label does not exist")
		return
	}
	g.setLabels(repo, is, c.login, slices.Delete(slices.Clone(is.labels), i, i+1))
	writeJSON(w, r, http.StatusOK, g.issueLabelsJSON(apiBase(r), repo, is))
}

func (g *GitHub) listLabels(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	writePage(w, r, repo.labels, func(l *ghLabel) any { return labelJSON(apiBase(r), repo, l) })
}

func (g *GitHub) createLabel(w http.ResponseWriter, r *http.Request, _ caller) {
	var in struct {
		Name        string `json:"name"`
		Color       string `json:"color"`
		Description string `json:"description"`
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
	if strings.TrimSpace(in.Name) == "" {
		ghValidation(w, "Label", "name", "missing_field")
		return
	}
	if repo.label(in.Name) != nil {
		ghValidation(w, "Label", "name", "already_exists")
		return
	}
	l := &ghLabel{id: g.id(), name: in.Name, color: cmp.Or(strings.TrimPrefix(in.Color, "#"), "ededed"), description: in.Description}
	repo.labels = append(repo.labels, l)
	writeJSON(w, r, http.StatusCreated, labelJSON(apiBase(r), repo, l))
}

func (g *GitHub) changeAssignees(w http.ResponseWriter, r *http.Request, c caller, add bool) {
	var in struct {
		Assignees []string `json:"assignees"`
	}
	if !decode(w, r, &in) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.issueOf(w, r, "issue_number")
	if is == nil {
		return
	}
	next := slices.Clone(is.assignees)
	for _, a := range in.Assignees {
		i := slices.IndexFunc(next, func(x string) bool { return strings.EqualFold(x, a) })
		switch {
		case add && i < 0:
			if _, ok := g.users[strings.ToLower(a)]; ok {
				next = append(next, g.users[strings.ToLower(a)].login)
			}
		case !add && i >= 0:
			next = slices.Delete(next, i, i+1)
		}
	}
	g.applyChange(repo, is, c.login, &IssueChange{State: is.state, StateReason: is.stateReason, Title: is.title, Assignees: next})
	status := http.StatusOK
	if add {
		status = http.StatusCreated
	}
	writeJSON(w, r, status, g.issueJSON(apiBase(r), repo, is))
}

func (g *GitHub) addAssignees(w http.ResponseWriter, r *http.Request, c caller) {
	g.changeAssignees(w, r, c, true)
}

func (g *GitHub) removeAssignees(w http.ResponseWriter, r *http.Request, c caller) {
	g.changeAssignees(w, r, c, false)
}

func (g *GitHub) listEvents(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, is := g.issueOf(w, r, "issue_number")
	if is == nil {
		return
	}
	var list []*ghEvent
	for _, e := range repo.events {
		if e.issue == is.number {
			list = append(list, e)
		}
	}
	writePage(w, r, list, func(e *ghEvent) any { return g.eventJSON(apiBase(r), repo, e) })
}
