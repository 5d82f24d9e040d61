package gh

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/port"
)

// Issues adapts the client to port.Issues for one repository.
type Issues struct {
	c           *Client
	owner, name string
}

var _ port.Issues = (*Issues)(nil)

// Issues is the port to repo's (owner/name) issues.
func (c *Client) Issues(repo string) (*Issues, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" {
		return nil, fmt.Errorf("integrations.github.repo: %q is not owner/name", repo)
	}
	return &Issues{c: c, owner: owner, name: name}, nil
}

// Repo is owner/name.
func (x *Issues) Repo() string { return x.owner + "/" + x.name }

// IssueURL is the web address of an issue, for when no answer carried it.
func (x *Issues) IssueURL(number int) string {
	return fmt.Sprintf("%s/%s/%s/issues/%d", x.c.web, x.owner, x.name, number)
}

func toIssue(is *github.Issue) port.Issue {
	out := port.Issue{Number: is.GetNumber(), NodeID: is.GetNodeID(), Title: is.GetTitle(), Body: is.GetBody(),
		State: is.GetState(), StateReason: is.GetStateReason(), Created: is.GetCreatedAt().Time, Updated: is.GetUpdatedAt().Time,
		ClosedAt: is.GetClosedAt().Time, ClosedBy: is.GetClosedBy().GetLogin(), URL: is.GetHTMLURL()}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	for _, u := range is.Assignees {
		out.Assignees = append(out.Assignees, u.GetLogin())
	}
	return out
}

func toIssues(all []*github.Issue) []port.Issue {
	out := make([]port.Issue, 0, len(all))
	for _, is := range all {
		if !is.IsPullRequest() {
			out = append(out, toIssue(is))
		}
	}
	return out
}

// List returns every issue with label in state. Open and closed ("all")
// come from the list the client keeps and the changes since it was read
// (listAll); other states are read whole.
func (x *Issues) List(ctx context.Context, label, state string) ([]port.Issue, error) {
	if state == "all" {
		return x.listAll(ctx, label)
	}
	return x.readAll(ctx, label, state)
}

// readAll reads every issue with label in state, all pages; each page is a
// conditional read. Oldest first, so that new issues change only the last
// page.
func (x *Issues) readAll(ctx context.Context, label, state string) ([]port.Issue, error) {
	all, err := All(func(page int) ([]*github.Issue, *github.Response, error) {
		return x.c.rest.Issues.ListByRepo(ctx, x.owner, x.name, &github.IssueListByRepoOptions{
			Labels: []string{label}, State: state, Sort: "created", Direction: "asc", ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s issues in %s: %w", label, x.Repo(), err)
	}
	return toIssues(all), nil
}

// Recent returns at most n (up to 100) issues with label in state, most
// recently updated first, in one request.
func (x *Issues) Recent(ctx context.Context, label, state string, n int) ([]port.Issue, error) {
	n = max(1, min(n, 100))
	all, _, err := x.c.rest.Issues.ListByRepo(ctx, x.owner, x.name, &github.IssueListByRepoOptions{
		Labels: []string{label}, State: state, Sort: "updated", Direction: "desc", ListOptions: github.ListOptions{PerPage: n}})
	if err != nil {
		return nil, fmt.Errorf("listing recent %s issues in %s: %w", label, x.Repo(), err)
	}
	return toIssues(all), nil
}

// Get reads one issue.
func (x *Issues) Get(ctx context.Context, number int) (port.Issue, error) {
	is, _, err := x.c.rest.Issues.Get(ctx, x.owner, x.name, number)
	if err != nil {
		return port.Issue{}, err
	}
	return toIssue(is), nil
}

// Create opens an issue.
func (x *Issues) Create(ctx context.Context, n port.NewIssue) (port.Issue, error) {
	req := &github.IssueRequest{Title: github.String(n.Title), Body: github.String(n.Body)}
	if n.Labels != nil {
		req.Labels = &n.Labels
	}
	is, _, err := x.c.rest.Issues.Create(ctx, x.owner, x.name, req)
	if err != nil {
		return port.Issue{}, err
	}
	out := toIssue(is)
	x.created(out)
	return out, nil
}

// Edit changes an issue in one request.
func (x *Issues) Edit(ctx context.Context, number int, e port.IssueEdit) (port.Issue, error) {
	is, _, err := x.c.rest.Issues.Edit(ctx, x.owner, x.name, number, &github.IssueRequest{
		Title: e.Title, Body: e.Body, State: e.State, StateReason: e.StateReason})
	if err != nil {
		return port.Issue{}, err
	}
	return toIssue(is), nil
}

// AddLabels adds labels, keeping the others.
func (x *Issues) AddLabels(ctx context.Context, number int, labels []string) error {
	_, _, err := x.c.rest.Issues.AddLabelsToIssue(ctx, x.owner, x.name, number, labels)
	return err
}

// RemoveLabel removes a label; one the issue does not carry is no error.
func (x *Issues) RemoveLabel(ctx context.Context, number int, label string) error {
	resp, err := x.c.rest.Issues.RemoveLabelForIssue(ctx, x.owner, x.name, number, label)
	if err != nil && resp != nil && resp.StatusCode == http.StatusNotFound {
		return nil
	}
	return err
}

// Comment adds a comment.
func (x *Issues) Comment(ctx context.Context, number int, body string) error {
	_, _, err := x.c.rest.Issues.CreateComment(ctx, x.owner, x.name, number, &github.IssueComment{Body: github.String(body)})
	return err
}

// Comments returns every comment, oldest first.
func (x *Issues) Comments(ctx context.Context, number int) ([]port.Comment, error) {
	return listComments(ctx, x.c, x.owner, x.name, number)
}

// listComments reads every comment of an issue or pull request: one
// reader for the Issues and Repo ports alike.
func listComments(ctx context.Context, c *Client, owner, name string, number int) ([]port.Comment, error) {
	all, err := All(func(page int) ([]*github.IssueComment, *github.Response, error) {
		return c.rest.Issues.ListComments(ctx, owner, name, number, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, err
	}
	out := make([]port.Comment, len(all))
	for i, cm := range all {
		out[i] = port.Comment{ID: cm.GetID(), Body: cm.GetBody(), Author: cm.GetUser().GetLogin(), Created: cm.GetCreatedAt().Time}
	}
	return out, nil
}

// Assign adds assignees.
func (x *Issues) Assign(ctx context.Context, number int, logins []string) error {
	_, _, err := x.c.rest.Issues.AddAssignees(ctx, x.owner, x.name, number, logins)
	return err
}

// Unassign removes assignees.
func (x *Issues) Unassign(ctx context.Context, number int, logins []string) error {
	_, _, err := x.c.rest.Issues.RemoveAssignees(ctx, x.owner, x.name, number, logins)
	return err
}

// Events returns the issue's assignment events, oldest first.
func (x *Issues) Events(ctx context.Context, number int) ([]port.IssueEvent, error) {
	all, err := All(func(page int) ([]*github.IssueEvent, *github.Response, error) {
		return x.c.rest.Issues.ListIssueEvents(ctx, x.owner, x.name, number, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, err
	}
	var out []port.IssueEvent
	for _, e := range all {
		if k := e.GetEvent(); k == "assigned" || k == "unassigned" {
			out = append(out, port.IssueEvent{ID: e.GetID(), Event: k, Assignee: e.GetAssignee().GetLogin(), Actor: e.GetActor().GetLogin(), Created: e.GetCreatedAt().Time})
		}
	}
	return out, nil
}

// ClosingPulls returns the pull requests that closed the issue.
func (x *Issues) ClosingPulls(ctx context.Context, number int) ([]port.Pull, error) {
	var q struct {
		Repository struct {
			Issue struct {
				ClosedByPullRequestsReferences struct {
					Nodes []struct {
						Number int
						Title  string
						URL    string
						Author struct{ Login string }
					}
				}
			}
		}
	}
	if err := x.c.GraphQL(ctx, QueryClosingPulls, map[string]any{"owner": x.owner, "repo": x.name, "number": number}, &q); err != nil {
		return nil, err
	}
	var out []port.Pull
	for _, n := range q.Repository.Issue.ClosedByPullRequestsReferences.Nodes {
		out = append(out, port.Pull{Number: n.Number, Title: n.Title, URL: n.URL, Author: n.Author.Login})
	}
	return out, nil
}
