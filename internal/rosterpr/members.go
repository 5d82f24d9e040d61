package rosterpr

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// Membership keeps the stewards' GitHub team and FreshDesk group holding
// exactly the stewards on duty.
type Membership struct {
	GH *gh.Client
	FD *freshdesk.Client // optional
}

// MembershipResult lists what changed.
type MembershipResult struct {
	Stewards      []string `json:"stewards"`
	TeamAdded     []string `json:"team_added,omitempty"`
	TeamRemoved   []string `json:"team_removed,omitempty"`
	GroupAgentIDs []int64  `json:"group_agent_ids,omitempty"`
	GroupChanged  bool     `json:"group_changed,omitempty"`
	Skipped       []string `json:"skipped,omitempty"`
}

// Sync makes team and group match the stewards on duty on today; a second
// run writes nothing.
func (m Membership) Sync(ctx context.Context, r *roster.Roster, today civil.Date) (MembershipResult, error) {
	var res MembershipResult
	for _, s := range rotation.Who(r, today).OnDuty {
		res.Stewards = append(res.Stewards, s.GitHub)
	}
	gi, fi := r.Integrations.GitHub, r.Integrations.Freshdesk
	if gi == nil || gi.StewardsTeam == "" {
		res.Skipped = append(res.Skipped, "GitHub team: integrations.github.stewards_team is not set")
	} else if err := m.syncTeam(ctx, gi.StewardsTeam, &res); err != nil {
		return res, err
	}
	switch {
	case fi == nil || fi.StewardsGroupID == 0:
		res.Skipped = append(res.Skipped, "FreshDesk group: integrations.freshdesk.stewards_group_id is not set")
	case m.FD == nil:
		res.Skipped = append(res.Skipped, "FreshDesk group: no FreshDesk credentials")
	default:
		var want []int64
		for _, h := range res.Stewards {
			if e, ok := r.Engineer(h); ok && e.FreshdeskAgentID != 0 {
				want = append(want, e.FreshdeskAgentID)
			} else {
				res.Skipped = append(res.Skipped, fmt.Sprintf("FreshDesk group: @%s has no freshdesk_agent_id", h))
			}
		}
		slices.Sort(want)
		g, err := m.FD.Group(ctx, fi.StewardsGroupID)
		if err != nil {
			return res, fmt.Errorf("reading FreshDesk group %d: %w", fi.StewardsGroupID, err)
		}
		have := slices.Clone(g.AgentIDs)
		slices.Sort(have)
		res.GroupAgentIDs = want
		if !slices.Equal(have, want) {
			if _, err := m.FD.SetGroupAgents(ctx, fi.StewardsGroupID, want); err != nil {
				return res, fmt.Errorf("updating FreshDesk group %d: %w", fi.StewardsGroupID, err)
			}
			res.GroupChanged = true
		}
	}
	return res, nil
}

func (m Membership) syncTeam(ctx context.Context, team string, res *MembershipResult) error {
	org, slug, _ := strings.Cut(team, "/")
	users, err := gh.All(func(page int) ([]*github.User, *github.Response, error) {
		return m.GH.REST.Teams.ListTeamMembersBySlug(ctx, org, slug, &github.TeamListTeamMembersOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return fmt.Errorf("reading team %s: %w", team, err)
	}
	var have []string
	for _, u := range users {
		have = append(have, u.GetLogin())
	}
	has := func(list []string, x string) bool {
		return slices.ContainsFunc(list, func(y string) bool { return strings.EqualFold(x, y) })
	}
	for _, h := range res.Stewards {
		if !has(have, h) {
			if _, _, err := m.GH.REST.Teams.AddTeamMembershipBySlug(ctx, org, slug, h, &github.TeamAddTeamMembershipOptions{Role: "member"}); err != nil {
				return fmt.Errorf("adding @%s to %s: %w", h, team, err)
			}
			res.TeamAdded = append(res.TeamAdded, h)
		}
	}
	for _, h := range have {
		if !has(res.Stewards, h) {
			if _, err := m.GH.REST.Teams.RemoveTeamMembershipBySlug(ctx, org, slug, h); err != nil {
				return fmt.Errorf("removing @%s from %s: %w", h, team, err)
			}
			res.TeamRemoved = append(res.TeamRemoved, h)
		}
	}
	return nil
}
