package gh

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/port"
)

func pullOf(pr *github.PullRequest) port.PullRequest {
	return port.PullRequest{Number: pr.GetNumber(), Title: pr.GetTitle(), Body: pr.GetBody(), State: pr.GetState(), Merged: pr.GetMerged(),
		HeadRef: pr.GetHead().GetRef(), HeadSHA: pr.GetHead().GetSHA(), URL: pr.GetHTMLURL()}
}

// PullRequests implements port.Repo.
func (r Repo) PullRequests(ctx context.Context, head string, all bool) ([]port.PullRequest, error) {
	opt := &github.PullRequestListOptions{State: "open", ListOptions: github.ListOptions{PerPage: 100}}
	if all {
		opt.State = "all"
	}
	if head != "" {
		opt.Head = r.Owner + ":" + head
	}
	prs, err := All(func(page int) ([]*github.PullRequest, *github.Response, error) {
		opt.Page = page
		return r.C.rest.PullRequests.List(ctx, r.Owner, r.Name, opt)
	})
	if err != nil {
		return nil, fmt.Errorf("listing pull requests: %w", err)
	}
	out := make([]port.PullRequest, len(prs))
	for i, pr := range prs {
		out[i] = pullOf(pr)
	}
	return out, nil
}

// OpenPullRequest implements port.Repo.
func (r Repo) OpenPullRequest(ctx context.Context, head, base, title, body string) (port.PullRequest, error) {
	pr, _, err := r.C.rest.PullRequests.Create(ctx, r.Owner, r.Name, &github.NewPullRequest{
		Title: github.String(title), Head: github.String(head), Base: github.String(base), Body: github.String(body)})
	if err != nil {
		return port.PullRequest{}, fmt.Errorf("opening a pull request from %s: %w", head, err)
	}
	return pullOf(pr), nil
}

// EditPullRequest implements port.Repo.
func (r Repo) EditPullRequest(ctx context.Context, number int, title, body string) error {
	if _, _, err := r.C.rest.PullRequests.Edit(ctx, r.Owner, r.Name, number, &github.PullRequest{Title: github.String(title), Body: github.String(body)}); err != nil {
		return fmt.Errorf("updating #%d: %w", number, err)
	}
	return nil
}

// RequestReviewers implements port.Repo.
func (r Repo) RequestReviewers(ctx context.Context, number int, reviewers []string) error {
	if _, _, err := r.C.rest.PullRequests.RequestReviewers(ctx, r.Owner, r.Name, number, github.ReviewersRequest{Reviewers: reviewers}); err != nil {
		return fmt.Errorf("requesting reviews on #%d: %w", number, err)
	}
	return nil
}

// PullRequestFiles implements port.Repo.
func (r Repo) PullRequestFiles(ctx context.Context, number int) ([]string, error) {
	files, err := All(func(page int) ([]*github.CommitFile, *github.Response, error) {
		return r.C.rest.PullRequests.ListFiles(ctx, r.Owner, r.Name, number, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, fmt.Errorf("listing #%d's files: %w", number, err)
	}
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.GetFilename()
	}
	return out, nil
}

// Comments implements port.Repo.
func (r Repo) Comments(ctx context.Context, number int) ([]port.Comment, error) {
	cs, err := listComments(ctx, r.C, r.Owner, r.Name, number)
	if err != nil {
		return nil, fmt.Errorf("reading #%d's comments: %w", number, err)
	}
	return cs, nil
}

// AddComment implements port.Repo.
func (r Repo) AddComment(ctx context.Context, number int, body string) (int64, error) {
	c, _, err := r.C.rest.Issues.CreateComment(ctx, r.Owner, r.Name, number, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return 0, fmt.Errorf("commenting on #%d: %w", number, err)
	}
	return c.GetID(), nil
}

// EditComment implements port.Repo.
func (r Repo) EditComment(ctx context.Context, id int64, body string) error {
	if _, _, err := r.C.rest.Issues.EditComment(ctx, r.Owner, r.Name, id, &github.IssueComment{Body: github.String(body)}); err != nil {
		return fmt.Errorf("editing comment %d: %w", id, err)
	}
	return nil
}

// maxAnnotations is how many annotations GitHub takes in one request.
const maxAnnotations = 50

// ReportCheck implements port.Repo: the check run with its first 50
// annotations, the rest 50 at a time; without the checks permission, a
// commit status instead.
func (r Repo) ReportCheck(ctx context.Context, c port.Check) (int64, error) {
	notes := make([]*github.CheckRunAnnotation, len(c.Annotations))
	for i, a := range c.Annotations {
		notes[i] = &github.CheckRunAnnotation{Path: github.String(a.Path), StartLine: github.Int(a.Line), EndLine: github.Int(a.Line),
			StartColumn: github.Int(a.Column), EndColumn: github.Int(a.Column), AnnotationLevel: github.String(a.Level),
			Title: github.String(a.Title), Message: github.String(a.Message)}
	}
	run, resp, err := r.C.rest.Checks.CreateCheckRun(ctx, r.Owner, r.Name, github.CreateCheckRunOptions{
		Name: c.Name, HeadSHA: c.HeadSHA, Status: github.String("completed"), Conclusion: github.String(c.Conclusion),
		Output: &github.CheckRunOutput{Title: github.String(c.Title), Summary: github.String(c.Summary), Annotations: notes[:min(maxAnnotations, len(notes))]}})
	if resp != nil && (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound) {
		_, _, serr := r.C.rest.Repositories.CreateStatus(ctx, r.Owner, r.Name, c.HeadSHA, &github.RepoStatus{
			State: github.String(c.Conclusion), Context: github.String(c.Name), Description: github.String(truncate(c.Title, 140))})
		return 0, serr
	}
	if err != nil {
		return 0, fmt.Errorf("reporting the check %q: %w", c.Name, err)
	}
	for i := maxAnnotations; i < len(notes); i += maxAnnotations {
		if _, _, err := r.C.rest.Checks.UpdateCheckRun(ctx, r.Owner, r.Name, run.GetID(), github.UpdateCheckRunOptions{
			Name: c.Name, Output: &github.CheckRunOutput{Title: github.String(c.Title), Summary: github.String(c.Summary), Annotations: notes[i:min(i+maxAnnotations, len(notes))]}}); err != nil {
			return run.GetID(), fmt.Errorf("adding annotations to the check %q: %w", c.Name, err)
		}
	}
	return run.GetID(), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// AssignedIssues implements port.AssignedIssues: the first 100, as a
// hand-over checklist needs; pull requests left out.
func (r Repo) AssignedIssues(ctx context.Context, assignee, label string) ([]port.IssueRef, error) {
	issues, _, err := r.C.rest.Issues.ListByRepo(ctx, r.Owner, r.Name, &github.IssueListByRepoOptions{
		Assignee: assignee, State: "open", Labels: []string{label}, ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		return nil, fmt.Errorf("listing @%s's issues: %w", assignee, err)
	}
	var out []port.IssueRef
	for _, is := range issues {
		if !is.IsPullRequest() {
			out = append(out, port.IssueRef{Number: is.GetNumber(), Title: is.GetTitle()})
		}
	}
	return out, nil
}
