package usecase

import (
	"context"
	"fmt"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/rotation"
)

// RemindUnmerged comments on each open rotation pull request whose handoff
// is on the next working day or today (rotation.ReminderDue), once that
// day, mentioning its reviewers. isWorkingDay is the team's calendar.
func (r *Rotator) RemindUnmerged(ctx context.Context, isWorkingDay func(civil.Date) bool) ([]rosterpr.Result, error) {
	prs, err := r.GitHub.PullRequests(ctx, "", false)
	if err != nil {
		return nil, fmt.Errorf("listing open pull requests: %w", err)
	}
	var out []rosterpr.Result
	for _, pr := range prs {
		if !strings.HasPrefix(pr.HeadRef, "steward/rotation-") {
			continue
		}
		m, ok := rosterpr.ParseMarker(pr.Body)
		if !ok {
			continue
		}
		handoff, err := civil.Parse(m.Handoff)
		if err != nil || !rotation.ReminderDue(handoff, r.Today, isWorkingDay) {
			continue
		}
		marker := fmt.Sprintf(rosterpr.ReminderMarker, r.Today)
		done, err := r.hasComment(ctx, pr.Number, marker)
		if err != nil {
			return out, err
		}
		res := rosterpr.Result{PullRequest: pr.Number, URL: pr.URL}
		if done {
			res.Message = fmt.Sprintf("#%d was reminded today already.", pr.Number)
		} else {
			body := marker + "\n" + rotation.ReminderBody(handoff, r.Today, m.Reviewers)
			if _, err := r.GitHub.AddComment(ctx, pr.Number, body); err != nil {
				return out, fmt.Errorf("reminding on #%d: %w", pr.Number, err)
			}
			res.Updated, res.Message = true, fmt.Sprintf("Reminded #%d: the handoff on %s is not merged.", pr.Number, handoff)
		}
		out = append(out, res)
	}
	return out, nil
}

// hasComment reports whether a comment on the pull request starts with marker.
func (r *Rotator) hasComment(ctx context.Context, number int, marker string) (bool, error) {
	comments, err := r.GitHub.Comments(ctx, number)
	if err != nil {
		return false, err
	}
	for _, c := range comments {
		if strings.HasPrefix(c.Body, marker) {
			return true, nil
		}
	}
	return false, nil
}
