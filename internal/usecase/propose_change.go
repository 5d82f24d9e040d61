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
	base, err := r.baseBranch(ctx)
	if err != nil {
		return rosterpr.Result{}, err
	}
	baseSHA, err := r.GitHub.Head(ctx, base)
	if err != nil {
		return rosterpr.Result{}, err
	}
	f, found, err := r.GitHub.File(ctx, r.Repo.Path, baseSHA)
	if err != nil {
		return rosterpr.Result{}, err
	}
	if !found {
		return rosterpr.Result{}, fmt.Errorf("%s/%s has no %s on %s", r.Repo.Owner, r.Repo.Name, r.Repo.Path, base)
	}
	c, err := plan([]byte(f.Content))
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
