package wire

import (
	"context"
	"fmt"
	"strings"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/roster/template"
)

// maxTeam bounds how many members `steward init --github-team` reads: a
// support rotation is a team, not an organization.
const maxTeam = 200

// TeamMembers lists a GitHub team (org/slug) as engineers named by their
// handles, using the credentials in the environment. An App finds its installation through GITHUB_REPOSITORY
// unless GITHUB_APP_INSTALLATION_ID is set.
func TeamMembers(ctx context.Context, e Env, team string) ([]template.Engineer, error) {
	org, slug, ok := strings.Cut(team, "/")
	if !ok || org == "" || slug == "" {
		return nil, fmt.Errorf("--github-team %q: write it as ORG/TEAM-SLUG", team)
	}
	cfg, err := githubConfig(e)
	if err != nil {
		return nil, err
	}
	cfg.Repo = e.Getenv("GITHUB_REPOSITORY")
	c, err := gh.New(cfg)
	if err != nil {
		return nil, err
	}
	users, err := gh.Teams{C: c}.TeamMembers(ctx, team)
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("team %s has no members", team)
	}
	if len(users) > maxTeam {
		return nil, fmt.Errorf("team %s has %d members, more than the %d a rotation roster takes: name a smaller team", team, len(users), maxTeam)
	}
	// A team listing carries logins only; asking each profile for its name
	// would cost a request a member for a field many leave empty, so the
	// names start as the handles and `steward init` says to write them.
	out := make([]template.Engineer, 0, len(users))
	for _, u := range users {
		out = append(out, template.Engineer{Name: u, GitHub: u})
	}
	return out, nil
}
