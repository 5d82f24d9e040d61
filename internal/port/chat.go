package port

import (
	"context"
	"errors"
)

// Chat is the team's chat (Slack): messages and threads in channels, and a
// user group that holds the stewards on duty.
type Chat interface {
	// Post sends a new top-level message, a thread's parent, to channel.
	Post(ctx context.Context, channel string, m ChatMessage) (MessageRef, error)
	// Reply sends m into the thread whose parent is parent.
	Reply(ctx context.Context, parent MessageRef, m ChatMessage) (MessageRef, error)
	// Permalink returns a link to the message that people can follow.
	Permalink(ctx context.Context, ref MessageRef) (string, error)
	// Delete removes a message steward sent; a message already gone is not
	// an error.
	Delete(ctx context.Context, ref MessageRef) error
	// GroupMembers returns the user ids in a user group.
	GroupMembers(ctx context.Context, group string) ([]string, error)
	// SetGroupMembers makes a user group hold exactly users (Slack user ids).
	SetGroupMembers(ctx context.Context, group string, users []string) error
}

// ChatMessage is what steward says: text in the chat's markup (Slack's
// mrkdwn), written by internal/comms.
type ChatMessage struct {
	Text string
}

// MessageRef names one message: its channel id and its timestamp, which
// Slack uses as the message's id. TS stays a string ("1700000000.123456"):
// as a float it loses digits.
type MessageRef struct {
	Channel string
	TS      string
}

// IsZero reports whether the reference names no message.
func (r MessageRef) IsZero() bool { return r.Channel == "" && r.TS == "" }

// ErrFeatureOff says the workspace cannot do what was asked (user groups on
// a free Slack workspace): the feature is off, with a notice, not a failure.
var ErrFeatureOff = errors.New("this feature is not available in the workspace")
