package port

import "context"

// Team is a GitHub team's members, the team written "org/slug". Steward
// keeps the stewards' team holding exactly the stewards on duty.
type Team interface {
	// TeamMembers lists the members' logins.
	TeamMembers(ctx context.Context, team string) ([]string, error)
	AddTeamMember(ctx context.Context, team, login string) error
	RemoveTeamMember(ctx context.Context, team, login string) error
}

// AgentGroup is a helpdesk's group of agents (FreshDesk), kept holding the
// stewards on duty as Team is.
type AgentGroup interface {
	// GroupAgents lists the group's agent ids.
	GroupAgents(ctx context.Context, group int64) ([]int64, error)
	// SetGroupAgents makes the group's agents exactly agents.
	SetGroupAgents(ctx context.Context, group int64, agents []int64) error
}
