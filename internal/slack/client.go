// Package slack is steward's Slack adapter: github.com/slack-go/slack behind
// the port.Chat interface, with Slack's rate limits honoured and its
// `ok:false` answers turned into errors that say what to fix. It also serves
// the `/steward` slash command (command.go). It makes no decisions: what to
// say and when is internal/comms and internal/usecase.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/support-steward/steward/internal/clock"
	"github.com/support-steward/steward/internal/port"
)

// DefaultAPIURL is Slack's Web API base.
const DefaultAPIURL = "https://slack.com/api/"

// DefaultMaxWait caps a single Retry-After: a longer wait fails the step now
// and leaves it to the next run.
const DefaultMaxWait = 5 * time.Minute

// Options configure a Client.
type Options struct {
	// Token is the bot token (xoxb-...). It is sent to Slack and nowhere
	// else: never logged, never in an error.
	Token string
	// APIURL overrides the Web API base (SLACK_API_URL), for sandboxes.
	APIURL string
	// HTTPClient sends the requests; when nil, one is built on Transport
	// (the shared transport stack) with a 30-second timeout.
	HTTPClient *http.Client
	Transport  http.RoundTripper
	// Clock waits out Retry-After and backoff; default the wall clock.
	Clock clock.Clock
	// MaxWait caps a single Retry-After (default DefaultMaxWait).
	MaxWait time.Duration
	// Tries bounds the attempts of one call (default 5). Once the shared
	// transport stack (internal/httpx) retries below this client, 1 leaves
	// the retrying to it: one retry policy, not two stacked.
	Tries int
	Log   *slog.Logger
}

// Client is a Slack bot, implementing port.Chat.
type Client struct {
	api   *slack.Client
	clock clock.Clock
	max   time.Duration
	tries int
	log   *slog.Logger
}

var _ port.Chat = (*Client)(nil)

// FromEnv builds a client from SLACK_BOT_TOKEN and SLACK_API_URL, on top of
// o. Without a token Slack is off: it returns nil and no error.
func FromEnv(getenv func(string) string, o Options) (*Client, error) {
	o.Token = strings.TrimSpace(getenv("SLACK_BOT_TOKEN"))
	if o.Token == "" {
		return nil, nil
	}
	if u := strings.TrimSpace(getenv("SLACK_API_URL")); u != "" {
		o.APIURL = u
	}
	return New(o)
}

// New returns a client for o.
func New(o Options) (*Client, error) {
	if o.Token == "" {
		return nil, errors.New("slack: no bot token: set SLACK_BOT_TOKEN to the app's xoxb-... token")
	}
	if !strings.HasPrefix(o.Token, "xoxb-") {
		return nil, errors.New("slack: SLACK_BOT_TOKEN is not a bot token (xoxb-...): use the Bot User OAuth Token of the Slack app")
	}
	base := o.APIURL
	if base == "" {
		base = DefaultAPIURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, fmt.Errorf("slack: SLACK_API_URL %q is not an http(s) URL", base)
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: o.Transport, Timeout: 30 * time.Second}
	}
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.Tries <= 0 {
		o.Tries = 5
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	// No slack.OptionDebug and no slack.OptionLog: slack-go's debug output
	// can show request values, and the token travels as one.
	api := slack.New(o.Token, slack.OptionAPIURL(base), slack.OptionHTTPClient(hc))
	return &Client{api: api, clock: clock.Or(o.Clock), max: o.MaxWait, tries: o.Tries, log: o.Log}, nil
}

// Identity is who the token is (auth.test).
type Identity struct {
	UserID, BotID, TeamID, URL string
}

// AuthTest checks the token and says whose it is.
func (c *Client) AuthTest(ctx context.Context) (Identity, error) {
	var id Identity
	err := c.call(ctx, "auth.test", "", true, func() error {
		r, err := c.api.AuthTestContext(ctx)
		if err == nil {
			id = Identity{UserID: r.UserID, BotID: r.BotID, TeamID: r.TeamID, URL: r.URL}
		}
		return err
	})
	return id, err
}

// Post sends a thread's parent to channel. It is not retried after an
// answer lost to a server error or a dropped connection, which may have
// posted it: the caller decides (a run that converges).
func (c *Client) Post(ctx context.Context, channel string, m port.ChatMessage) (port.MessageRef, error) {
	return c.post(ctx, channel, "", m)
}

// Reply sends m into parent's thread.
func (c *Client) Reply(ctx context.Context, parent port.MessageRef, m port.ChatMessage) (port.MessageRef, error) {
	if parent.TS == "" {
		return port.MessageRef{}, errors.New("slack: a reply needs its thread's parent")
	}
	return c.post(ctx, parent.Channel, parent.TS, m)
}

func (c *Client) post(ctx context.Context, channel, threadTS string, m port.ChatMessage) (port.MessageRef, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionDisableLinkUnfurl()}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var ref port.MessageRef
	err := c.call(ctx, "chat.postMessage", channel, false, func() error {
		ch, ts, err := c.api.PostMessageContext(ctx, channel, opts...)
		ref = port.MessageRef{Channel: ch, TS: ts}
		return err
	})
	return ref, err
}

// Permalink returns the message's permalink (chat.getPermalink).
func (c *Client) Permalink(ctx context.Context, ref port.MessageRef) (string, error) {
	var link string
	err := c.call(ctx, "chat.getPermalink", ref.Channel, true, func() error {
		var err error
		link, err = c.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: ref.Channel, Ts: ref.TS})
		return err
	})
	return link, err
}

// Delete removes a message the bot sent; one already gone is done.
func (c *Client) Delete(ctx context.Context, ref port.MessageRef) error {
	err := c.call(ctx, "chat.delete", ref.Channel, true, func() error {
		_, _, err := c.api.DeleteMessageContext(ctx, ref.Channel, ref.TS)
		return err
	})
	var se *Error
	if errors.As(err, &se) && se.Code == "message_not_found" {
		return nil
	}
	return err
}

// GroupMembers returns a user group's members (usergroups.users.list). On a
// workspace without user groups the error wraps port.ErrFeatureOff.
func (c *Client) GroupMembers(ctx context.Context, group string) ([]string, error) {
	var users []string
	err := c.call(ctx, "usergroups.users.list", group, true, func() error {
		var err error
		users, err = c.api.GetUserGroupMembersContext(ctx, group)
		return err
	})
	return users, err
}

// SetGroupMembers makes group hold exactly users (usergroups.users.update).
// Slack cannot empty a user group, so an empty list is refused here with a
// reason rather than sent.
func (c *Client) SetGroupMembers(ctx context.Context, group string, users []string) error {
	set := slices.Clone(users)
	slices.Sort(set)
	set = slices.Compact(set)
	if len(set) == 0 || set[0] == "" && len(set) == 1 {
		return fmt.Errorf("slack usergroups.users.update: user group %s would be empty, which Slack does not allow: nobody on duty has a slack id in the roster", group)
	}
	if set[0] == "" {
		set = set[1:]
	}
	return c.call(ctx, "usergroups.users.update", group, true, func() error {
		_, err := c.api.UpdateUserGroupMembersContext(ctx, group, strings.Join(set, ","))
		return err
	})
}

// call runs one Web API call: it waits out 429s (Retry-After up to the cap),
// retries server errors and lost connections when the call is safe to
// repeat, and turns Slack's `ok:false` into an *Error.
func (c *Client) call(ctx context.Context, method, target string, idempotent bool, fn func() error) error {
	backoff := time.Second
	var err error
	for try := 1; ; try++ {
		err = fn()
		if err == nil {
			return nil
		}
		var wait time.Duration
		var rl *slack.RateLimitedError
		var sc slack.StatusCodeError
		switch {
		case errors.As(err, &rl):
			wait = max(rl.RetryAfter, time.Second)
			if wait > c.max {
				return fmt.Errorf("slack %s: Slack asks to wait %s, more than the %s cap: left for the next run", method, wait, c.max)
			}
		case idempotent && (errors.As(err, &sc) && sc.Code >= 500 || isConnError(err)):
			wait = backoff
			backoff *= 2
		default:
			return c.explain(method, target, err)
		}
		if try >= c.tries {
			return fmt.Errorf("slack %s: gave up after %d tries: %w", method, try, c.explain(method, target, err))
		}
		c.log.Info("slack: waiting before a retry", "method", method, "wait", wait, "try", try)
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("slack %s: %w", method, err)
		}
	}
}

// isConnError reports a request that got no answer (a dropped connection,
// a timeout), as opposed to an answer that says no.
func isConnError(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) && !errors.Is(err, context.Canceled)
}
