package rosterpr

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/rotation"
)

// reminderMarker starts a reminder comment; the day makes it once a day.
const reminderMarker = "<!-- steward:reminder %s -->"

// RemindUnmerged comments on each open rotation pull request whose handoff
// is on the next working day or today (rotation.ReminderDue), once that
// day, mentioning its reviewers. isWorkingDay is the team's calendar.
func (r *Rotator) RemindUnmerged(ctx context.Context, isWorkingDay func(civil.Date) bool) ([]Result, error) {
	prs, _, err := r.GH.REST.PullRequests.List(ctx, r.Repo.Owner, r.Repo.Name, &github.PullRequestListOptions{
		State: "open", ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		return nil, fmt.Errorf("listing open pull requests: %w", err)
	}
	var out []Result
	for _, pr := range prs {
		if !strings.HasPrefix(pr.GetHead().GetRef(), "steward/rotation-") {
			continue
		}
		m, ok := parseMarker(pr.GetBody())
		if !ok {
			continue
		}
		handoff, err := civil.Parse(m.Handoff)
		if err != nil || !rotation.ReminderDue(handoff, r.Today, isWorkingDay) {
			continue
		}
		marker := fmt.Sprintf(reminderMarker, r.Today)
		done, err := r.hasComment(ctx, pr.GetNumber(), marker)
		if err != nil {
			return out, err
		}
		res := Result{PullRequest: pr.GetNumber(), URL: pr.GetHTMLURL()}
		if done {
			res.Message = fmt.Sprintf("#%d was reminded today already.", pr.GetNumber())
		} else {
			body := marker + "\n" + rotation.ReminderBody(handoff, r.Today, m.Reviewers)
			if _, _, err := r.GH.REST.Issues.CreateComment(ctx, r.Repo.Owner, r.Repo.Name, pr.GetNumber(), &github.IssueComment{Body: github.String(body)}); err != nil {
				return out, fmt.Errorf("reminding on #%d: %w", pr.GetNumber(), err)
			}
			res.Updated, res.Message = true, fmt.Sprintf("Reminded #%d: the handoff on %s is not merged.", pr.GetNumber(), handoff)
		}
		out = append(out, res)
	}
	return out, nil
}

// hasComment reports whether a comment on the pull request starts with marker.
func (r *Rotator) hasComment(ctx context.Context, number int, marker string) (bool, error) {
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for page := 0; page < 50; page++ {
		comments, resp, err := r.GH.REST.Issues.ListComments(ctx, r.Repo.Owner, r.Repo.Name, number, opt)
		if err != nil {
			return false, fmt.Errorf("reading #%d's comments: %w", number, err)
		}
		for _, c := range comments {
			if strings.HasPrefix(c.GetBody(), marker) {
				return true, nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	return false, nil
}
