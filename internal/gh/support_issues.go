package gh

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/port"
)

// SupportIssues reads a repository's support issues for the Slack part.
// Every read goes through the client's conditional cache: an unchanged
// list is answered 304, which GitHub does not count against the rate limit.
type SupportIssues struct {
	C            *Client
	Owner, Repo  string
	SupportLabel string // default "support"
}

// List returns every support issue, open or closed (pull requests left out).
func (s SupportIssues) List(ctx context.Context) ([]port.SupportIssue, error) {
	label := s.SupportLabel
	if label == "" {
		label = "support"
	}
	all, err := All(func(page int) ([]*github.Issue, *github.Response, error) {
		return s.C.rest.Issues.ListByRepo(ctx, s.Owner, s.Repo, &github.IssueListByRepoOptions{
			Labels: []string{label}, State: "all", ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s/%s's %s issues: %w", s.Owner, s.Repo, label, err)
	}
	out := make([]port.SupportIssue, 0, len(all))
	for _, is := range all {
		if is.IsPullRequest() {
			continue
		}
		p := port.SupportIssue{Number: is.GetNumber(), URL: is.GetHTMLURL(), Body: is.GetBody(), Open: is.GetState() == "open",
			Created: is.GetCreatedAt().Time}
		for _, a := range is.Assignees {
			p.Assignees = append(p.Assignees, a.GetLogin())
		}
		out = append(out, p)
	}
	return out, nil
}

// Assignments lists who was assigned the issue and when, from its events.
func (s SupportIssues) Assignments(ctx context.Context, number int) ([]port.Assignment, error) {
	events, err := All(func(page int) ([]*github.IssueEvent, *github.Response, error) {
		return s.C.rest.Issues.ListIssueEvents(ctx, s.Owner, s.Repo, number, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s/%s#%d's events: %w", s.Owner, s.Repo, number, err)
	}
	var out []port.Assignment
	for _, e := range events {
		if e.GetEvent() == "assigned" && e.Assignee != nil {
			out = append(out, port.Assignment{Login: e.Assignee.GetLogin(), At: e.GetCreatedAt().Time})
		}
	}
	slices.SortStableFunc(out, func(a, b port.Assignment) int { return a.At.Compare(b.At) })
	return out, nil
}
