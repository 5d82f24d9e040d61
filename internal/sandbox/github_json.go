package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The JSON GitHub answers with, field for field as its OpenAPI description
// requires; the contract tests validate every answer against it.

// web is the web host html_url fields name: GitHubOptions.WebURL, or
// https://github.com.
func (g *GitHub) web() string {
	if g.opts.WebURL != "" {
		return strings.TrimSuffix(g.opts.WebURL, "/")
	}
	return "https://github.com"
}

func apiBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func ghTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func nodeID(prefix string, id int64) string {
	return prefix + "_" + base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d", id)))
}

func (g *GitHub) userJSON(api, login string) map[string]any {
	u := g.user(login)
	base := api + "/users/" + u.login
	return map[string]any{
		"login": u.login, "id": u.id, "node_id": nodeID("U", u.id), "type": u.typ, "site_admin": false,
		"avatar_url": "https://avatars.githubusercontent.com/u/" + fmt.Sprint(u.id), "gravatar_id": "",
		"url": base, "html_url": g.web() + "/" + u.login,
		"followers_url": base + "/followers", "following_url": base + "/following{/other_user}",
		"gists_url": base + "/gists{/gist_id}", "starred_url": base + "/starred{/owner}{/repo}",
		"subscriptions_url": base + "/subscriptions", "organizations_url": base + "/orgs",
		"repos_url": base + "/repos", "events_url": base + "/events{/privacy}",
		"received_events_url": base + "/received_events",
	}
}

func (g *GitHub) userOrNil(api, login string) any {
	if login == "" {
		return nil
	}
	return g.userJSON(api, login)
}

func labelJSON(api string, r *ghRepo, l *ghLabel) map[string]any {
	return map[string]any{"id": l.id, "node_id": nodeID("LA", l.id), "name": l.name, "color": l.color,
		"description": nilIfEmpty(l.description), "default": false,
		"url": api + "/repos/" + r.fullName() + "/labels/" + strings.ReplaceAll(l.name, " ", "%20")}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (r *ghRepo) label(name string) *ghLabel {
	for _, l := range r.labels {
		if strings.EqualFold(l.name, name) {
			return l
		}
	}
	return nil
}

func (g *GitHub) repoJSON(api string, r *ghRepo, full bool) map[string]any {
	base := api + "/repos/" + r.fullName()
	m := map[string]any{
		"id": r.id, "node_id": nodeID("R", r.id), "name": r.name, "full_name": r.fullName(),
		"owner": g.userJSON(api, r.owner), "private": r.private, "html_url": g.web() + "/" + r.fullName(),
		"description": nil, "fork": false, "url": base, "homepage": nil, "language": "Go",
		"archive_url": base + "/{archive_format}{/ref}", "assignees_url": base + "/assignees{/user}",
		"blobs_url": base + "/git/blobs{/sha}", "branches_url": base + "/branches{/branch}",
		"collaborators_url": base + "/collaborators{/collaborator}", "comments_url": base + "/comments{/number}",
		"commits_url": base + "/commits{/sha}", "compare_url": base + "/compare/{base}...{head}",
		"contents_url": base + "/contents/{+path}", "contributors_url": base + "/contributors",
		"deployments_url": base + "/deployments", "downloads_url": base + "/downloads",
		"events_url": base + "/events", "forks_url": base + "/forks",
		"git_commits_url": base + "/git/commits{/sha}", "git_refs_url": base + "/git/refs{/sha}",
		"git_tags_url": base + "/git/tags{/sha}", "git_url": "git://github.com/" + r.fullName() + ".git",
		"hooks_url": base + "/hooks", "issue_comment_url": base + "/issues/comments{/number}",
		"issue_events_url": base + "/issues/events{/number}", "issues_url": base + "/issues{/number}",
		"keys_url": base + "/keys{/key_id}", "labels_url": base + "/labels{/name}",
		"languages_url": base + "/languages", "merges_url": base + "/merges",
		"milestones_url": base + "/milestones{/number}", "notifications_url": base + "/notifications{?since,all,participating}",
		"pulls_url": base + "/pulls{/number}", "releases_url": base + "/releases{/id}",
		"ssh_url": "git@github.com:" + r.fullName() + ".git", "stargazers_url": base + "/stargazers",
		"statuses_url": base + "/statuses/{sha}", "subscribers_url": base + "/subscribers",
		"subscription_url": base + "/subscription", "tags_url": base + "/tags", "teams_url": base + "/teams",
		"trees_url": base + "/git/trees{/sha}", "clone_url": g.web() + "/" + r.fullName() + ".git",
		"mirror_url": nil, "svn_url": g.web() + "/" + r.fullName(),
		"forks": 0, "forks_count": 0, "stargazers_count": 0, "watchers_count": 0, "watchers": 0, "size": 0,
		"default_branch": r.defaultBranch, "open_issues_count": r.openIssues(), "open_issues": r.openIssues(),
		"has_issues": true, "has_projects": true, "has_wiki": false, "has_pages": false, "has_downloads": true,
		"has_discussions": false, "archived": false, "disabled": false, "license": nil, "visibility": visibility(r),
		"pushed_at": ghTime(r.created), "created_at": ghTime(r.created), "updated_at": ghTime(r.created),
		"topics": []string{},
	}
	if full {
		m["network_count"] = 0
		m["subscribers_count"] = 0
	}
	return m
}

func visibility(r *ghRepo) string {
	if r.private {
		return "private"
	}
	return "public"
}

func (r *ghRepo) openIssues() int {
	n := 0
	for _, is := range r.issues {
		if is.state == "open" {
			n++
		}
	}
	return n
}

func (g *GitHub) issueJSON(api string, r *ghRepo, is *ghIssue) map[string]any {
	base := api + "/repos/" + r.fullName() + "/issues/" + fmt.Sprint(is.number)
	labels := make([]any, 0, len(is.labels))
	for _, name := range is.labels {
		if l := r.label(name); l != nil {
			labels = append(labels, labelJSON(api, r, l))
		}
	}
	assignees := make([]any, 0, len(is.assignees))
	for _, a := range is.assignees {
		assignees = append(assignees, g.userJSON(api, a))
	}
	var assignee any
	if len(assignees) > 0 {
		assignee = assignees[0]
	}
	comments := 0
	for _, c := range r.comments {
		if c.issue == is.number {
			comments++
		}
	}
	kind := "issues"
	if is.pull != nil {
		kind = "pull"
	}
	m := map[string]any{
		"id": is.id, "node_id": nodeID("I", is.id), "url": base, "repository_url": api + "/repos/" + r.fullName(),
		"labels_url": base + "/labels{/name}", "comments_url": base + "/comments", "events_url": base + "/events",
		"html_url": fmt.Sprintf("%s/%s/%s/%d", g.web(), r.fullName(), kind, is.number),
		"number":   is.number, "state": is.state, "state_reason": nilIfEmpty(is.stateReason), "title": is.title,
		"body": nilIfEmpty(is.body), "user": g.userJSON(api, is.user), "labels": labels, "assignee": assignee,
		"assignees": assignees, "milestone": nil, "locked": is.locked, "active_lock_reason": nil,
		"comments": comments, "closed_at": ghTime(is.closed), "created_at": ghTime(is.created),
		"updated_at": ghTime(is.updated), "closed_by": g.userOrNil(api, is.closedBy),
		"author_association": "MEMBER",
		"reactions": map[string]any{"url": base + "/reactions", "total_count": 0, "+1": 0, "-1": 0, "laugh": 0,
			"confused": 0, "heart": 0, "hooray": 0, "eyes": 0, "rocket": 0},
	}
	if p := is.pull; p != nil {
		pb := api + "/repos/" + r.fullName() + "/pulls/" + fmt.Sprint(is.number)
		m["pull_request"] = map[string]any{"url": pb, "html_url": fmt.Sprintf("%s/%s/pull/%d", g.web(), r.fullName(), is.number),
			"diff_url": pb + ".diff", "patch_url": pb + ".patch", "merged_at": ghTime(p.mergedAt)}
		m["draft"] = p.draft
	}
	return m
}

func (g *GitHub) commentJSON(api string, r *ghRepo, c *ghComment) map[string]any {
	return map[string]any{
		"id": c.id, "node_id": nodeID("IC", c.id), "body": c.body, "user": g.userJSON(api, c.user),
		"url":        fmt.Sprintf("%s/repos/%s/issues/comments/%d", api, r.fullName(), c.id),
		"html_url":   fmt.Sprintf("%s/%s/issues/%d#issuecomment-%d", g.web(), r.fullName(), c.issue, c.id),
		"issue_url":  fmt.Sprintf("%s/repos/%s/issues/%d", api, r.fullName(), c.issue),
		"created_at": ghTime(c.created), "updated_at": ghTime(c.updated), "author_association": "MEMBER",
	}
}

func (g *GitHub) eventJSON(api string, r *ghRepo, e *ghEvent) map[string]any {
	m := map[string]any{
		"id": e.id, "node_id": nodeID("E", e.id), "url": fmt.Sprintf("%s/repos/%s/issues/events/%d", api, r.fullName(), e.id),
		"actor": g.userJSON(api, e.actor), "event": e.event, "commit_id": nil, "commit_url": nil,
		"created_at": ghTime(e.created), "performed_via_github_app": nil,
	}
	switch e.event {
	case "assigned", "unassigned":
		m["assignee"] = g.userJSON(api, e.assignee)
		m["assigner"] = g.userJSON(api, e.actor)
	case "labeled", "unlabeled":
		color := "ededed"
		if l := r.label(e.label); l != nil {
			color = l.color
		}
		m["label"] = map[string]any{"name": e.label, "color": color}
	case "renamed":
		m["rename"] = map[string]any{"from": "", "to": ""}
	}
	return m
}

func (g *GitHub) pullJSON(api string, r *ghRepo, is *ghIssue, full bool) map[string]any {
	p := is.pull
	m := g.issueJSON(api, r, is)
	base := api + "/repos/" + r.fullName()
	self := fmt.Sprintf("%s/pulls/%d", base, is.number)
	link := func(u string) map[string]any { return map[string]any{"href": u} }
	ref := func(branch, sha string) map[string]any {
		return map[string]any{"label": r.owner + ":" + branch, "ref": branch, "sha": sha,
			"user": g.userJSON(api, r.owner), "repo": g.repoJSON(api, r, false)}
	}
	out := map[string]any{
		"url": self, "id": is.id, "node_id": nodeID("PR", is.id), "html_url": m["html_url"],
		"diff_url":  fmt.Sprintf("%s/%s/pull/%d.diff", g.web(), r.fullName(), is.number),
		"patch_url": fmt.Sprintf("%s/%s/pull/%d.patch", g.web(), r.fullName(), is.number),
		"issue_url": fmt.Sprintf("%s/issues/%d", base, is.number), "commits_url": self + "/commits",
		"review_comments_url": self + "/comments", "review_comment_url": base + "/pulls/comments{/number}",
		"comments_url": fmt.Sprintf("%s/issues/%d/comments", base, is.number),
		"statuses_url": base + "/statuses/" + p.headSHA, "number": is.number, "state": is.state,
		"locked": is.locked, "title": is.title, "user": m["user"], "body": m["body"], "labels": m["labels"],
		"milestone": nil, "active_lock_reason": nil, "created_at": m["created_at"], "updated_at": m["updated_at"],
		"closed_at": m["closed_at"], "merged_at": ghTime(p.mergedAt), "merge_commit_sha": nilIfEmpty(p.mergeSHA),
		"assignee": m["assignee"], "assignees": m["assignees"], "requested_reviewers": g.users2JSON(api, p.requestedReviewers),
		"requested_teams": []any{}, "head": ref(p.head, p.headSHA), "base": ref(p.base, p.baseSHA),
		"_links": map[string]any{"self": link(self), "html": link(m["html_url"].(string)),
			"issue": link(fmt.Sprintf("%s/issues/%d", base, is.number)), "comments": link(fmt.Sprintf("%s/issues/%d/comments", base, is.number)),
			"review_comments": link(self + "/comments"), "review_comment": link(base + "/pulls/comments{/number}"),
			"commits": link(self + "/commits"), "statuses": link(base + "/statuses/" + p.headSHA)},
		"author_association": "MEMBER", "auto_merge": nil, "draft": p.draft,
	}
	if full {
		out["merged"] = p.merged
		out["mergeable"] = true
		out["rebaseable"] = true
		out["mergeable_state"] = "clean"
		out["merged_by"] = g.userOrNil(api, p.mergedBy)
		out["comments"] = m["comments"]
		out["review_comments"] = 0
		out["maintainer_can_modify"] = false
		out["commits"] = 1
		out["additions"], out["deletions"], out["changed_files"] = r.diffStats(p)
	}
	return out
}

func (g *GitHub) users2JSON(api string, logins []string) []any {
	out := make([]any, 0, len(logins))
	for _, l := range logins {
		out = append(out, g.userJSON(api, l))
	}
	return out
}

func (g *GitHub) checkRunJSON(api string, r *ghRepo, c *ghCheckRun) map[string]any {
	url := fmt.Sprintf("%s/repos/%s/check-runs/%d", api, r.fullName(), c.id)
	return map[string]any{
		"id": c.id, "node_id": nodeID("CR", c.id), "head_sha": c.headSHA, "name": c.name,
		"external_id": c.externalID, "url": url, "html_url": fmt.Sprintf("%s/%s/runs/%d", g.web(), r.fullName(), c.id),
		"details_url": c.detailsURL, "status": c.status, "conclusion": nilIfEmpty(c.conclusion),
		"started_at": ghTime(c.started), "completed_at": ghTime(c.completed),
		"output": map[string]any{"title": nilIfEmpty(c.title), "summary": nilIfEmpty(c.summary), "text": nilIfEmpty(c.text),
			"annotations_count": len(c.annotations), "annotations_url": url + "/annotations"},
		"check_suite": map[string]any{"id": c.id}, "app": g.appJSON(api), "pull_requests": []any{},
	}
}

func (g *GitHub) appJSON(api string) map[string]any {
	now := ghTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	return map[string]any{
		"id": g.opts.AppID, "node_id": nodeID("A", g.opts.AppID), "slug": g.opts.AppSlug, "name": g.opts.AppSlug,
		"owner": g.userJSON(api, g.opts.AppSlug+"-owner"), "description": nil,
		"external_url": g.web(), "html_url": g.web() + "/apps/" + g.opts.AppSlug, "created_at": now, "updated_at": now,
		"permissions": map[string]any{"issues": "write", "checks": "write", "contents": "write", "metadata": "read"},
		"events":      []string{"issues", "pull_request"},
	}
}

func (g *GitHub) statusJSON(api string, r *ghRepo, s *ghStatus) map[string]any {
	return map[string]any{
		"url": fmt.Sprintf("%s/repos/%s/statuses/%s", api, r.fullName(), s.sha), "avatar_url": nil,
		"id": s.id, "node_id": nodeID("SC", s.id), "state": s.state, "description": nilIfEmpty(s.description),
		"target_url": nilIfEmpty(s.targetURL), "context": s.context, "created_at": ghTime(s.created),
		"updated_at": ghTime(s.created), "creator": g.userJSON(api, s.creator),
	}
}
