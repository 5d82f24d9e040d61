package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

type checkRunInput struct {
	Name       *string `json:"name"`
	HeadSHA    *string `json:"head_sha"`
	Status     *string `json:"status"`
	Conclusion *string `json:"conclusion"`
	ExternalID *string `json:"external_id"`
	DetailsURL *string `json:"details_url"`
	Output     *struct {
		Title       string           `json:"title"`
		Summary     string           `json:"summary"`
		Text        string           `json:"text"`
		Annotations []map[string]any `json:"annotations"`
	} `json:"output"`
}

var checkConclusions = []string{"action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"}

// applyCheckRun validates and applies input to c; it answers 422 and
// returns false on a bad input.
func (g *GitHub) applyCheckRun(w http.ResponseWriter, c *ghCheckRun, in checkRunInput) bool {
	now := g.clock.Now().UTC()
	if in.Status != nil {
		if !slices.Contains([]string{"queued", "in_progress", "completed"}, *in.Status) {
			ghValidation(w, "CheckRun", "status", "invalid")
			return false
		}
		c.status = *in.Status
	}
	if in.Conclusion != nil {
		if !slices.Contains(checkConclusions, *in.Conclusion) {
			ghValidation(w, "CheckRun", "conclusion", "invalid")
			return false
		}
		c.conclusion, c.status = *in.Conclusion, "completed"
	}
	if c.status == "completed" && c.conclusion == "" {
		ghValidation(w, "CheckRun", "conclusion", "missing_field")
		return false
	}
	if c.status == "completed" && c.completed.IsZero() {
		c.completed = now
	}
	if o := in.Output; o != nil {
		if o.Title == "" || o.Summary == "" {
			ghValidation(w, "CheckRun", "output", "missing_field")
			return false
		}
		if len(o.Annotations) > 50 {
			ghValidation(w, "CheckRun", "output.annotations", "too_many") // at most 50 a request
			return false
		}
		for _, a := range o.Annotations {
			for _, k := range []string{"path", "start_line", "end_line", "annotation_level", "message"} {
				if _, ok := a[k]; !ok {
					ghValidation(w, "CheckRun", "output.annotations."+k, "missing_field")
					return false
				}
			}
		}
		c.title, c.summary, c.text = o.Title, o.Summary, o.Text
		c.annotations = append(c.annotations, o.Annotations...)
	}
	if in.ExternalID != nil {
		c.externalID = *in.ExternalID
	}
	if in.DetailsURL != nil {
		c.detailsURL = *in.DetailsURL
	}
	return true
}

func (g *GitHub) createCheckRun(w http.ResponseWriter, r *http.Request, _ caller) {
	var in checkRunInput
	if !decode(w, r, &in) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	if in.Name == nil || *in.Name == "" || in.HeadSHA == nil || repo.commits[*in.HeadSHA] == nil {
		ghValidation(w, "CheckRun", "head_sha", "invalid")
		return
	}
	c := &ghCheckRun{id: g.id(), name: *in.Name, headSHA: *in.HeadSHA, status: "queued", started: g.clock.Now().UTC()}
	if !g.applyCheckRun(w, c, in) {
		return
	}
	repo.checkRuns = append(repo.checkRuns, c)
	writeJSON(w, r, http.StatusCreated, g.checkRunJSON(apiBase(r), repo, c))
}

func (g *GitHub) updateCheckRun(w http.ResponseWriter, r *http.Request, _ caller) {
	var in checkRunInput
	if !decode(w, r, &in) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("check_run_id"), 10, 64)
	i := slices.IndexFunc(repo.checkRuns, func(c *ghCheckRun) bool { return c.id == id })
	if i < 0 {
		ghError(w, http.StatusNotFound, "Not Found")
		return
	}
	c := *repo.checkRuns[i]
	if in.Name != nil {
		c.name = *in.Name
	}
	if !g.applyCheckRun(w, &c, in) {
		return
	}
	*repo.checkRuns[i] = c
	writeJSON(w, r, http.StatusOK, g.checkRunJSON(apiBase(r), repo, &c))
}

// shaOf resolves a ref path parameter (sha or branch); g.mu is held.
func (repo *ghRepo) shaOf(ref string) string {
	if c := repo.commitAt(ref); c != nil {
		return c.sha
	}
	return ""
}

func (g *GitHub) listCheckRuns(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	sha := repo.shaOf(r.PathValue("ref"))
	name := r.URL.Query().Get("check_name")
	var list []*ghCheckRun
	for _, c := range repo.checkRuns {
		if c.headSHA == sha && (name == "" || c.name == name) {
			list = append(list, c)
		}
	}
	lo, hi := pageOf(w, r, len(list))
	runs := make([]any, 0, hi-lo)
	for _, c := range list[lo:hi] {
		runs = append(runs, g.checkRunJSON(apiBase(r), repo, c))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"total_count": len(list), "check_runs": runs})
}

func (g *GitHub) createStatus(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		State       string `json:"state"`
		TargetURL   string `json:"target_url"`
		Description string `json:"description"`
		Context     string `json:"context"`
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
	sha := r.PathValue("sha")
	if repo.commits[sha] == nil {
		ghValidation(w, "Status", "sha", "invalid")
		return
	}
	if !slices.Contains([]string{"error", "failure", "pending", "success"}, in.State) {
		ghValidation(w, "Status", "state", "invalid")
		return
	}
	s := &ghStatus{id: g.id(), sha: sha, state: in.State, context: in.Context, description: in.Description,
		targetURL: in.TargetURL, creator: c.login, created: g.clock.Now().UTC()}
	if s.context == "" {
		s.context = "default"
	}
	repo.statuses = append(repo.statuses, s)
	writeJSON(w, r, http.StatusCreated, g.statusJSON(apiBase(r), repo, s))
}

func (g *GitHub) listStatuses(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	sha := repo.shaOf(r.PathValue("ref"))
	var list []*ghStatus
	for i := len(repo.statuses) - 1; i >= 0; i-- { // newest first
		if repo.statuses[i].sha == sha {
			list = append(list, repo.statuses[i])
		}
	}
	writePage(w, r, list, func(s *ghStatus) any { return g.statusJSON(apiBase(r), repo, s) })
}

func (g *GitHub) teamOf(w http.ResponseWriter, r *http.Request) *ghTeam {
	t := g.teams[strings.ToLower(r.PathValue("org")+"/"+r.PathValue("team_slug"))]
	if t == nil {
		ghError(w, http.StatusNotFound, "Not Found")
	}
	return t
}

func (g *GitHub) listTeamMembers(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.teamOf(w, r)
	if t == nil {
		return
	}
	writePage(w, r, t.members, func(m string) any { return g.userJSON(apiBase(r), m) })
}

func membershipJSON(api string, t *ghTeam, login string) map[string]any {
	return map[string]any{"url": fmt.Sprintf("%s/organizations/%s/team/%d/memberships/%s", api, t.org, t.id, login),
		"role": "member", "state": "active"}
}

func (g *GitHub) addTeamMember(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.teamOf(w, r)
	if t == nil {
		return
	}
	login := r.PathValue("username")
	u, ok := g.users[strings.ToLower(login)]
	if !ok {
		ghError(w, http.StatusNotFound, "Not Found")
		return
	}
	if !slices.ContainsFunc(t.members, func(m string) bool { return strings.EqualFold(m, login) }) {
		t.members = append(t.members, u.login)
	}
	writeJSON(w, r, http.StatusOK, membershipJSON(apiBase(r), t, u.login))
}

func (g *GitHub) removeTeamMember(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.teamOf(w, r)
	if t == nil {
		return
	}
	login := r.PathValue("username")
	i := slices.IndexFunc(t.members, func(m string) bool { return strings.EqualFold(m, login) })
	if i < 0 {
		ghError(w, http.StatusNotFound, "Not Found")
		return
	}
	t.members = slices.Delete(t.members, i, i+1)
	w.WriteHeader(http.StatusNoContent)
}

// appAuth checks the App's JWT (RS256, signed by the App's private key,
// iss = App id, at most ten minutes long), answering 401 as GitHub does.
func (g *GitHub) appAuth(w http.ResponseWriter, r *http.Request) bool {
	raw := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		if t.Method != jwt.SigningMethodRS256 {
			return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
		}
		if g.opts.AppKey == nil {
			return nil, fmt.Errorf("no App is configured")
		}
		return g.opts.AppKey, nil
	}, jwt.WithoutClaimsValidation())
	now := g.clock.Now()
	switch {
	case err != nil:
		ghError(w, http.StatusUnauthorized, "A JSON web token could not be decoded")
	case claims.Issuer != strconv.FormatInt(g.opts.AppID, 10):
		ghError(w, http.StatusUnauthorized, "'Issuer' claim ('iss') must be an Integer")
	case claims.ExpiresAt == nil || claims.IssuedAt == nil || claims.ExpiresAt.Sub(claims.IssuedAt.Time) > 10*time.Minute:
		ghError(w, http.StatusUnauthorized, "'Expiration time' claim ('exp') is too far in the future")
	case !now.Before(claims.ExpiresAt.Time.Add(time.Minute)):
		ghError(w, http.StatusUnauthorized, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
	default:
		return true
	}
	return false
}

// repoInstallation is GET /repos/{owner}/{repo}/installation, with the
// App's JWT: how an App finds the installation to act through.
func (g *GitHub) repoInstallation(w http.ResponseWriter, r *http.Request) {
	if !g.appAuth(w, r) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	for _, in := range g.installations {
		if strings.EqualFold(in.account, repo.owner) {
			api := apiBase(r)
			acct := g.user(in.account)
			stamp := ghTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			writeJSON(w, r, http.StatusOK, map[string]any{
				"id": in.id, "app_id": g.opts.AppID, "app_slug": g.opts.AppSlug, "target_id": acct.id, "target_type": acct.typ,
				"account": g.userJSON(api, in.account), "repository_selection": "all", "single_file_name": nil,
				"access_tokens_url": fmt.Sprintf("%s/app/installations/%d/access_tokens", api, in.id),
				"repositories_url":  api + "/installation/repositories",
				"html_url":          fmt.Sprintf("%s/organizations/%s/settings/installations/%d", g.web(), in.account, in.id),
				"events":            []string{"issues", "pull_request"},
				"permissions":       map[string]string{"issues": "write", "pull_requests": "write", "contents": "write", "checks": "write"},
				"created_at":        stamp, "updated_at": stamp, "suspended_by": nil, "suspended_at": nil,
			})
			return
		}
	}
	ghError(w, http.StatusNotFound, "Not Found")
}

// createInstallationToken mints a token good for an hour.
func (g *GitHub) createInstallationToken(w http.ResponseWriter, r *http.Request) {
	if !g.appAuth(w, r) {
		return
	}
	now := g.clock.Now()
	id, _ := strconv.ParseInt(r.PathValue("installation_id"), 10, 64)
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.installations[id]; !ok {
		ghError(w, http.StatusNotFound, "Not Found")
		return
	}
	b := make([]byte, 20)
	rand.Read(b)
	token := "ghs_" + hex.EncodeToString(b)
	expires := now.Add(time.Hour).UTC().Truncate(time.Second)
	login := g.opts.AppSlug + "[bot]"
	g.user(login)
	g.tokens[token] = &ghToken{login: login, installation: id, expires: expires}
	writeJSON(w, r, http.StatusCreated, map[string]any{"token": token, "expires_at": expires.Format(time.RFC3339),
		"permissions":          map[string]string{"issues": "write", "pull_requests": "write", "contents": "write", "checks": "write"},
		"repository_selection": "all"})
}

func (g *GitHub) rateLimit(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	c, ok := g.authenticate(r)
	if !ok {
		g.mu.Unlock()
		ghError(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	now := g.clock.Now()
	res := func(resource string, limit int) map[string]any {
		b := g.buckets[resource+" "+c.token]
		used, reset := 0, now.Add(time.Hour)
		if b != nil && now.Before(b.reset) {
			used, reset = b.used, b.reset
		}
		return map[string]any{"limit": limit, "used": used, "remaining": max(0, limit-used), "reset": reset.Unix()}
	}
	core := res("core", g.opts.RateLimit)
	body := map[string]any{"resources": map[string]any{"core": core, "search": res("search", 30), "graphql": res("graphql", 5000)}, "rate": core}
	g.mu.Unlock()
	writeJSON(w, r, http.StatusOK, body)
}

// searchIssues is GET /search/issues over an index that trails writes by
// SearchLag, so "does it exist?" asked here misses fresh issues, as on GitHub.
func (g *GitHub) searchIssues(w http.ResponseWriter, r *http.Request, _ caller) {
	q := r.URL.Query().Get("q")
	if strings.TrimSpace(q) == "" {
		ghValidation(w, "Search", "q", "missing")
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	horizon := g.clock.Now().Add(-g.opts.SearchLag)
	type hit struct {
		repo *ghRepo
		is   ghIssue
	}
	var hits []hit
	for _, repo := range g.repos {
		for _, live := range repo.issues {
			i := len(live.history) - 1
			for i >= 0 && live.history[i].at.After(horizon) {
				i--
			}
			if i < 0 {
				continue
			}
			if is := live.history[i].issue; searchMatch(q, repo, &is) {
				hits = append(hits, hit{repo, is})
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return b.is.created.Compare(a.is.created) })
	lo, hi := pageOf(w, r, min(len(hits), 1000))
	items := make([]any, 0, hi-lo)
	for _, h := range hits[lo:hi] {
		m := g.issueJSON(apiBase(r), h.repo, &h.is)
		m["score"] = 1.0
		if m["body"] == nil {
			m["body"] = "" // search results never carry a null body
		}
		items = append(items, m)
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"total_count": len(hits), "incomplete_results": false, "items": items, "search_type": "lexical"})
}

// searchMatch understands repo:, label:, is:issue, is:pr, is:open,
// is:closed, state:, in:body and bare words (in title or body).
func searchMatch(q string, repo *ghRepo, is *ghIssue) bool {
	for _, term := range strings.Fields(q) {
		k, v, qualified := strings.Cut(term, ":")
		v = strings.Trim(v, `"`)
		switch {
		case qualified && k == "repo":
			if !strings.EqualFold(v, repo.fullName()) {
				return false
			}
		case qualified && k == "label":
			if !hasAll(is.labels, []string{v}) {
				return false
			}
		case qualified && (k == "is" || k == "state"):
			switch v {
			case "issue":
				if is.pull != nil {
					return false
				}
			case "pr":
				if is.pull == nil {
					return false
				}
			case "open", "closed":
				if is.state != v {
					return false
				}
			}
		case qualified && k == "in":
			// The field qualifier: words are matched in title and body anyway.
		default:
			word := strings.ToLower(strings.Trim(term, `"`))
			if !strings.Contains(strings.ToLower(is.title+" "+is.body), word) {
				return false
			}
		}
	}
	return true
}
