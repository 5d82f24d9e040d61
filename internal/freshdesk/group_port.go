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

// OpenTicketsOf implements port.AgentTickets: the agent's open tickets,
// in every status but resolved and closed, the account's own statuses
// included (read once per run, see Client.Statuses).
func (a AgentTickets) OpenTicketsOf(ctx context.Context, agentID int64) ([]port.TicketRef, error) {
	open, err := a.C.OpenStatuses(ctx)
	if err != nil {
		return nil, err
	}
	var out []port.TicketRef
	seen := map[int64]bool{}
	for _, q := range statusQueries(fmt.Sprintf("agent_id:%d", agentID), open) {
		tickets, err := a.C.Search(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, t := range tickets {
			if !seen[t.ID] {
				seen[t.ID] = true
				out = append(out, port.TicketRef{ID: t.ID, URL: a.C.AgentURL(t.ID), Priority: sla.PriorityName(t.Priority)})
			}
		}
	}
	return out, nil
}
