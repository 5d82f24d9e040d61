package freshdesk

import (
	"context"
	"fmt"

	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sla"
)

// Groups is FreshDesk's agent groups behind port.AgentGroup.
type Groups struct{ C *Client }

var _ port.AgentGroup = Groups{}

// GroupAgents implements port.AgentGroup.
func (g Groups) GroupAgents(ctx context.Context, group int64) ([]int64, error) {
	got, err := g.C.Group(ctx, group)
	if err != nil {
		return nil, fmt.Errorf("reading FreshDesk group %d: %w", group, err)
	}
	return got.AgentIDs, nil
}

// SetGroupAgents implements port.AgentGroup.
func (g Groups) SetGroupAgents(ctx context.Context, group int64, agents []int64) error {
	if _, err := g.C.SetGroupAgents(ctx, group, agents); err != nil {
		return fmt.Errorf("updating FreshDesk group %d: %w", group, err)
	}
	return nil
}

// AgentTickets is FreshDesk's ticket search behind port.AgentTickets.
type AgentTickets struct{ C *Client }

var _ port.AgentTickets = AgentTickets{}

// OpenTicketsOf implements port.AgentTickets: the agent's open and pending
// tickets.
func (a AgentTickets) OpenTicketsOf(ctx context.Context, agentID int64) ([]port.TicketRef, error) {
	tickets, err := a.C.Search(ctx, fmt.Sprintf("agent_id:%d AND (status:2 OR status:3)", agentID))
	if err != nil {
		return nil, err
	}
	out := make([]port.TicketRef, len(tickets))
	for i, t := range tickets {
		out[i] = port.TicketRef{ID: t.ID, URL: a.C.AgentURL(t.ID), Priority: sla.PriorityName(t.Priority)}
	}
	return out, nil
}
