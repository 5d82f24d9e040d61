package slack

import (
	"bytes"
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
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Answers are what `/steward` can tell. They are passed in, so the command
// does no I/O of its own besides posting a late answer to Slack; each gets
// a context bounded by the handler's LateBudget (Budget when the command
// cannot be answered later), and honours it.
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
	// network both ways. An answer not ready by then is posted to the
	// command's response_url when it is (see CommandHandler).
	DefaultAnswerBudget = 2500 * time.Millisecond
	// DefaultLateBudget bounds the work of an answer posted later: well
	// inside the 30 minutes Slack takes posts to a response_url for.
	DefaultLateBudget = 5 * time.Minute
	// ResponseURLPosts and ResponseURLWindow are Slack's limits on a
	// command's response_url: up to 5 posts within 30 minutes of the
	// command. steward posts one answer, tried at most postTries times.
	ResponseURLPosts  = 5
	ResponseURLWindow = 30 * time.Minute
	// MaxLateAnswers bounds the answers being worked on after their
	// command was told "working on it"; past it, a slow answer is
	// refused in time, as without a response_url.
	MaxLateAnswers = 32
	// SlackHooksURL is where every response_url Slack gives a slash
	// command lives; steward posts to no other (CommandHandler.ResponseURLBase).
	SlackHooksURL = "https://hooks.slack.com/commands/"
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
//
// Slack waits 3 seconds for the answer. One not ready within Budget (a
// `/steward overdue` that pages 90 days of tickets) is answered at once
// with "working on it" (only to the person asking), and posted to the
// command's response_url once ready, within LateBudget; Slack takes up to
// 5 posts there within 30 minutes, and steward posts that one answer. It
// posts only to a response_url under ResponseURLBase (Slack's hooks host),
// so no request, signed or not, can make it post anywhere else; a command
// whose response_url is not there is answered within Budget or told it
// could not be.
type CommandHandler struct {
	secret string
	// workspace gives a command's answers and workspace, once per command.
	workspace func(context.Context) (Workspace, error)
	seen      *replays
	// Budget is the time the immediate answer may take (default
	// DefaultAnswerBudget).
	Budget time.Duration
	// LateBudget bounds the work of an answer posted to the response_url
	// (default DefaultLateBudget; at most ResponseURLWindow less a minute).
	LateBudget time.Duration
	// ResponseURLBase is the prefix a response_url must have to be posted
	// to: SlackHooksURL. Only tests set it, to a sandbox's hooks; nothing
	// in steward's environment or roster does.
	ResponseURLBase string
	// ResponseClient posts late answers (default: a 10-second timeout, no
	// redirect followed).
	ResponseClient *http.Client
	Log            *slog.Logger

	// late holds a place for each answer worked on after "working on it".
	late chan struct{}
	// work counts the answers still being worked on or posted.
	work sync.WaitGroup
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
		Budget: DefaultAnswerBudget, LateBudget: DefaultLateBudget, ResponseURLBase: SlackHooksURL,
		Log: slog.New(slog.DiscardHandler), late: make(chan struct{}, MaxLateAnswers)}, nil
}

// Drain waits until every answer being worked on has been posted (or
// given up on), or ctx ends.
func (h *CommandHandler) Drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		h.work.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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
	writeReply(w, h.answer(r.Context(), form))
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

const (
	usage       = "Usage: `/steward who`, `/steward schedule [weeks]`, `/steward overdue`; add `public` to `who` or `schedule` to answer in the channel (`overdue` names tickets, so it answers only you)."
	workingOnIt = "Working on it… steward will post the answer here in a moment."
	outOfTime   = "steward could not answer within Slack's 3 seconds; try again in a moment."
)

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

// answer runs the command the form asks for, from its workspace: the
// workspace's answers are read, a command from another workspace refused,
// then the command run. What is ready within Budget is the answer; what is
// not is "working on it" now and a post to the command's response_url when
// ready, when the response_url is Slack's and a place is free; otherwise
// the answer says it ran out of time.
func (h *CommandHandler) answer(ctx context.Context, form url.Values) reply {
	c, team := parse(form.Get("text")), form.Get("team_id")
	received := time.Now() // the wall clock: Slack's 30 minutes are protocol time
	later, err := h.responseURL(form.Get("response_url"))
	if err != nil {
		h.Log.Warn("slack: a slash command's response_url is not Slack's; it is answered only in time", "reason", err.Error())
	}
	deferred := later != nil && h.takePlace()
	bound, base := h.Budget, ctx
	if deferred {
		// The work outlives the request: its answer goes to the response_url.
		bound, base = h.lateBudget(), context.WithoutCancel(ctx)
	}
	work, cancel := context.WithTimeout(base, bound)
	hand := &handoff{ready: make(chan struct{})}
	h.work.Add(1)
	go func() {
		defer h.work.Done()
		if deferred {
			defer h.freePlace()
		}
		out, timedOut := h.run(work, team, c)
		cancel()
		switch {
		case timedOut && !deferred:
			out = reply{ResponseType: "ephemeral", Text: outOfTime}
		case timedOut:
			h.Log.Warn("slack: a slash command's late answer ran out of time", "command", c.name, "late_budget", bound)
			out = reply{ResponseType: "ephemeral", Text: fmt.Sprintf("steward could not answer that within %s; try again later.", bound)}
		}
		if hand.give(out) || !deferred {
			return
		}
		h.post(later, out, c.name, received)
	}()
	timer := time.NewTimer(h.Budget)
	defer timer.Stop()
	select {
	case <-hand.ready:
	case <-timer.C:
	case <-ctx.Done():
	}
	if out, ok := hand.take(); ok {
		if out.Text == outOfTime {
			h.Log.Warn("slack: a slash command ran out of time", "command", c.name, "budget", h.Budget)
		}
		return out
	}
	if deferred {
		h.Log.Info("slack: a slash command's answer is not ready within the budget; it will be posted to its response_url", "command", c.name, "budget", h.Budget)
		return reply{ResponseType: "ephemeral", Text: workingOnIt}
	}
	h.Log.Warn("slack: a slash command ran out of time", "command", c.name, "budget", h.Budget)
	return reply{ResponseType: "ephemeral", Text: outOfTime}
}

// handoff passes an answer from its work to the request, or tells the work
// that the request has answered without it.
type handoff struct {
	mu    sync.Mutex
	out   *reply
	gone  bool
	ready chan struct{}
}

// give hands out to the request; false when the request has answered
// already (the answer is the work's to post).
func (h *handoff) give(out reply) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gone {
		return false
	}
	h.out = &out
	close(h.ready)
	return true
}

// take returns the answer when it is ready; otherwise the request answers
// without it, from now on.
func (h *handoff) take() (reply, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.out != nil {
		return *h.out, true
	}
	h.gone = true
	return reply{}, false
}

func (h *CommandHandler) takePlace() bool {
	select {
	case h.late <- struct{}{}:
		return true
	default:
		h.Log.Warn("slack: too many slash command answers are being worked on; a slow one is not answered later", "max", MaxLateAnswers)
		return false
	}
}

func (h *CommandHandler) freePlace() { <-h.late }

// lateBudget is LateBudget, within Slack's 30 minutes with a minute to
// spare for the post.
func (h *CommandHandler) lateBudget() time.Duration {
	b := h.LateBudget
	if b <= 0 {
		b = DefaultLateBudget
	}
	return min(b, ResponseURLWindow-time.Minute)
}

// responseSegment is what a response_url's path holds after the hooks
// prefix: Slack's are /commands/T.../<digits>/<token>.
var responseSegment = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,128}){0,3}$`)

// responseURL returns the command's response_url when it is under
// ResponseURLBase: the same scheme and host (no port, no user, no query,
// no fragment), and a plain path below the base's. Anything else is not
// posted to, so a request cannot make steward post to a URL of its
// choosing. (The signature was verified before; this holds even so.)
func (h *CommandHandler) responseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	base, err := url.Parse(h.ResponseURLBase)
	if err != nil || base.Host == "" || !strings.HasSuffix(base.Path, "/") {
		return nil, fmt.Errorf("the response_url base %q is not a URL ending in /", h.ResponseURLBase)
	}
	u, err := url.Parse(raw)
	switch {
	case len(raw) > 512, err != nil:
		return nil, errors.New("not a URL")
	case u.Scheme != base.Scheme || !strings.EqualFold(u.Host, base.Host):
		return nil, fmt.Errorf("not on %s://%s", base.Scheme, base.Host)
	case u.User != nil, u.Opaque != "", u.RawQuery != "", u.ForceQuery, u.Fragment != "", u.RawFragment != "":
		return nil, errors.New("a user, query or fragment in it")
	case !strings.HasPrefix(u.EscapedPath(), base.Path):
		return nil, fmt.Errorf("not under %s", base.Path)
	case !responseSegment.MatchString(strings.TrimPrefix(u.EscapedPath(), base.Path)):
		return nil, errors.New("an unexpected path")
	}
	return &url.URL{Scheme: base.Scheme, Host: base.Host, Path: u.EscapedPath()}, nil
}

// postTries bounds the posts of one late answer (a server error or a lost
// connection is tried again), within Slack's ResponseURLPosts.
const postTries = 3

// post sends out to the command's response_url, before Slack's 30 minutes
// (from received) end. Neither the URL (anyone holding it may post for 30
// minutes) nor the answer (ticket subjects) is logged.
func (h *CommandHandler) post(to *url.URL, out reply, command string, received time.Time) {
	ctx, cancel := context.WithDeadline(context.Background(), received.Add(ResponseURLWindow))
	defer cancel()
	body, _ := json.Marshal(out)
	client := h.ResponseClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	wait := time.Second
	for try := 1; ; try++ {
		status, err := postOnce(ctx, client, to, body)
		switch {
		case err == nil && status/100 == 2:
			h.Log.Info("slack: a slash command's late answer was posted", "command", command, "tries", try)
			return
		case err == nil && status < 500 && status != http.StatusTooManyRequests:
			// Refused (used up, expired, not Slack's): trying again would not help.
			h.Log.Error("slack: Slack refused a slash command's late answer", "command", command, "status", status)
			return
		case try >= postTries || ctx.Err() != nil:
			h.Log.Error("slack: a slash command's late answer could not be posted", "command", command, "tries", try, "status", status, "err", errText(err))
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
		wait *= 2
	}
}

func postOnce(ctx context.Context, client *http.Client, to *url.URL, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to.String(), bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is not to be logged
		}
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// run answers c from team within ctx. An answer that failed as ctx ended
// is the caller's to tell (out of time); any other failure is logged and
// told.
func (h *CommandHandler) run(ctx context.Context, team string, c asked) (out reply, timedOut bool) {
	out = h.runOnce(ctx, team, c, func(err error) {
		if timedOut = ctx.Err() != nil; !timedOut {
			h.Log.Error("slack: a slash command failed", "command", c.name, "err", err)
		}
	})
	return out, timedOut
}

func (h *CommandHandler) runOnce(ctx context.Context, team string, c asked, fail func(error)) reply {
	failed := func(err error) reply {
		fail(err)
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
