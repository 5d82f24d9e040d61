package usecase

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
)

var sha1Hex = regexp.MustCompile(`^[0-9a-f]{40}$`)

// resolve turns a branch name or commit into a commit sha.
func (r *Rotator) resolve(ctx context.Context, ref string) (string, error) {
	if sha1Hex.MatchString(ref) {
		return ref, nil
	}
	return r.GitHub.Head(ctx, strings.TrimPrefix(ref, "refs/heads/"))
}

// CheckRoster validates roster.yaml at head, reports a check run with every
// problem at its line, and keeps one comment on the pull request, edited in
// place, showing how the schedule changes from base over the next 26 weeks.
func (r *Rotator) CheckRoster(ctx context.Context, baseRef, headRef string, prNumber int) (rosterpr.CheckResult, error) {
	headSHA, err := r.resolve(ctx, headRef)
	if err != nil {
		return rosterpr.CheckResult{}, err
	}
	head, found, err := r.GitHub.File(ctx, r.Repo.Path, headSHA)
	if err != nil {
		return rosterpr.CheckResult{}, err
	}
	if !found {
		return rosterpr.CheckResult{}, fmt.Errorf("%s is not in %s", r.Repo.Path, headRef)
	}
	baseFile, found, err := r.GitHub.File(ctx, r.Repo.Path, baseRef)
	if err != nil {
		return rosterpr.CheckResult{}, err
	}
	var base []byte
	if found {
		base = []byte(baseFile.Content)
	}
	res, probs := rosterpr.Check(r.Repo.Path, []byte(head.Content), base, r.Today)
	title, summary := res.Title, res.Summary
	if res.CheckRun, err = r.GitHub.ReportCheck(ctx, checkOf(r.Repo.Path, headSHA, probs, title, summary)); err != nil {
		return res, err
	}
	if prNumber == 0 {
		if prNumber, err = r.pullFor(ctx, headRef, headSHA); err != nil {
			return res, err
		}
	}
	if prNumber > 0 {
		res.PullRequest = prNumber
		if res.Comment, err = r.keepComment(ctx, prNumber, rosterpr.CheckMarker+"\n### "+title+"\n\n"+summary); err != nil {
			return res, err
		}
	}
	return res, nil
}

// checkOf is the roster check's report: failure when any problem is an
// error, each problem an annotation at its line.
func checkOf(path, sha string, probs roster.Problems, title, summary string) port.Check {
	c := port.Check{Name: rosterpr.CheckName, HeadSHA: sha, Conclusion: "success", Title: title, Summary: summary}
	if len(probs.Errors()) > 0 {
		c.Conclusion = "failure"
	}
	for _, p := range probs {
		level := "failure"
		if p.Severity == roster.Warning {
			level = "warning"
		}
		c.Annotations = append(c.Annotations, port.Annotation{Path: path, Line: p.Line, Column: p.Col, Level: level, Title: p.Path, Message: p.Message})
	}
	return c
}

// pullFor finds the open pull request whose head is ref or sha.
func (r *Rotator) pullFor(ctx context.Context, ref, sha string) (int, error) {
	prs, err := r.GitHub.PullRequests(ctx, "", false)
	if err != nil {
		return 0, fmt.Errorf("finding the pull request for %s: %w", ref, err)
	}
	for _, pr := range prs {
		if pr.HeadSHA == sha || pr.HeadRef == strings.TrimPrefix(ref, "refs/heads/") {
			return pr.Number, nil
		}
	}
	return 0, nil
}

// keepComment edits steward's comment in place, or makes it once.
func (r *Rotator) keepComment(ctx context.Context, number int, body string) (int64, error) {
	comments, err := r.GitHub.Comments(ctx, number)
	if err != nil {
		return 0, err
	}
	for _, c := range comments {
		if strings.HasPrefix(c.Body, rosterpr.CheckMarker) {
			if c.Body != body {
				if err := r.GitHub.EditComment(ctx, c.ID, body); err != nil {
					return 0, fmt.Errorf("editing the schedule comment on #%d: %w", number, err)
				}
			}
			return c.ID, nil
		}
	}
	return r.GitHub.AddComment(ctx, number, body)
}

// BoardProblems is what validate says of the board check's err: a setting
// the board lacks (port.SettingError) is an error at that setting's line,
// as every run would meet it; a board that could not be read is a warning
// at integrations.github.project, since the roster may well be right.
func BoardProblems(err error, r *roster.Roster, path string) roster.Problems {
	if err == nil {
		return nil
	}
	p := roster.Problem{File: path, Path: "integrations.github.project", Severity: roster.Warning,
		Message: "the board could not be read to check these settings: " + err.Error()}
	var setting *port.SettingError
	if errors.As(err, &setting) {
		p.Path, p.Severity, p.Message = setting.Setting, roster.Error, setting.Message
	}
	p.Line, p.Col = r.Line(p.Path)
	return roster.Problems{p}
}
