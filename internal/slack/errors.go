package slack

import (
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/support-steward/steward/internal/port"
)

// Error is Slack's `ok:false` answer to a call: its code, and what to fix.
type Error struct {
	Method string
	// Code is Slack's error code (not_in_channel, missing_scope, ...).
	Code string
	// Needed is the scope missing, for missing_scope.
	Needed string
	// Fix says what a person should do about it.
	Fix string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("slack %s: %s", e.Method, e.Code)
	if e.Fix != "" {
		msg += ": " + e.Fix
	}
	return msg
}

// Unwrap makes a workspace without user groups a port.ErrFeatureOff: on a
// free workspace usergroups.users.list and usergroups.users.update answer
// plan_upgrade_required (Slack's method reference; slack-ruby/slack-api-ref
// methods/usergroups/usergroups.users.{list,update}.json). paid_teams_only
// is the same refusal from usergroups.create and usergroups.update, which
// steward does not call; it is read the same way should Slack send it.
func (e *Error) Unwrap() error {
	if e.Code == "plan_upgrade_required" || e.Code == "paid_teams_only" {
		return port.ErrFeatureOff
	}
	return nil
}

// explain turns what slack-go returned into an error that says what to fix.
// target is the channel or user group the call was about.
func (c *Client) explain(method, target string, err error) error {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return fmt.Errorf("slack %s: %w", method, err)
	}
	e := &Error{Method: method, Code: se.Err, Needed: se.Needed}
	switch se.Err {
	case "not_in_channel":
		e.Fix = fmt.Sprintf("the bot is not in channel %s: invite it there (/invite @steward in the channel)", target)
	case "channel_not_found":
		e.Fix = fmt.Sprintf("channel %s does not exist, or is private and the bot is not in it: check the channel id in integrations.slack and invite the bot", target)
	case "missing_scope":
		e.Fix = fmt.Sprintf("the Slack app lacks the scope %s: add it under OAuth & Permissions (see slack-app.yml) and reinstall the app", orUnknown(se.Needed))
	case "not_authed", "invalid_auth", "token_revoked", "account_inactive", "token_expired":
		e.Fix = "SLACK_BOT_TOKEN is not a working bot token: copy the Bot User OAuth Token from the Slack app's OAuth & Permissions page"
	case "plan_upgrade_required", "paid_teams_only":
		e.Fix = "the Slack workspace is on a free plan, and user groups need a paid one: the stewards' user group is off (upgrade the workspace, or remove integrations.slack.stewards_usergroup from the roster)"
	case "failed_for_some_users":
		e.Fix = fmt.Sprintf("Slack could not add some of the stewards to user group %s: check that each on-duty engineer's engineers[].slack id in the roster is an active, full member of the workspace (not deactivated, not a guest)", target)
	case "subteam_max_users_exceeded":
		e.Fix = fmt.Sprintf("user group %s may not hold that many members: the stewards on duty (support.team_size, covers included) are more than Slack allows in it; use a smaller team or another user group in integrations.slack.stewards_usergroup", target)
	case "no_such_subteam":
		e.Fix = fmt.Sprintf("user group %s does not exist: check integrations.slack.stewards_usergroup (an id like S0123ABCD)", target)
	case "invalid_users", "user_is_bot", "user_is_restricted":
		e.Fix = "a steward's Slack id is not a member of the workspace: check engineers[].slack in the roster"
	case "permission_denied", "no_permission":
		e.Fix = "the app may not change this user group: a workspace admin can allow apps to manage user groups"
	case "is_archived":
		e.Fix = fmt.Sprintf("channel %s is archived: unarchive it or configure another", target)
	case "msg_too_long":
		e.Fix = "the message is longer than Slack takes"
	case "ratelimited":
		e.Fix = "Slack's rate limit: the next run retries"
	}
	return e
}

func orUnknown(s string) string {
	if s == "" {
		return "named in Slack's answer"
	}
	return s
}
