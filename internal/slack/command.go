package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Answers are what `/steward` can tell. They are passed in, so the command
// does no I/O of its own; each gets a context that ends before Slack's
// 3-second deadline.
type Answers struct {
	// Who says who is on duty today and who is next.
	Who func(ctx context.Context) (string, error)
	// Schedule lists the shifts of the coming weeks.
	Schedule func(ctx context.Context, weeks int) (string, error)
	// Overdue lists the tickets past a response target.
	Overdue func(ctx context.Context) (string, error)
}

// Bounds of the slash command.
const (
	// MaxCommandBody bounds what is read of a request before its signature
	// is checked: a slash command's form is well under 4 KiB.
	MaxCommandBody = 16 << 10
	// DefaultAnswerBudget leaves room inside Slack's 3 seconds for the
	// network both ways.
	DefaultAnswerBudget = 2500 * time.Millisecond
	// DefaultScheduleWeeks and MaxScheduleWeeks bound `schedule [weeks]`.
	DefaultScheduleWeeks = 8
	MaxScheduleWeeks     = 52
)

// Workspace is what one command is answered from: the answers, and the
// Slack workspace they may be given in.
type Workspace struct {
	// TeamID is the workspace (team id, like T0123ABCD) whose commands are
	// answered: roster.yaml's integrations.slack.team_id. A command from
	// any other workspace the app is installed in is refused; with none,
	// every command is refused with a message saying to set it.
	TeamID string
	Answers
}

// CommandHandler serves the `/steward` slash command (mounted at
// POST /webhooks/slack). A request whose Slack v0 signature does not verify
// (wrong, tampered, missing, or a timestamp more than 5 minutes from now) is
// 401 and does nothing; a verified request is answered once (a replay of it
// is not answered again), and only in the workspace steward serves.
type CommandHandler struct {
	secret string
	// workspace gives a command's answers and workspace, once per command.
	workspace func(context.Context) (Workspace, error)
	seen      *replays
	// Budget is the time an answer may take (default DefaultAnswerBudget).
	Budget time.Duration
	Log    *slog.Logger
}

// NewWorkspaceCommandHandler returns the handler that serves one
// workspace: for each command it asks workspace for the answers and the
// workspace's team id (roster.yaml's, read once per command, within the
// answer's budget) and answers only a command whose team_id is that one.
// It refuses to exist without a signing secret (SLACK_SIGNING_SECRET), as
// an unsigned endpoint would answer anyone.
func NewWorkspaceCommandHandler(signingSecret string, workspace func(context.Context) (Workspace, error)) (*CommandHandler, error) {
	if strings.TrimSpace(signingSecret) == "" {
		return nil, errors.New("slack: no signing secret: set SLACK_SIGNING_SECRET to the Slack app's Signing Secret")
	}
	if workspace == nil {
		return nil, errors.New("slack: the slash command needs its workspace's answers")
	}
	return &CommandHandler{secret: signingSecret, workspace: workspace, seen: newReplays(MaxRemembered),
		Budget: DefaultAnswerBudget, Log: slog.New(slog.DiscardHandler)}, nil
}

// reply is a slash command's immediate answer.
type reply struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

// ServeHTTP verifies the request, then answers it.
func (h *CommandHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxCommandBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	// slack-go's verifier checks the timestamp (5 minutes either way, on the
	// wall clock) and the HMAC in constant time.
	sv, err := slack.NewSecretsVerifier(r.Header, h.secret)
	if err == nil {
		sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		h.Log.Warn("slack: a slash command failed verification", "reason", verifyReason(err))
		http.Error(w, "signature verification failed", http.StatusUnauthorized)
		return
	}
	// The refusals from here on (a replay, another workspace, no workspace
	// named) are 200s with an ephemeral text, not 4xx: the request bears
	// Slack's signature, so a person in a workspace the app is installed
	// in typed it; Slack shows that person the text of a 200 and only a
	// bare "failed" otherwise; and the texts tell nothing about the team.
	if out, ok := h.once(r.Header); !ok {
		writeReply(w, out)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "not a form", http.StatusBadRequest)
		return
	}
	writeReply(w, h.answer(r.Context(), form.Get("team_id"), form.Get("text")))
}

func writeReply(w http.ResponseWriter, out reply) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// once remembers a verified request by its timestamp and signature; false
// with the reply to give if it was answered already (or cannot be
// remembered). Slack sends a command once and never retries it, so a
// second one is a copy someone kept: within the 5 minutes its timestamp
// is accepted it would run the command again and, for `overdue`, hand
// ticket subjects to whoever sent it. The hex of the signature is compared
// in lower case, as the verifier reads either case.
func (h *CommandHandler) once(header http.Header) (reply, bool) {
	stamp := header.Get("X-Slack-Request-Timestamp")
	sig := strings.ToLower(header.Get("X-Slack-Signature"))
	unix, _ := strconv.ParseInt(stamp, 10, 64) // the verifier parsed it
	// The wall clock, as the signature's window is (protocol time, not
	// steward's clock).
	switch h.seen.first(stamp+" "+sig, time.Unix(unix, 0), time.Now()) {
	case replayed:
		h.Log.Warn("slack: a slash command was sent again with the same signature; it was not answered again")
		return reply{ResponseType: "ephemeral", Text: alreadyAnswered}, false
	case full:
		h.Log.Warn("slack: too many slash commands in 5 minutes to remember one more; it was not answered", "remembered", MaxRemembered)
		return reply{ResponseType: "ephemeral", Text: tooMany}, false
	}
	return reply{}, true
}

func verifyReason(err error) string {
	switch {
	case errors.Is(err, slack.ErrMissingHeaders):
		return "missing X-Slack-Signature or X-Slack-Request-Timestamp"
	case errors.Is(err, slack.ErrExpiredTimestamp):
		return "timestamp more than 5 minutes from now"
	case errors.Is(err, slack.ErrInvalidSignature):
		return "wrong signature"
	}
	return "malformed signature headers"
}

const usage = "Usage: `/steward who`, `/steward schedule [weeks]`, `/steward overdue`; add `public` to `who` or `schedule` to answer in the channel (`overdue` names tickets, so it answers only you)."

// The refusals' texts.
const (
	alreadyAnswered = "steward already answered this request."
	tooMany         = "steward is answering too many commands just now; try again in a few minutes."
	otherWorkspace  = "steward answers `/steward` only in its team's Slack workspace, and this is another one."
	noWorkspace     = "steward answers `/steward` only in the Slack workspace its roster names, and roster.yaml names none: set `integrations.slack.team_id` to the workspace's id"
)

// teamID is the shape of a workspace id that may be repeated to the person
// asking (an id is inert in Slack's markup).
var teamID = regexp.MustCompile(`^T[A-Z0-9]{2,32}$`)

// asked is what a command's text asks for.
type asked struct {
	name   string // who, schedule, overdue; empty: answer with text
	weeks  int
	public bool
	text   string // a usage answer
}

func parse(text string) asked {
	words := strings.Fields(strings.ToLower(text))
	c := asked{}
	if n := len(words); n > 0 && words[n-1] == "public" {
		c.public = true
		words = words[:n-1]
	}
	bad := asked{text: usage}
	if len(words) == 0 {
		return bad
	}
	switch words[0] {
	case "who":
		if len(words) == 1 {
			c.name = "who"
			return c
		}
	case "overdue":
		// Ticket subjects are the community's: never in a channel, which
		// may be public (design.md: support conversations are private).
		if len(words) == 1 {
			c.name, c.public = "overdue", false
			return c
		}
	case "schedule":
		c.name, c.weeks = "schedule", DefaultScheduleWeeks
		if len(words) == 2 {
			n, err := strconv.Atoi(words[1])
			if err != nil || n < 1 || n > MaxScheduleWeeks {
				return asked{text: fmt.Sprintf("`weeks` is a whole number from 1 to %d. %s", MaxScheduleWeeks, usage)}
			}
			c.weeks = n
		}
		if len(words) <= 2 {
			return c
		}
	}
	return bad
}

// answer runs the command in text, from the workspace team, within the
// budget: the workspace's answers are read, a command from another
// workspace refused, then the command run.
func (h *CommandHandler) answer(ctx context.Context, team, text string) reply {
	c := parse(text)
	ctx, cancel := context.WithTimeout(ctx, h.Budget)
	defer cancel()
	done := make(chan reply, 1)
	go func() { done <- h.run(ctx, team, c) }()
	select {
	case out := <-done:
		return out
	case <-ctx.Done():
		h.Log.Warn("slack: a slash command ran out of time", "command", c.name, "budget", h.Budget)
		return reply{ResponseType: "ephemeral", Text: "steward could not answer within Slack's 3 seconds; try again in a moment."}
	}
}

func (h *CommandHandler) run(ctx context.Context, team string, c asked) reply {
	failed := func(err error) reply {
		h.Log.Error("slack: a slash command failed", "command", c.name, "err", err)
		return reply{ResponseType: "ephemeral", Text: "steward could not answer that just now; the error is in its log."}
	}
	ws, err := h.workspace(ctx)
	if err != nil {
		return failed(err)
	}
	shown := team
	if !teamID.MatchString(team) {
		shown = "" // not repeated: not an id
	}
	switch {
	case ws.TeamID == "":
		h.Log.Warn("slack: a slash command was refused: roster.yaml names no integrations.slack.team_id", "team_id", shown)
		text := noWorkspace + "."
		if shown != "" {
			text = noWorkspace + " (this one's is `" + shown + "`)."
		}
		return reply{ResponseType: "ephemeral", Text: text}
	case team != ws.TeamID:
		h.Log.Warn("slack: a slash command from another workspace was refused", "team_id", shown)
		return reply{ResponseType: "ephemeral", Text: otherWorkspace}
	}
	if c.name == "" {
		return reply{ResponseType: "ephemeral", Text: c.text}
	}
	if ws.Who == nil || ws.Schedule == nil || ws.Overdue == nil {
		return failed(errors.New("the workspace's answers lack who, schedule or overdue"))
	}
	var t string
	switch c.name {
	case "who":
		t, err = ws.Who(ctx)
	case "schedule":
		t, err = ws.Schedule(ctx, c.weeks)
	case "overdue":
		t, err = ws.Overdue(ctx)
	}
	if err != nil {
		return failed(err)
	}
	out := reply{ResponseType: "ephemeral", Text: t}
	if c.public {
		out.ResponseType = "in_channel"
	}
	return out
}
