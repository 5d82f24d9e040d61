package rosterpr

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// CheckName is the check run steward reports on roster changes.
const CheckName = "steward: roster"

// CheckResult is what a roster check found and where it said so.
type CheckResult struct {
	Title       string `json:"title"`
	Errors      int    `json:"errors"`
	Warnings    int    `json:"warnings"`
	CheckRun    int64  `json:"check_run,omitempty"`
	PullRequest int    `json:"pull_request,omitempty"`
	Comment     int64  `json:"comment,omitempty"`
	Summary     string `json:"-"`
}

var sha1Hex = regexp.MustCompile(`^[0-9a-f]{40}$`)

// resolve turns a branch name or commit into a commit sha.
func (r *Rotator) resolve(ctx context.Context, ref string) (string, error) {
	if sha1Hex.MatchString(ref) {
		return ref, nil
	}
	return r.head(ctx, strings.TrimPrefix(ref, "refs/heads/"))
}

// Check validates a roster change and shows how the schedule changes from
// base to head over the next 26 weeks from today. It reads nothing: the
// caller brings both versions (base nil when the file is new), from the
// GitHub API or from a local checkout, so a check needs no credentials.
func Check(path string, head, base []byte, today civil.Date) (CheckResult, roster.Problems) {
	h, probs := roster.Parse(path, head)
	var diff *rotation.Diff
	if h != nil {
		from, until := today, today.AddDays(26*7)
		baseSched := rotation.Schedule{}
		if base != nil {
			if b, _ := roster.Parse(path, base); b != nil {
				baseSched = rotation.Compute(b, from, until)
				probs = append(probs, pastProblems(path, b, h, today)...)
			}
		}
		d := rotation.Compare(baseSched, rotation.Compute(h, from, until), from, until)
		diff = &d
	}
	title, summary := CheckReport(path, probs, diff)
	return CheckResult{Title: title, Errors: len(probs.Errors()), Warnings: len(probs.Warnings()), Summary: summary}, probs
}

// CheckRoster validates roster.yaml at head, reports a check run with every
// problem at its line, and keeps one comment on the pull request, edited in
// place, showing how the schedule changes from base over the next 26 weeks.
func (r *Rotator) CheckRoster(ctx context.Context, baseRef, headRef string, prNumber int) (CheckResult, error) {
	headSHA, err := r.resolve(ctx, headRef)
	if err != nil {
		return CheckResult{}, err
	}
	headContent, _, found, err := r.file(ctx, r.Repo.Path, headSHA)
	if err != nil {
		return CheckResult{}, err
	}
	if !found {
		return CheckResult{}, fmt.Errorf("%s is not in %s", r.Repo.Path, headRef)
	}
	baseContent, _, found, err := r.file(ctx, r.Repo.Path, baseRef)
	if err != nil {
		return CheckResult{}, err
	}
	var base []byte
	if found {
		base = []byte(baseContent)
	}
	res, probs := Check(r.Repo.Path, []byte(headContent), base, r.Today)
	title, summary := res.Title, res.Summary
	if res.CheckRun, err = r.reportCheck(ctx, headSHA, probs, title, summary); err != nil {
		return res, err
	}
	if prNumber == 0 {
		if prNumber, err = r.pullFor(ctx, headRef, headSHA); err != nil {
			return res, err
		}
	}
	if prNumber > 0 {
		res.PullRequest = prNumber
		if res.Comment, err = r.keepComment(ctx, prNumber, checkMarker+"\n### "+title+"\n\n"+summary); err != nil {
			return res, err
		}
	}
	return res, nil
}

// reportCheck creates the check run, its annotations 50 at a time (GitHub's
// limit a request). Without the checks permission it falls back to a
// commit status.
func (r *Rotator) reportCheck(ctx context.Context, sha string, probs roster.Problems, title, summary string) (int64, error) {
	conclusion := "success"
	if len(probs.Errors()) > 0 {
		conclusion = "failure"
	}
	var notes []*github.CheckRunAnnotation
	for _, p := range probs {
		level := "failure"
		if p.Severity == roster.Warning {
			level = "warning"
		}
		notes = append(notes, &github.CheckRunAnnotation{Path: github.String(r.Repo.Path), StartLine: github.Int(p.Line), EndLine: github.Int(p.Line),
			StartColumn: github.Int(p.Col), EndColumn: github.Int(p.Col), AnnotationLevel: github.String(level),
			Title: github.String(p.Path), Message: github.String(p.Message)})
	}
	first := notes[:min(50, len(notes))]
	run, resp, err := r.GH.REST.Checks.CreateCheckRun(ctx, r.Repo.Owner, r.Repo.Name, github.CreateCheckRunOptions{
		Name: CheckName, HeadSHA: sha, Status: github.String("completed"), Conclusion: github.String(conclusion),
		Output: &github.CheckRunOutput{Title: github.String(title), Summary: github.String(summary), Annotations: first}})
	if resp != nil && (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound) {
		state := map[string]string{"success": "success", "failure": "failure"}[conclusion]
		_, _, serr := r.GH.REST.Repositories.CreateStatus(ctx, r.Repo.Owner, r.Repo.Name, sha, &github.RepoStatus{
			State: github.String(state), Context: github.String(CheckName), Description: github.String(truncate(title, 140))})
		return 0, serr
	}
	if err != nil {
		return 0, fmt.Errorf("reporting the roster check: %w", err)
	}
	for i := 50; i < len(notes); i += 50 {
		if _, _, err := r.GH.REST.Checks.UpdateCheckRun(ctx, r.Repo.Owner, r.Repo.Name, run.GetID(), github.UpdateCheckRunOptions{
			Name: CheckName, Output: &github.CheckRunOutput{Title: github.String(title), Summary: github.String(summary), Annotations: notes[i:min(i+50, len(notes))]}}); err != nil {
			return run.GetID(), fmt.Errorf("adding annotations to the roster check: %w", err)
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

// pullFor finds the open pull request whose head is ref or sha.
func (r *Rotator) pullFor(ctx context.Context, ref, sha string) (int, error) {
	opt := &github.PullRequestListOptions{State: "open", ListOptions: github.ListOptions{PerPage: 100}}
	for {
		prs, resp, err := r.GH.REST.PullRequests.List(ctx, r.Repo.Owner, r.Repo.Name, opt)
		if err != nil {
			return 0, fmt.Errorf("finding the pull request for %s: %w", ref, err)
		}
		for _, pr := range prs {
			if pr.GetHead().GetSHA() == sha || pr.GetHead().GetRef() == strings.TrimPrefix(ref, "refs/heads/") {
				return pr.GetNumber(), nil
			}
		}
		if resp.NextPage == 0 {
			return 0, nil
		}
		opt.Page = resp.NextPage
	}
}

// keepComment edits steward's comment in place, or makes it once.
func (r *Rotator) keepComment(ctx context.Context, number int, body string) (int64, error) {
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := r.GH.REST.Issues.ListComments(ctx, r.Repo.Owner, r.Repo.Name, number, opt)
		if err != nil {
			return 0, fmt.Errorf("reading #%d's comments: %w", number, err)
		}
		for _, c := range comments {
			if strings.HasPrefix(c.GetBody(), checkMarker) {
				if c.GetBody() != body {
					if _, _, err := r.GH.REST.Issues.EditComment(ctx, r.Repo.Owner, r.Repo.Name, c.GetID(), &github.IssueComment{Body: github.String(body)}); err != nil {
						return 0, fmt.Errorf("editing the schedule comment on #%d: %w", number, err)
					}
				}
				return c.GetID(), nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	c, _, err := r.GH.REST.Issues.CreateComment(ctx, r.Repo.Owner, r.Repo.Name, number, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return 0, fmt.Errorf("commenting on #%d: %w", number, err)
	}
	return c.GetID(), nil
}
