package gh

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/port"
)

// Teams is GitHub's teams behind port.Team.
type Teams struct{ C *Client }

var _ port.Team = Teams{}

func teamSlug(team string) (org, slug string, err error) {
	org, slug, ok := strings.Cut(team, "/")
	if !ok || org == "" || slug == "" {
		return "", "", fmt.Errorf("team %q: write it as ORG/TEAM-SLUG", team)
	}
	return org, slug, nil
}

// TeamMembers implements port.Team.
func (t Teams) TeamMembers(ctx context.Context, team string) ([]string, error) {
	org, slug, err := teamSlug(team)
	if err != nil {
		return nil, err
	}
	users, err := All(func(page int) ([]*github.User, *github.Response, error) {
		return t.C.rest.Teams.ListTeamMembersBySlug(ctx, org, slug, &github.TeamListTeamMembersOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, fmt.Errorf("reading team %s: %w", team, err)
	}
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, u.GetLogin())
	}
	return out, nil
}

// AddTeamMember implements port.Team.
func (t Teams) AddTeamMember(ctx context.Context, team, login string) error {
	org, slug, err := teamSlug(team)
	if err != nil {
		return err
	}
	if _, _, err := t.C.rest.Teams.AddTeamMembershipBySlug(ctx, org, slug, login, &github.TeamAddTeamMembershipOptions{Role: "member"}); err != nil {
		return fmt.Errorf("adding @%s to %s: %w", login, team, err)
	}
	return nil
}

// RemoveTeamMember implements port.Team.
func (t Teams) RemoveTeamMember(ctx context.Context, team, login string) error {
	org, slug, err := teamSlug(team)
	if err != nil {
		return err
	}
	if _, err := t.C.rest.Teams.RemoveTeamMembershipBySlug(ctx, org, slug, login); err != nil {
		return fmt.Errorf("removing @%s from %s: %w", login, team, err)
	}
	return nil
}
