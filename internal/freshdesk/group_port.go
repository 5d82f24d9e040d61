package freshdesk

import (
	"context"
	"fmt"

	"github.com/support-steward/steward/internal/port"
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
