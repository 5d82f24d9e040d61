package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/clock"
)

// SlackOptions configure a Slack emulator.
type SlackOptions struct {
	// Token is the only bot token accepted (xoxb-...).
	Token string
	// BotUserID is the bot's user id (default UBOT0001).
	BotUserID string
	// Workspace is the workspace's subdomain, used in permalinks and
	// auth.test's url (default "steward-sandbox").
	Workspace string
	// FreeWorkspace makes usergroups.users.list and usergroups.users.update
	// answer plan_upgrade_required, as they do on a workspace without a paid
	// plan (Slack's method reference; slack-ruby/slack-api-ref
	// methods/usergroups/usergroups.users.{list,update}.json). Slack's
	// paid_teams_only is usergroups.create's and usergroups.update's
	// answer, methods the emulator does not serve.
	FreeWorkspace bool
	// MaxGroupUsers is the most members a user group may hold: a
	// usergroups.users.update with more distinct users answers
	// subteam_max_users_exceeded (documented for the method). 0: no cap.
	MaxGroupUsers int
	// HooksURL is where the emulator's response_urls for slash commands
	// live (default SandboxHooksURL; Slack's are under
	// https://hooks.slack.com/commands/). A test serving the emulator on a
	// socket sets it to its server's URL + "/commands/".
	HooksURL string
	// Scopes granted to the token; nil grants every scope the emulator
	// knows. A method whose scope is missing answers missing_scope.
	Scopes []string
	// Tiers overrides the requests a minute allowed per method (default: the
	// method's Slack tier, see slackMethods).
	Tiers map[string]int
	// PostBurst is how many chat.postMessage calls a channel takes in one
	// second before 429 (default 3: Slack allows about one a second, with
	// short bursts).
	PostBurst int
	Clock     Clock
	Faults    *Faults
}

// SlackMessage is a message as the emulator stores it.
type SlackMessage struct {
	Channel  string
	TS       string
	ThreadTS string // the parent's ts for a reply; empty for a parent
	User     string
	Text     string
	Deleted  bool
}

// SlackChannel is a conversation.
type SlackChannel struct {
	ID      string
	Name    string
	Private bool
	// Members are the user ids in the channel; the bot must be one of them
	// to post.
	Members []string
}

// SlackUserGroup is a user group (a "subteam").
type SlackUserGroup struct {
	ID     string
	Handle string
	Name   string
	Users  []string
}

// slackMethod is what the emulator knows of one Web API method.
type slackMethod struct {
	scope string
	// perMinute is the method's rate-limit tier: Tier 1 is 1+, Tier 2 20+,
	// Tier 3 50+, Tier 4 100+ requests a minute. chat.postMessage is
	// "special" (per channel, see PostBurst); its minute budget is Tier 4.
	perMinute int
	serve     func(s *Slack, w http.ResponseWriter, p slackParams)
}

// slackMethods are the methods served, with Slack's published scopes and
// tiers (api.slack.com/methods/...).
var slackMethods = map[string]slackMethod{
	"auth.test":               {"", 100, (*Slack).authTest},
	"chat.postMessage":        {"chat:write", 100, (*Slack).postMessage},
	"chat.getPermalink":       {"", 100, (*Slack).getPermalink},
	"chat.delete":             {"chat:write", 50, (*Slack).deleteMessage},
	"usergroups.users.list":   {"usergroups:read", 50, (*Slack).userGroupUsers},
	"usergroups.users.update": {"usergroups:write", 20, (*Slack).updateUserGroupUsers},
}

// SlackMethodScopes returns the bot scope each served method needs (empty:
// none), as Slack documents them, so the app manifest can be checked
// against what steward calls.
func SlackMethodScopes() map[string]string {
	out := map[string]string{}
	for name, m := range slackMethods {
		out[name] = m.scope
	}
	return out
}

// Slack is an in-memory Slack Web API: channels, the bot's membership,
// threads, permalinks, user groups, per-method rate limits and Slack's
// `ok:false` errors.
type Slack struct {
	opts   SlackOptions
	clock  Clock
	ledger *Ledger
	door   *frontDoor

	mu       sync.Mutex
	channels map[string]*SlackChannel
	messages []*SlackMessage // in posting order
	groups   map[string]*SlackUserGroup
	users    map[string]bool
	// failUsers are the users usergroups.users.update fails for
	// (failed_for_some_users), set by FailForUsers.
	failUsers map[string]bool
	// hooks are the response_urls issued to slash commands, by path.
	hooks   map[string]*slackHook
	hookSeq int
	lastTS  time.Time
	// windows are the per-method minute windows and per-channel second
	// windows of the rate limits.
	windows map[string]*slackWindow
	// violations are the departures from Slack's description seen in
	// requests, for ContractViolations.
	violations []string
}

type slackWindow struct {
	start time.Time
	used  int
}

// NewSlack returns an empty workspace with the bot as its only user.
func NewSlack(o SlackOptions) *Slack {
	if o.BotUserID == "" {
		o.BotUserID = "UBOT0001"
	}
	if o.Workspace == "" {
		o.Workspace = "steward-sandbox"
	}
	if o.PostBurst == 0 {
		o.PostBurst = 3
	}
	if o.Clock == nil {
		o.Clock = clock.MustSystem()
	}
	if o.HooksURL == "" {
		o.HooksURL = SandboxHooksURL
	}
	if !strings.HasSuffix(o.HooksURL, "/") {
		o.HooksURL += "/"
	}
	s := &Slack{
		opts: o, clock: o.Clock, ledger: &Ledger{},
		channels: map[string]*SlackChannel{}, groups: map[string]*SlackUserGroup{},
		users: map[string]bool{o.BotUserID: true}, windows: map[string]*slackWindow{},
		failUsers: map[string]bool{}, hooks: map[string]*slackHook{},
	}
	mux := http.NewServeMux()
	for name := range slackMethods {
		mux.HandleFunc("/api/"+name, s.serve(name))
	}
	mux.HandleFunc("POST /commands/{team}/{id}/{token}", s.responseURL)
	mux.HandleFunc("/api/{method}", func(w http.ResponseWriter, r *http.Request) {
		slackJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	})
	s.door = &frontDoor{mux: mux, ledger: s.ledger, faults: o.Faults, clock: o.Clock, faultBody: slackFaultBody}
	return s
}

// ServeHTTP serves the Web API under /api/.
func (s *Slack) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.door.ServeHTTP(w, r) }

// Ledger returns the emulator's request accounting.
func (s *Slack) Ledger() *Ledger { return s.ledger }

// ContractViolations returns every way a request received so far, or the
// emulator's own success answer to it, departed from Slack's published
// description of its Web API (slack_contract.go, slack_schema.go); a test
// of a Slack client fails when it is not empty.
func (s *Slack) ContractViolations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// BotUserID returns the bot's user id.
func (s *Slack) BotUserID() string { return s.opts.BotUserID }

// SetFreeWorkspace switches user groups off (plan_upgrade_required, see
// SlackOptions.FreeWorkspace) or on.
func (s *Slack) SetFreeWorkspace(free bool) {
	s.mu.Lock()
	s.opts.FreeWorkspace = free
	s.mu.Unlock()
}

// AddChannel creates a channel; withBot puts the bot in it.
func (s *Slack) AddChannel(id, name string, private, withBot bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &SlackChannel{ID: id, Name: name, Private: private}
	if withBot {
		c.Members = []string{s.opts.BotUserID}
	}
	s.channels[id] = c
}

// InviteBot puts the bot in a channel, as `/invite @steward` does.
func (s *Slack) InviteBot(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[channel]; ok && !slices.Contains(c.Members, s.opts.BotUserID) {
		c.Members = append(c.Members, s.opts.BotUserID)
	}
}

// AddUser registers a user id in the workspace.
func (s *Slack) AddUser(id string) {
	s.mu.Lock()
	s.users[id] = true
	s.mu.Unlock()
}

// FailForUsers makes usergroups.users.update answer failed_for_some_users
// when it is given any of users (a user Slack cannot add to a user group);
// none clears the list. A refused update leaves the group as it was.
func (s *Slack) FailForUsers(users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failUsers = map[string]bool{}
	for _, u := range users {
		s.failUsers[u] = true
	}
}

// AddUserGroup creates a user group with the given members.
func (s *Slack) AddUserGroup(id, handle string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[id] = &SlackUserGroup{ID: id, Handle: handle, Name: handle, Users: slices.Clone(users)}
}

// UserGroup returns a copy of a user group.
func (s *Slack) UserGroup(id string) (SlackUserGroup, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[id]
	if !ok {
		return SlackUserGroup{}, false
	}
	c := *g
	c.Users = slices.Clone(g.Users)
	return c, true
}

// Messages returns a copy of the channel's messages that are not deleted,
// parents and replies, in posting order.
func (s *Slack) Messages(channel string) []SlackMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SlackMessage
	for _, m := range s.messages {
		if m.Channel == channel && !m.Deleted {
			out = append(out, *m)
		}
	}
	return out
}

// Parents returns the channel's thread parents (top-level messages) that
// are not deleted.
func (s *Slack) Parents(channel string) []SlackMessage {
	var out []SlackMessage
	for _, m := range s.Messages(channel) {
		if m.ThreadTS == "" {
			out = append(out, m)
		}
	}
	return out
}

// Replies returns the replies in the thread of parent ts, not deleted.
func (s *Slack) Replies(channel, ts string) []SlackMessage {
	var out []SlackMessage
	for _, m := range s.Messages(channel) {
		if m.ThreadTS == ts {
			out = append(out, m)
		}
	}
	return out
}

// Permalink is the link Slack gives a message: the ts without its dot,
// and for a reply the thread it is in.
func (s *Slack) Permalink(channel, ts, threadTS string) string {
	link := fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", s.opts.Workspace, channel, strings.Replace(ts, ".", "", 1))
	if threadTS != "" {
		link += fmt.Sprintf("?thread_ts=%s&cid=%s", threadTS, channel)
	}
	return link
}

// nextTS returns a new message timestamp: seconds and microseconds since
// the epoch, unique and increasing across the workspace; s.mu is held.
func (s *Slack) nextTS() string {
	now := s.clock.Now().Truncate(time.Microsecond)
	if !now.After(s.lastTS) {
		now = s.lastTS.Add(time.Microsecond)
	}
	s.lastTS = now
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

// find returns the message with ts in channel, deleted or not; s.mu is held.
func (s *Slack) find(channel, ts string) *SlackMessage {
	for _, m := range s.messages {
		if m.Channel == channel && m.TS == ts {
			return m
		}
	}
	return nil
}
