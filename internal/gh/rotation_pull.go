package gh

import (
	"context"
	"fmt"

	"github.com/google/go-github/v60/github"
)

// RotationPull finds the pull request steward opened for a handoff day
// (from the branch steward/rotation-YYYY-MM-DD in owner/repo, the roster's
// repository), for the handoff message to link. found is false when there
// is none. The read is conditional: unchanged, it costs no counted request.
func RotationPull(ctx context.Context, c *Client, owner, repo, handoff string) (url string, number int, found bool, err error) {
	pulls, _, err := c.rest.PullRequests.List(ctx, owner, repo, &github.PullRequestListOptions{
		Head: owner + ":steward/rotation-" + handoff, State: "all", ListOptions: github.ListOptions{PerPage: 10}})
	if err != nil {
		return "", 0, false, fmt.Errorf("finding the rotation pull request for %s in %s/%s: %w", handoff, owner, repo, err)
	}
	// A merged one confirmed the shifts; otherwise the latest.
	var best *github.PullRequest
	for _, p := range pulls {
		if best == nil || p.MergedAt != nil && best.MergedAt == nil || (p.MergedAt != nil) == (best.MergedAt != nil) && p.GetNumber() > best.GetNumber() {
			best = p
		}
	}
	if best == nil {
		return "", 0, false, nil
	}
	return best.GetHTMLURL(), best.GetNumber(), true, nil
}
