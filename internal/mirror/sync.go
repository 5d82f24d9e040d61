package mirror

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
)

// Observe reads what the plan needs: tickets changed since since, every
// support issue (conditional reads: an unchanged list costs nothing), and
// the names of the companies that tickets newly point at.
func (a *Applier) Observe(ctx context.Context, c Config, supportLabel string, since time.Time) (Input, error) {
	in := Input{Now: a.Now, Hubs: map[int64]string{}}
	include := []string{"stats"}
	if c.IncludeRequester {
		include = append(include, "requester")
	}
	if c.IncludeDescription {
		include = append(include, "description")
	}
	tickets, err := a.FD.ListTickets(ctx, freshdesk.ListOptions{UpdatedSince: since, OrderBy: "updated_at", OrderType: "asc", Include: include})
	if err != nil {
		return in, fmt.Errorf("listing FreshDesk tickets: %w", err)
	}
	in.Tickets = tickets
	if in.Issues, err = a.listIssues(ctx, supportLabel); err != nil {
		return in, err
	}
	// Hub names: reuse what an issue recorded for the same company.
	known := map[int64]string{}
	for _, is := range in.Issues {
		if st, ok := parseState(is.Body); ok && st.Company != 0 && st.Hub != "" {
			known[st.Company] = st.Hub
		}
	}
	for _, t := range tickets {
		if t.CompanyID == nil || *t.CompanyID == 0 {
			continue
		}
		id := *t.CompanyID
		if _, ok := in.Hubs[id]; ok {
			continue
		}
		if name, ok := known[id]; ok {
			in.Hubs[id] = name
			continue
		}
		if !c.Matches(t) && !hasIssue(in.Issues, c.Domain, t.ID) {
			continue // not mirrored: no need to know its hub
		}
		co, err := a.FD.Company(ctx, id)
		if err != nil {
			return in, fmt.Errorf("reading FreshDesk company %d: %w", id, err)
		}
		in.Hubs[id] = co.Name
	}
	return in, nil
}

// listIssues reads every support issue, open or closed, page by page; each
// page is a conditional read.
func (a *Applier) listIssues(ctx context.Context, label string) ([]Issue, error) {
	all, err := gh.All(func(page int) ([]*github.Issue, *github.Response, error) {
		return a.GH.REST.Issues.ListByRepo(ctx, a.Owner, a.Repo, &github.IssueListByRepoOptions{
			Labels: []string{label}, State: "all", ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s issues in %s/%s: %w", label, a.Owner, a.Repo, err)
	}
	var out []Issue
	for _, is := range all {
		if is.IsPullRequest() {
			continue
		}
		x := Issue{Number: is.GetNumber(), NodeID: is.GetNodeID(), Title: is.GetTitle(), Body: is.GetBody(),
			State: is.GetState(), StateReason: is.GetStateReason(), ClosedAt: is.GetClosedAt().Time, ClosedBy: is.GetClosedBy().GetLogin(),
			URL: is.GetHTMLURL()}
		for _, l := range is.Labels {
			x.Labels = append(x.Labels, l.GetName())
		}
		out = append(out, x)
	}
	return out, nil
}

func hasIssue(issues []Issue, domain string, ticket int64) bool {
	for _, is := range issues {
		if st, ok := parseState(is.Body); ok && st.Ticket == ticket && st.Domain == domain {
			return true
		}
	}
	return false
}

// Report is what a sync run planned and did.
type Report struct {
	Planned  []Work    `json:"planned"`
	Outcomes []Outcome `json:"outcomes,omitempty"`
	DryRun   bool      `json:"dry_run"`
}

// Created counts the issues created.
func (r Report) Created() int { return r.count(CreateIssue) }

// Failed counts the steps that failed.
func (r Report) Failed() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Error != "" {
			n++
		}
	}
	return n
}

func (r Report) count(k Kind) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Kind == k && o.Error == "" {
			n++
		}
	}
	return n
}

// Sync observes, plans and (unless dryRun) applies one run.
func (a *Applier) Sync(ctx context.Context, c Config, supportLabel string, window time.Duration, dryRun bool) (Report, error) {
	in, err := a.Observe(ctx, c, supportLabel, a.Now.Add(-window))
	if err != nil {
		return Report{DryRun: dryRun}, err
	}
	r := Report{Planned: Plan(c, in), DryRun: dryRun}
	if r.Planned == nil {
		r.Planned = []Work{}
	}
	if !dryRun && len(r.Planned) > 0 {
		r.Outcomes = a.Apply(ctx, r.Planned)
		// Read the list once more after writing, so the next run's
		// conditional reads find it unchanged and cost nothing.
		if _, err := a.listIssues(ctx, supportLabel); err != nil {
			return r, err
		}
	}
	return r, nil
}
