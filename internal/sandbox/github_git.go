package sandbox

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"path"
	"strings"
)

func (g *GitHub) getRepo(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if repo := g.repoOf(w, r); repo != nil {
		writeJSON(w, r, http.StatusOK, g.repoJSON(apiBase(r), repo, true))
	}
}

func refJSON(api string, repo *ghRepo, ref, sha string) map[string]any {
	return map[string]any{
		"ref": "refs/" + ref, "node_id": nodeID("REF", int64(len(ref))), "url": fmt.Sprintf("%s/repos/%s/git/refs/%s", api, repo.fullName(), ref),
		"object": map[string]any{"type": "commit", "sha": sha, "url": fmt.Sprintf("%s/repos/%s/git/commits/%s", api, repo.fullName(), sha)},
	}
}

func (g *GitHub) getRef(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	ref := r.PathValue("ref")
	sha, ok := repo.refs[ref]
	if !ok {
		ghError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, r, http.StatusOK, refJSON(apiBase(r), repo, ref, sha))
}

func (g *GitHub) createRef(w http.ResponseWriter, r *http.Request, _ caller) {
	var in struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
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
	ref := strings.TrimPrefix(in.Ref, "refs/")
	switch {
	case !strings.HasPrefix(in.Ref, "refs/") || strings.Count(in.Ref, "/") < 2:
		ghError(w, http.StatusUnprocessableEntity, "Reference name must start with 'refs/' and have at least two slashes.")
		return
	case repo.commits[in.SHA] == nil:
		ghError(w, http.StatusUnprocessableEntity, "Object does not exist")
		return
	case repo.refs[ref] != "":
		ghError(w, http.StatusUnprocessableEntity, "Reference already exists")
		return
	}
	repo.refs[ref] = in.SHA
	writeJSON(w, r, http.StatusCreated, refJSON(apiBase(r), repo, ref, in.SHA))
}

func (g *GitHub) updateRef(w http.ResponseWriter, r *http.Request, _ caller) {
	var in struct {
		SHA   string `json:"sha"`
		Force bool   `json:"force"`
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
	ref := r.PathValue("ref")
	old, ok := repo.refs[ref]
	switch {
	case !ok:
		ghError(w, http.StatusUnprocessableEntity, "Reference does not exist")
		return
	case repo.commits[in.SHA] == nil:
		ghError(w, http.StatusUnprocessableEntity, "Object does not exist")
		return
	case !in.Force && !repo.descends(in.SHA, old):
		ghError(w, http.StatusUnprocessableEntity, "Update is not a fast forward")
		return
	}
	repo.refs[ref] = in.SHA
	writeJSON(w, r, http.StatusOK, refJSON(apiBase(r), repo, ref, in.SHA))
}

// descends reports whether commit sha has ancestor as itself or an ancestor.
func (repo *ghRepo) descends(sha, ancestor string) bool {
	for c := repo.commits[sha]; c != nil; c = repo.commits[c.parent] {
		if c.sha == ancestor {
			return true
		}
	}
	return false
}

// commitAt resolves ?ref= (a branch, or a commit sha) or the default branch.
func (repo *ghRepo) commitAt(ref string) *ghCommit {
	if ref == "" {
		ref = repo.defaultBranch
	}
	if c := repo.commits[ref]; c != nil {
		return c
	}
	return repo.commits[repo.refs["heads/"+strings.TrimPrefix(ref, "refs/heads/")]]
}

func (g *GitHub) contentJSON(api string, repo *ghRepo, p string, ref string, content []byte) map[string]any {
	sha := blobSHA(content)
	self := fmt.Sprintf("%s/repos/%s/contents/%s?ref=%s", api, repo.fullName(), p, ref)
	git := fmt.Sprintf("%s/repos/%s/git/blobs/%s", api, repo.fullName(), sha)
	html := fmt.Sprintf("%s/%s/blob/%s/%s", g.web(), repo.fullName(), ref, p)
	return map[string]any{
		"type": "file", "encoding": "base64", "size": len(content), "name": path.Base(p), "path": p,
		"content": base64.StdEncoding.EncodeToString(content), "sha": sha, "url": self, "git_url": git,
		"html_url": html, "download_url": fmt.Sprintf("https://raw.githubusercontent.com/%s/%s/%s", repo.fullName(), ref, p),
		"_links": map[string]any{"self": self, "git": git, "html": html},
	}
}

func (g *GitHub) getContent(w http.ResponseWriter, r *http.Request, _ caller) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo := g.repoOf(w, r)
	if repo == nil {
		return
	}
	ref := r.URL.Query().Get("ref")
	c := repo.commitAt(ref)
	p := r.PathValue("path")
	content, ok := []byte(nil), false
	if c != nil {
		content, ok = c.files[p]
	}
	if !ok {
		ghError(w, http.StatusNotFound, "Not Found")
		return
	}
	if ref == "" {
		ref = repo.defaultBranch
	}
	writeJSON(w, r, http.StatusOK, g.contentJSON(apiBase(r), repo, p, ref, content))
}

func (g *GitHub) putContent(w http.ResponseWriter, r *http.Request, c caller) {
	var in struct {
		Message string `json:"message"`
		Content string `json:"content"`
		SHA     string `json:"sha"`
		Branch  string `json:"branch"`
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
	branch := in.Branch
	if branch == "" {
		branch = repo.defaultBranch
	}
	head := repo.commits[repo.refs["heads/"+branch]]
	content, err := base64.StdEncoding.DecodeString(in.Content)
	switch {
	case head == nil:
		ghError(w, http.StatusNotFound, "Branch "+branch+" not found")
		return
	case in.Message == "":
		ghValidation(w, "Commit", "message", "missing_field")
		return
	case err != nil:
		ghError(w, http.StatusUnprocessableEntity, "content is not valid Base64")
		return
	}
	p := r.PathValue("path")
	old, exists := head.files[p]
	switch {
	case exists && in.SHA == "":
		ghError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"sha\" wasn't supplied.")
		return
	case exists && in.SHA != blobSHA(old):
		ghError(w, http.StatusConflict, fmt.Sprintf("%s does not match %s", p, in.SHA))
		return
	}
	files := maps.Clone(head.files)
	files[p] = content
	now := g.clock.Now().UTC()
	commit := &ghCommit{parent: head.sha, message: in.Message, files: files, author: c.login, at: now}
	commit.sha = commitSHA(head.sha, in.Message, files, now)
	repo.commits[commit.sha] = commit
	repo.refs["heads/"+branch] = commit.sha
	status := http.StatusOK
	if !exists {
		status = http.StatusCreated
	}
	api := apiBase(r)
	cj := g.contentJSON(api, repo, p, branch, content)
	delete(cj, "content")
	delete(cj, "encoding")
	person := map[string]any{"name": c.login, "email": c.login + "@users.noreply.github.com", "date": ghTime(now)}
	writeJSON(w, r, status, map[string]any{
		"content": cj,
		"commit": map[string]any{
			"sha": commit.sha, "node_id": nodeID("C", int64(len(repo.commits))),
			"url":      fmt.Sprintf("%s/repos/%s/git/commits/%s", api, repo.fullName(), commit.sha),
			"html_url": fmt.Sprintf("%s/%s/commit/%s", g.web(), repo.fullName(), commit.sha),
			"author":   person, "committer": person, "message": in.Message,
			"tree": map[string]any{"url": fmt.Sprintf("%s/repos/%s/git/trees/%s", api, repo.fullName(), commit.sha), "sha": commit.sha},
			"parents": []any{map[string]any{"url": fmt.Sprintf("%s/repos/%s/git/commits/%s", api, repo.fullName(), head.sha),
				"html_url": fmt.Sprintf("%s/%s/commit/%s", g.web(), repo.fullName(), head.sha), "sha": head.sha}},
			"verification": map[string]any{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil, "verified_at": nil},
		},
	})
}
