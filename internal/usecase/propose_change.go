package usecase

import (
	"context"
	"fmt"

	"github.com/support-steward/steward/internal/rosterpr"
)

// ProposeChange opens the pull request for a change planned against the
// roster on the base branch, asking both people to review. A pull request
// already open from the change's branch is left as it is.
func (r *Rotator) ProposeChange(ctx context.Context, plan func(roster []byte) (rosterpr.Change, error)) (rosterpr.Result, error) {
	base, baseSHA, content, err := r.baseRoster(ctx)
	if err != nil {
		return rosterpr.Result{}, err
	}
	c, err := plan([]byte(content))
	if err != nil {
		return rosterpr.Result{}, err
	}
	prs, err := r.GitHub.PullRequests(ctx, c.Branch, false)
	if err != nil {
		return rosterpr.Result{}, fmt.Errorf("looking for an open pull request from %s: %w", c.Branch, err)
	}
	if len(prs) > 0 {
		return rosterpr.Result{PullRequest: prs[0].Number, URL: prs[0].URL,
			Message: fmt.Sprintf("#%d already proposes this (%q).", prs[0].Number, prs[0].Title)}, nil
	}
	body := func(rosterpr.Marker) string { return c.Body }
	return r.open(ctx, c.Branch, base, baseSHA, map[string][]byte{r.Repo.Path: c.Roster}, c.Title, body, rosterpr.Marker{Reviewers: c.Reviewers})
}
