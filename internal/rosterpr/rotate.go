package rosterpr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/calendar"
	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// Repo is where roster.yaml lives.
type Repo struct {
	Owner, Name string
	Path        string // roster.yaml's path
	Base        string // the branch pull requests merge into; "" = the default branch
	// CalendarPath, when set, is an ICS file the rotation pull request
	// regenerates.
	CalendarPath string
	// PagePath, when set, is the team-roles page it regenerates too.
	PagePath string
	// Issues is owner/name of the support issues, for hand-over checklists.
	Issues       string
	SupportLabel string
}

// Rotator opens and keeps the rotation pull request.
type Rotator struct {
	GH   *gh.Client
	FD   *freshdesk.Client // optional: tickets in the checklist
	Repo Repo
	// Today is the current date in the team's time zone.
	Today civil.Date
	// Lead is how many days before a handoff its pull request opens.
	Lead int
}

// Result says what a rotate run did, in a sentence and in figures.
type Result struct {
	Message     string `json:"message"`
	PullRequest int    `json:"pull_request,omitempty"`
	URL         string `json:"url,omitempty"`
	Created     bool   `json:"created,omitempty"`
	Updated     bool   `json:"updated,omitempty"`
	// Declined is true when the team closed this proposal unmerged.
	Declined bool `json:"declined,omitempty"`
}

// baseBranch returns the configured branch or the repository's default.
func (r *Rotator) baseBranch(ctx context.Context) (string, error) {
	if r.Repo.Base != "" {
		return r.Repo.Base, nil
	}
	repo, _, err := r.GH.REST.Repositories.Get(ctx, r.Repo.Owner, r.Repo.Name)
	if err != nil {
		return "", fmt.Errorf("reading %s/%s: %w", r.Repo.Owner, r.Repo.Name, err)
	}
	return repo.GetDefaultBranch(), nil
}

// file reads a file at ref; a missing file is "" with found false.
func (r *Rotator) file(ctx context.Context, path, ref string) (content, sha string, found bool, err error) {
	f, _, resp, err := r.GH.REST.Repositories.GetContents(ctx, r.Repo.Owner, r.Repo.Name, path, &github.RepositoryContentGetOptions{Ref: ref})
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("reading %s at %s: %w", path, ref, err)
	}
	c, err := f.GetContent()
	return c, f.GetSHA(), true, err
}

// Rotate proposes the next handoff as a pull request, or keeps the one
// that proposes it up to date. With dryRun it says what it would do.
func (r *Rotator) Rotate(ctx context.Context, dryRun bool) (Result, error) {
	base, err := r.baseBranch(ctx)
	if err != nil {
		return Result{}, err
	}
	ref, _, err := r.GH.REST.Git.GetRef(ctx, r.Repo.Owner, r.Repo.Name, "heads/"+base)
	if err != nil {
		return Result{}, fmt.Errorf("reading branch %s: %w", base, err)
	}
	baseSHA := ref.GetObject().GetSHA()
	content, _, found, err := r.file(ctx, r.Repo.Path, baseSHA)
	if err != nil {
		return Result{}, err
	}
	if !found {
		return Result{}, fmt.Errorf("%s/%s has no %s on %s", r.Repo.Owner, r.Repo.Name, r.Repo.Path, base)
	}
	rs, probs := roster.Parse(r.Repo.Path, []byte(content))
	if rs == nil {
		return Result{}, fmt.Errorf("%s on %s is not valid; fix it first:\n%w", r.Repo.Path, base, probs.Errors())
	}
	prop, err := rotation.Propose(rs, r.Today, r.Lead)
	var none rotation.NoProposal
	if errors.As(err, &none) {
		return Result{Message: "No rotation pull request needed: " + none.Reason + "."}, nil
	}
	if err != nil {
		return Result{}, err
	}
	files, err := r.files(rs, []byte(content), prop)
	if err != nil {
		return Result{}, err
	}
	want := proposalMarker{Handoff: prop.Handoff.Date.String(), Shifts: prop.NewShifts, Base: baseSHA, Reviewers: reviewers(prop)}
	lists, err := r.checklists(ctx, rs, prop)
	if err != nil {
		return Result{}, err
	}
	calURL := ""
	if r.Repo.CalendarPath != "" {
		// No answer carries this link (the file may not exist yet): the
		// configured web host, so it works on GitHub Enterprise Server.
		calURL = fmt.Sprintf("%s/%s/%s/blob/%s/%s", r.GH.WebURL(), r.Repo.Owner, r.Repo.Name, base, r.Repo.CalendarPath)
	}
	body := func(m proposalMarker) string { return Body(prop, lists, calURL, m) }

	for k := 1; ; k++ {
		branch := "steward/rotation-" + want.Handoff
		if k > 1 {
			branch += fmt.Sprintf("-%d", k)
		}
		prs, _, err := r.GH.REST.PullRequests.List(ctx, r.Repo.Owner, r.Repo.Name, &github.PullRequestListOptions{
			Head: r.Repo.Owner + ":" + branch, State: "all"})
		if err != nil {
			return Result{}, fmt.Errorf("looking for the rotation pull request: %w", err)
		}
		if len(prs) == 0 {
			if dryRun {
				return Result{Message: fmt.Sprintf("Would open %q from %s.", prop.Title(), branch)}, nil
			}
			return r.open(ctx, branch, base, baseSHA, files, prop.Title(), body, want)
		}
		pr := prs[0]
		had, _ := parseMarker(pr.GetBody())
		switch {
		case pr.GetState() == "open":
			if dryRun {
				return Result{Message: fmt.Sprintf("Would update #%d, %q.", pr.GetNumber(), prop.Title()), PullRequest: pr.GetNumber()}, nil
			}
			return r.update(ctx, pr, had, branch, baseSHA, files, prop.Title(), body, want)
		case !pr.GetMerged() && had.same(want):
			return Result{Declined: true, PullRequest: pr.GetNumber(), URL: pr.GetHTMLURL(),
				Message: fmt.Sprintf("The handoff on %s stays unconfirmed: the team closed #%d, which proposed it, without merging. "+
					"steward does not propose the same again; edit roster.yaml's shifts by hand, or reopen #%d.", want.Handoff, pr.GetNumber(), pr.GetNumber())}, nil
		}
		// A different proposal for the same day, or one merged and since
		// undone: propose afresh on the next branch name.
	}
}

// files is every file the pull request writes: roster.yaml with the new
// shifts appended (and nothing else changed), and the calendar.
func (r *Rotator) files(rs *roster.Roster, content []byte, prop rotation.Proposal) (map[string][]byte, error) {
	shifts := append(slices.Clone(rs.Shifts), prop.NewShifts...)
	next, err := roster.SetShifts(content, shifts)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{r.Repo.Path: next}
	if r.Repo.CalendarPath != "" {
		nr, probs := roster.Parse(r.Repo.Path, next)
		if nr == nil {
			return nil, probs.Errors()
		}
		from := prop.Handoff.Date.AddDays(-8 * 7)
		s := rotation.Compute(nr, from, prop.Handoff.Date.AddDays(52*7))
		var buf bytes.Buffer
		// The stamp is the handoff's day, so an unchanged proposal writes
		// the same bytes.
		if err := calendar.Write(&buf, s, calendar.Options{Name: "Support Stewards: " + nr.Team,
			Domain: r.Repo.Owner + "." + r.Repo.Name, Stamp: prop.Handoff.Date.UTC(), Refresh: 12 * time.Hour}); err != nil {
			return nil, err
		}
		files[r.Repo.CalendarPath] = buf.Bytes()
	}
	if r.Repo.PagePath != "" {
		b, err := teamPage(r.Repo, next, prop.Handoff.Date)
		if err != nil {
			return nil, err
		}
		files[r.Repo.PagePath] = b
	}
	return files, nil
}

func reviewers(p rotation.Proposal) []string {
	var out []string
	for _, s := range append(slices.Clone(p.Handoff.Joining), p.Handoff.Leaving...) {
		if !slices.Contains(out, s.GitHub) {
			out = append(out, s.GitHub)
		}
	}
	return out
}

// checklists lists each leaver's open support issues and tickets.
func (r *Rotator) checklists(ctx context.Context, rs *roster.Roster, p rotation.Proposal) ([]Checklist, error) {
	owner, name, _ := strings.Cut(r.Repo.Issues, "/")
	var out []Checklist
	for _, s := range p.Handoff.Leaving {
		c := Checklist{Leaver: s.GitHub}
		if owner != "" {
			issues, _, err := r.GH.REST.Issues.ListByRepo(ctx, owner, name, &github.IssueListByRepoOptions{
				Assignee: s.GitHub, State: "open", Labels: []string{r.Repo.SupportLabel}, ListOptions: github.ListOptions{PerPage: 100}})
			if err != nil {
				return nil, fmt.Errorf("listing @%s's support issues: %w", s.GitHub, err)
			}
			for _, is := range issues {
				if !is.IsPullRequest() {
					c.Issues = append(c.Issues, ChecklistIssue{Number: is.GetNumber(), Title: is.GetTitle()})
				}
			}
		}
		if e, ok := rs.Engineer(s.GitHub); ok && r.FD != nil && e.FreshdeskAgentID != 0 {
			tickets, err := r.FD.Search(ctx, fmt.Sprintf("agent_id:%d AND (status:2 OR status:3)", e.FreshdeskAgentID))
			if err != nil {
				return nil, fmt.Errorf("finding @%s's open tickets: %w", s.GitHub, err)
			}
			for _, t := range tickets {
				c.Tickets = append(c.Tickets, ChecklistTicket{ID: t.ID, URL: r.FD.AgentURL(t.ID), Priority: freshdesk.PriorityName(t.Priority)})
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// commit writes each file that differs on the branch, one commit a file.
func (r *Rotator) commit(ctx context.Context, branch string, files map[string][]byte, message string) (bool, error) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	changed := false
	for _, p := range paths {
		have, sha, found, err := r.file(ctx, p, branch)
		if err != nil {
			return changed, err
		}
		if found && have == string(files[p]) {
			continue
		}
		opts := &github.RepositoryContentFileOptions{Message: github.String(message), Content: files[p], Branch: github.String(branch)}
		if found {
			opts.SHA = github.String(sha)
		}
		if _, _, err := r.GH.REST.Repositories.UpdateFile(ctx, r.Repo.Owner, r.Repo.Name, p, opts); err != nil {
			return changed, fmt.Errorf("committing %s to %s: %w", p, branch, err)
		}
		changed = true
	}
	return changed, nil
}

// head reads a branch's head commit.
func (r *Rotator) head(ctx context.Context, branch string) (string, error) {
	ref, _, err := r.GH.REST.Git.GetRef(ctx, r.Repo.Owner, r.Repo.Name, "heads/"+branch)
	if err != nil {
		return "", fmt.Errorf("reading branch %s: %w", branch, err)
	}
	return ref.GetObject().GetSHA(), nil
}

func (r *Rotator) open(ctx context.Context, branch, base, baseSHA string, files map[string][]byte, title string, body func(proposalMarker) string, m proposalMarker) (Result, error) {
	_, _, err := r.GH.REST.Git.CreateRef(ctx, r.Repo.Owner, r.Repo.Name, &github.Reference{Ref: github.String("refs/heads/" + branch), Object: &github.GitObject{SHA: github.String(baseSHA)}})
	if err != nil {
		// Left over from an earlier run that failed before opening the
		// pull request: start it again from the base.
		if _, _, uerr := r.GH.REST.Git.UpdateRef(ctx, r.Repo.Owner, r.Repo.Name, &github.Reference{Ref: github.String("refs/heads/" + branch), Object: &github.GitObject{SHA: github.String(baseSHA)}}, true); uerr != nil {
			return Result{}, fmt.Errorf("creating branch %s: %w", branch, err)
		}
	}
	if _, err := r.commit(ctx, branch, files, title); err != nil {
		return Result{}, err
	}
	if m.Head, err = r.head(ctx, branch); err != nil {
		return Result{}, err
	}
	pr, _, err := r.GH.REST.PullRequests.Create(ctx, r.Repo.Owner, r.Repo.Name, &github.NewPullRequest{
		Title: github.String(title), Head: github.String(branch), Base: github.String(base), Body: github.String(body(m))})
	if err != nil {
		return Result{}, fmt.Errorf("opening the rotation pull request: %w", err)
	}
	if len(m.Reviewers) > 0 {
		if _, _, err := r.GH.REST.PullRequests.RequestReviewers(ctx, r.Repo.Owner, r.Repo.Name, pr.GetNumber(), github.ReviewersRequest{Reviewers: m.Reviewers}); err != nil {
			return Result{PullRequest: pr.GetNumber(), URL: pr.GetHTMLURL(), Created: true}, fmt.Errorf("requesting reviews on #%d: %w", pr.GetNumber(), err)
		}
	}
	return Result{Created: true, PullRequest: pr.GetNumber(), URL: pr.GetHTMLURL(),
		Message: fmt.Sprintf("Opened #%d, %q.", pr.GetNumber(), title)}, nil
}

func (r *Rotator) update(ctx context.Context, pr *github.PullRequest, had proposalMarker, branch, baseSHA string, files map[string][]byte, title string, body func(proposalMarker) string, m proposalMarker) (Result, error) {
	res := Result{PullRequest: pr.GetNumber(), URL: pr.GetHTMLURL()}
	head, err := r.head(ctx, branch)
	if err != nil {
		return res, err
	}
	if had.Head != "" && head != had.Head {
		res.Message = fmt.Sprintf("#%d has commits by people since steward's last; steward leaves it as they made it.", pr.GetNumber())
		return res, nil
	}
	if had.Base != baseSHA {
		// The base moved: start the branch again from it.
		if _, _, err := r.GH.REST.Git.UpdateRef(ctx, r.Repo.Owner, r.Repo.Name, &github.Reference{Ref: github.String("refs/heads/" + branch), Object: &github.GitObject{SHA: github.String(baseSHA)}}, true); err != nil {
			return res, fmt.Errorf("rebasing %s: %w", branch, err)
		}
		res.Updated = true
	}
	changed, err := r.commit(ctx, branch, files, title)
	if err != nil {
		return res, err
	}
	res.Updated = res.Updated || changed
	if m.Head, err = r.head(ctx, branch); err != nil {
		return res, err
	}
	if b := body(m); pr.GetTitle() != title || pr.GetBody() != b {
		if _, _, err := r.GH.REST.PullRequests.Edit(ctx, r.Repo.Owner, r.Repo.Name, pr.GetNumber(), &github.PullRequest{Title: github.String(title), Body: github.String(b)}); err != nil {
			return res, fmt.Errorf("updating #%d: %w", pr.GetNumber(), err)
		}
		res.Updated = true
	}
	var missing []string
	for _, rv := range m.Reviewers {
		if !slices.Contains(had.Reviewers, rv) {
			missing = append(missing, rv)
		}
	}
	if len(missing) > 0 {
		if _, _, err := r.GH.REST.PullRequests.RequestReviewers(ctx, r.Repo.Owner, r.Repo.Name, pr.GetNumber(), github.ReviewersRequest{Reviewers: missing}); err != nil {
			return res, fmt.Errorf("requesting reviews on #%d: %w", pr.GetNumber(), err)
		}
		res.Updated = true
	}
	if res.Updated {
		res.Message = fmt.Sprintf("Updated #%d, %q.", pr.GetNumber(), title)
	} else {
		res.Message = fmt.Sprintf("#%d, %q, is up to date.", pr.GetNumber(), title)
	}
	return res, nil
}

// Preview is the rotation pull request steward would open, computed from
// the roster alone: no GitHub, no FreshDesk, no credentials.
type Preview struct {
	Message string `json:"message"`
	Title   string `json:"title,omitempty"`
	Body    string `json:"body,omitempty"`
	// Diff is roster.yaml's change, as lines removed (-) and added (+)
	// with a line of context either side.
	Diff string `json:"diff,omitempty"`
}

// PreviewRotation says what Rotate would propose for the roster in content
// (read from path): the same title and body, and the change to the file,
// without the hand-over checklist, which needs GitHub and FreshDesk.
func PreviewRotation(path string, content []byte, today civil.Date, lead int) (Preview, error) {
	rs, probs := roster.Parse(path, content)
	if rs == nil {
		return Preview{}, fmt.Errorf("%s is not valid; fix it first:\n%w", path, probs.Errors())
	}
	prop, err := rotation.Propose(rs, today, lead)
	var none rotation.NoProposal
	if errors.As(err, &none) {
		return Preview{Message: "No rotation pull request needed: " + none.Reason + "."}, nil
	}
	if err != nil {
		return Preview{}, err
	}
	next, err := roster.SetShifts(content, append(slices.Clone(rs.Shifts), prop.NewShifts...))
	if err != nil {
		return Preview{}, err
	}
	m := proposalMarker{Handoff: prop.Handoff.Date.String(), Shifts: prop.NewShifts, Reviewers: reviewers(prop)}
	return Preview{Message: fmt.Sprintf("Would open %q.", prop.Title()), Title: prop.Title(),
		Body: Body(prop, nil, "", m), Diff: lineDiff(path, string(content), string(next))}, nil
}

// lineDiff shows what changed between two versions that differ in one
// place, as a rotation's rewrite does: the common lines at both ends are
// left out but for one of context.
func lineDiff(path, a, b string) string {
	x, y := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n@@ line %d @@\n", path, path, max(pre, 1))
	line := func(sign string, s string) {
		out.WriteString(sign + strings.TrimSuffix(s, "\n") + "\n")
	}
	if pre > 0 {
		line(" ", x[pre-1])
	}
	for _, s := range x[pre : len(x)-suf] {
		line("-", s)
	}
	for _, s := range y[pre : len(y)-suf] {
		line("+", s)
	}
	if suf > 0 && len(x)-suf < len(x) && x[len(x)-suf] != "" {
		line(" ", x[len(x)-suf])
	}
	return out.String()
}
