package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// Membership keeps the stewards' GitHub team and FreshDesk group holding
// exactly the stewards on duty: it reads both, works out the difference
// from the rotation, and writes only that.
type Membership struct {
	Team port.Team
	// Groups is nil without FreshDesk credentials: the group is skipped.
	Groups port.AgentGroup
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
	case m.Groups == nil:
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
		have, err := m.Groups.GroupAgents(ctx, fi.StewardsGroupID)
		if err != nil {
			return res, err
		}
		have = slices.Clone(have)
		slices.Sort(have)
		res.GroupAgentIDs = want
		if !slices.Equal(have, want) {
			if err := m.Groups.SetGroupAgents(ctx, fi.StewardsGroupID, want); err != nil {
				return res, err
			}
			res.GroupChanged = true
		}
	}
	return res, nil
}

func (m Membership) syncTeam(ctx context.Context, team string, res *MembershipResult) error {
	have, err := m.Team.TeamMembers(ctx, team)
	if err != nil {
		return err
	}
	has := func(list []string, x string) bool {
		return slices.ContainsFunc(list, func(y string) bool { return strings.EqualFold(x, y) })
	}
	for _, h := range res.Stewards {
		if !has(have, h) {
			if err := m.Team.AddTeamMember(ctx, team, h); err != nil {
				return err
			}
			res.TeamAdded = append(res.TeamAdded, h)
		}
	}
	for _, h := range have {
		if !has(res.Stewards, h) {
			if err := m.Team.RemoveTeamMember(ctx, team, h); err != nil {
				return err
			}
			res.TeamRemoved = append(res.TeamRemoved, h)
		}
	}
	return nil
}
