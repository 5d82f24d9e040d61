package usecase

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// fakeTeam is a GitHub team and a FreshDesk group in memory, counting
// writes.
type fakeTeam struct {
	members []string
	agents  []int64
	writes  int
	fail    error
}

func (f *fakeTeam) TeamMembers(context.Context, string) ([]string, error) {
	return slices.Clone(f.members), f.fail
}

func (f *fakeTeam) AddTeamMember(_ context.Context, _, login string) error {
	f.writes++
	f.members = append(f.members, login)
	return nil
}

func (f *fakeTeam) RemoveTeamMember(_ context.Context, _, login string) error {
	f.writes++
	f.members = slices.DeleteFunc(f.members, func(m string) bool { return m == login })
	return nil
}

func (f *fakeTeam) GroupAgents(context.Context, int64) ([]int64, error) {
	return slices.Clone(f.agents), nil
}

func (f *fakeTeam) SetGroupAgents(_ context.Context, _ int64, agents []int64) error {
	f.writes++
	f.agents = slices.Clone(agents)
	return nil
}

const membershipRoster = `version: 1
team: T
timezone: UTC
support: {team_size: 2, tenure: 2w, handoff_every: 1w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada, freshdesk_agent_id: 1}
  - {name: Bob, github: bob, freshdesk_agent_id: 2}
  - {name: Cy, github: cy}
integrations:
  github: {repo: o/r, stewards_team: o/stewards}
  freshdesk: {domain: acme, stewards_group_id: 9}
`

func TestMembershipMakesTheTeamAndGroupTheStewardsOnDutyOnce(t *testing.T) {
	r, probs := roster.Parse("roster.yaml", []byte(membershipRoster))
	if r == nil {
		t.Fatal(probs)
	}
	day := civil.MustParse("2026-01-14") // the second week: two stewards on duty
	f := &fakeTeam{members: []string{"BOB", "zed"}, agents: []int64{7}}
	m := Membership{Team: f, Groups: f}
	res, err := m.Sync(context.Background(), r, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stewards) != 2 {
		t.Fatalf("stewards %v", res.Stewards)
	}
	want := slices.Clone(res.Stewards)
	slices.Sort(want)
	got := slices.Clone(f.members)
	slices.Sort(got)
	// Bob is matched whatever the case of his login; zed leaves.
	if strings.Join(res.TeamRemoved, ",") != "zed" || !slices.EqualFunc(got, want, strings.EqualFold) {
		t.Errorf("team %v after %+v, want %v", f.members, res, want)
	}
	if !res.GroupChanged {
		t.Errorf("the group was not changed: %+v", res)
	}
	writes := f.writes
	again, err := m.Sync(context.Background(), r, day)
	if err != nil || f.writes != writes || again.GroupChanged || len(again.TeamAdded)+len(again.TeamRemoved) != 0 {
		t.Errorf("a second run wrote: %+v %v", again, err)
	}
	// Without FreshDesk the group is skipped and said so; a failing team
	// read is the error.
	res, _ = Membership{Team: f}.Sync(context.Background(), r, day)
	if !slices.ContainsFunc(res.Skipped, func(s string) bool { return strings.Contains(s, "no FreshDesk credentials") }) {
		t.Errorf("skipped %v", res.Skipped)
	}
	f.fail = errors.New("boom")
	if _, err := m.Sync(context.Background(), r, day); err == nil {
		t.Error("a failed team read was not an error")
	}
}
