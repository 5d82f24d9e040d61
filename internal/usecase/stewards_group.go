package usecase

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/port"
)

// StewardsGroup keeps a chat user group (integrations.slack.
// stewards_usergroup) equal to the stewards on duty, as the GitHub team and
// the FreshDesk group are.
type StewardsGroup struct {
	Chat  port.Chat
	Group string
}

// GroupOffNotice is the run's notice when the workspace has no user groups.
const GroupOffNotice = "the stewards' user group is off: the Slack workspace is on a free plan, and user groups need a paid one"

// GroupResult says what StewardsGroup.Sync found and did.
type GroupResult struct {
	// Changed is true when the group's members were set.
	Changed bool
	// Off is true when the workspace has no user groups: on a free plan
	// Slack answers plan_upgrade_required (port.ErrFeatureOff).
	Off bool
	// Notice is for the run's summary: why nothing was done, or who could
	// not be added.
	Notice string
}

// Sync reads the group and sets it to the on-duty stewards' chat ids when
// it differs. A workspace without user groups (a free plan) is Off with a
// notice, not an error; any other refusal (a steward Slack could not add,
// more members than the group may hold) is an error saying what to do. Stewards without a chat id in the roster are named in the notice;
// when none has one, the group is left as it is (a group cannot be empty).
func (g StewardsGroup) Sync(ctx context.Context, onDuty []comms.Person) (GroupResult, error) {
	var res GroupResult
	var want, missing []string
	for _, p := range onDuty {
		if p.Slack == "" {
			missing = append(missing, p.Name)
			continue
		}
		want = append(want, p.Slack)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if len(missing) > 0 {
		res.Notice = fmt.Sprintf("%s on duty without a slack id in the roster: not in the stewards' user group", strings.Join(missing, " and "))
	}
	if len(want) == 0 {
		res.Notice = "nobody on duty has a slack id in the roster: the stewards' user group is left as it is"
		return res, nil
	}
	have, err := g.Chat.GroupMembers(ctx, g.Group)
	if err == nil {
		slices.Sort(have)
		if slices.Equal(slices.Compact(have), want) {
			return res, nil
		}
		err = g.Chat.SetGroupMembers(ctx, g.Group, want)
		res.Changed = err == nil
	}
	if errors.Is(err, port.ErrFeatureOff) {
		return GroupResult{Off: true, Notice: GroupOffNotice}, nil
	}
	if err != nil {
		return res, fmt.Errorf("the stewards' user group %s: %w", g.Group, err)
	}
	return res, nil
}
