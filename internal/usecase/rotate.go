package usecase

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/untrusted"
)

// Rotator opens and keeps the rotation pull request, checks roster
// changes (checkroster.go), reminds unmerged rotation pull requests
// (rotation_reminder.go) and opens swaps and covers (propose_change.go):
// it reads the repository through port.Repo, asks rosterpr what the pull
// request should say, and writes only the difference.
type Rotator struct {
	// GitHub is the repository roster.yaml lives in.
	GitHub port.Repo
	// Issues, optional, finds a leaver's support issues for the hand-over
	// checklist; Tickets, optional, their open tickets.
	Issues  port.AssignedIssues
	Tickets port.AgentTickets
	// Repo locates roster.yaml and what the pull request writes beside it.
	Repo rosterpr.Repo
	// WebURL is GitHub's web host (for links no answer carries).
	WebURL string
	// Today is the current date in the team's time zone.
	Today civil.Date
	// Lead is how many days before a handoff its pull request opens.
	Lead int
}

// baseBranch returns the configured branch or the repository's default.
func (r *Rotator) baseBranch(ctx context.Context) (string, error) {
	if r.Repo.Base != "" {
		return r.Repo.Base, nil
	}
	return r.GitHub.DefaultBranch(ctx)
}

// Rotate proposes the next handoff as a pull request, or keeps the one
// that proposes it up to date. With dryRun it says what it would do.
func (r *Rotator) Rotate(ctx context.Context, dryRun bool) (rosterpr.Result, error) {
	base, baseSHA, content, err := r.baseRoster(ctx)
	if err != nil {
		return rosterpr.Result{}, err
	}
	rs, probs := roster.Parse(r.Repo.Path, []byte(content))
	if rs == nil {
		return rosterpr.Result{}, fmt.Errorf("%s on %s is not valid; fix it first:\n%w", r.Repo.Path, base, probs.Errors())
	}
	prop, err := rotation.Propose(rs, r.Today, r.Lead)
	var none rotation.NoProposal
	if errors.As(err, &none) {
		return rosterpr.Result{Message: "No rotation pull request needed: " + none.Reason + "."}, nil
	}
	if err != nil {
		return rosterpr.Result{}, err
	}
	files, err := r.Repo.Files(rs, []byte(content), prop)
	if err != nil {
		return rosterpr.Result{}, err
	}
	want := rosterpr.Marker{Handoff: prop.Handoff.Date.String(), Shifts: prop.NewShifts, Base: baseSHA, Reviewers: rosterpr.Reviewers(prop)}
	lists, err := r.checklists(ctx, rs, prop)
	if err != nil {
		return rosterpr.Result{}, err
	}
	calURL := ""
	if r.Repo.CalendarPath != "" {
		// No answer carries this link (the file may not exist yet): the
		// configured web host, so it works on GitHub Enterprise Server.
		calURL = fmt.Sprintf("%s/%s/%s/blob/%s/%s", r.WebURL, r.Repo.Owner, r.Repo.Name, base, r.Repo.CalendarPath)
	}
	body := func(m rosterpr.Marker) string { return rosterpr.Body(prop, lists, calURL, m) }

	for k := 1; ; k++ {
		branch := "steward/rotation-" + want.Handoff
		if k > 1 {
			branch += fmt.Sprintf("-%d", k)
		}
		prs, err := r.GitHub.PullRequests(ctx, branch, true)
		if err != nil {
			return rosterpr.Result{}, fmt.Errorf("looking for the rotation pull request: %w", err)
		}
		if len(prs) == 0 {
			if dryRun {
				return rosterpr.Result{Message: fmt.Sprintf("Would open %q from %s.", prop.Title(), branch)}, nil
			}
			return r.open(ctx, branch, base, baseSHA, files, prop.Title(), body, want)
		}
		pr := prs[0]
		had, _ := rosterpr.ParseMarker(pr.Body)
		switch {
		case pr.State == "open":
			if dryRun {
				return rosterpr.Result{Message: fmt.Sprintf("Would update #%d, %q.", pr.Number, prop.Title()), PullRequest: pr.Number}, nil
			}
			return r.update(ctx, pr, had, branch, baseSHA, files, prop.Title(), body, want)
		case !pr.Merged && had.Same(want):
			return rosterpr.Result{Declined: true, PullRequest: pr.Number, URL: pr.URL,
				Message: fmt.Sprintf("The handoff on %s stays unconfirmed: the team closed #%d, which proposed it, without merging. "+
					"steward does not propose the same again; edit roster.yaml's shifts by hand, or reopen #%d.", want.Handoff, pr.Number, pr.Number)}, nil
		}
		// A different proposal for the same day, or one merged and since
		// undone: propose afresh on the next branch name.
	}
}

// checklists lists each leaver's open support issues and tickets.
func (r *Rotator) checklists(ctx context.Context, rs *roster.Roster, p rotation.Proposal) ([]rosterpr.Checklist, error) {
	var out []rosterpr.Checklist
	for _, s := range p.Handoff.Leaving {
		c := rosterpr.Checklist{Leaver: s.GitHub}
		if r.Issues != nil && r.Repo.Issues != "" {
			issues, err := r.Issues.AssignedIssues(ctx, s.GitHub, r.Repo.SupportLabel)
			if err != nil {
				return nil, fmt.Errorf("listing @%s's support issues: %w", s.GitHub, err)
			}
			for _, is := range issues {
				c.Issues = append(c.Issues, rosterpr.ChecklistIssue{Number: is.Number, Title: untrusted.Of(is.Title)})
			}
		}
		if e, ok := rs.Engineer(s.GitHub); ok && r.Tickets != nil && e.FreshdeskAgentID != 0 {
			tickets, err := r.Tickets.OpenTicketsOf(ctx, e.FreshdeskAgentID)
			if err != nil {
				return nil, fmt.Errorf("finding @%s's open tickets: %w", s.GitHub, err)
			}
			for _, t := range tickets {
				c.Tickets = append(c.Tickets, rosterpr.ChecklistTicket{ID: t.ID, URL: t.URL, Priority: t.Priority})
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// commit writes each file that differs on the branch, one commit a file.
func (r *Rotator) commit(ctx context.Context, branch string, files map[string][]byte, message string) (bool, error) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	changed := false
	for _, p := range paths {
		have, found, err := r.GitHub.File(ctx, p, branch)
		if err != nil {
			return changed, err
		}
		if found && have.Content == string(files[p]) {
			continue
		}
		if err := r.GitHub.PutFile(ctx, branch, p, files[p], have.SHA, message); err != nil {
			return changed, err
		}
		changed = true
	}
	return changed, nil
}

func (r *Rotator) open(ctx context.Context, branch, base, baseSHA string, files map[string][]byte, title string, body func(rosterpr.Marker) string, m rosterpr.Marker) (rosterpr.Result, error) {
	if err := r.GitHub.CreateBranch(ctx, branch, baseSHA); err != nil {
		// Left over from an earlier run that failed before opening the
		// pull request: start it again from the base.
		if uerr := r.GitHub.MoveBranch(ctx, branch, baseSHA); uerr != nil {
			return rosterpr.Result{}, err
		}
	}
	if _, err := r.commit(ctx, branch, files, title); err != nil {
		return rosterpr.Result{}, err
	}
	var err error
	if m.Head, err = r.GitHub.Head(ctx, branch); err != nil {
		return rosterpr.Result{}, err
	}
	pr, err := r.GitHub.OpenPullRequest(ctx, branch, base, title, body(m))
	if err != nil {
		return rosterpr.Result{}, fmt.Errorf("opening the rotation pull request: %w", err)
	}
	if len(m.Reviewers) > 0 {
		if err := r.GitHub.RequestReviewers(ctx, pr.Number, m.Reviewers); err != nil {
			return rosterpr.Result{PullRequest: pr.Number, URL: pr.URL, Created: true}, err
		}
	}
	return rosterpr.Result{Created: true, PullRequest: pr.Number, URL: pr.URL,
		Message: fmt.Sprintf("Opened #%d, %q.", pr.Number, title)}, nil
}

func (r *Rotator) update(ctx context.Context, pr port.PullRequest, had rosterpr.Marker, branch, baseSHA string, files map[string][]byte, title string, body func(rosterpr.Marker) string, m rosterpr.Marker) (rosterpr.Result, error) {
	res := rosterpr.Result{PullRequest: pr.Number, URL: pr.URL}
	head, err := r.GitHub.Head(ctx, branch)
	if err != nil {
		return res, err
	}
	if had.Head != "" && head != had.Head {
		res.Message = fmt.Sprintf("#%d has commits by people since steward's last; steward leaves it as they made it.", pr.Number)
		return res, nil
	}
	if had.Base != baseSHA {
		// The base moved: start the branch again from it.
		if err := r.GitHub.MoveBranch(ctx, branch, baseSHA); err != nil {
			return res, fmt.Errorf("rebasing %s: %w", branch, err)
		}
		res.Updated = true
	}
	changed, err := r.commit(ctx, branch, files, title)
	if err != nil {
		return res, err
	}
	res.Updated = res.Updated || changed
	if m.Head, err = r.GitHub.Head(ctx, branch); err != nil {
		return res, err
	}
	if b := body(m); pr.Title != title || pr.Body != b {
		if err := r.GitHub.EditPullRequest(ctx, pr.Number, title, b); err != nil {
			return res, err
		}
		res.Updated = true
	}
	var missing []string
	for _, rv := range m.Reviewers {
		if !slices.Contains(had.Reviewers, rv) {
			missing = append(missing, rv)
		}
	}
	if len(missing) > 0 {
		if err := r.GitHub.RequestReviewers(ctx, pr.Number, missing); err != nil {
			return res, err
		}
		res.Updated = true
	}
	if res.Updated {
		res.Message = fmt.Sprintf("Updated #%d, %q.", pr.Number, title)
	} else {
		res.Message = fmt.Sprintf("#%d, %q, is up to date.", pr.Number, title)
	}
	return res, nil
}

// baseRoster reads roster.yaml on the base branch: the branch, its head
// commit and the file's content.
func (r *Rotator) baseRoster(ctx context.Context) (base, sha, content string, err error) {
	if base, err = r.baseBranch(ctx); err != nil {
		return "", "", "", err
	}
	if sha, err = r.GitHub.Head(ctx, base); err != nil {
		return "", "", "", err
	}
	f, found, err := r.GitHub.File(ctx, r.Repo.Path, sha)
	if err != nil {
		return "", "", "", err
	}
	if !found {
		return "", "", "", fmt.Errorf("%s/%s has no %s on %s", r.Repo.Owner, r.Repo.Name, r.Repo.Path, base)
	}
	return base, sha, f.Content, nil
}
