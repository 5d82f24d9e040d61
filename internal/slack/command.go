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

// CommandHandler serves the `/steward` slash command (mounted at
// POST /webhooks/slack). A request whose Slack v0 signature does not verify
// (wrong, tampered, missing, or a timestamp more than 5 minutes from now) is
// 401 and does nothing.
type CommandHandler struct {
	secret  string
	answers Answers
	// Budget is the time an answer may take (default DefaultAnswerBudget).
	Budget time.Duration
	Log    *slog.Logger
}

// NewCommandHandler returns the handler; it refuses to exist without a
// signing secret (SLACK_SIGNING_SECRET), as an unsigned endpoint would answer
// anyone.
func NewCommandHandler(signingSecret string, a Answers) (*CommandHandler, error) {
	if strings.TrimSpace(signingSecret) == "" {
		return nil, errors.New("slack: no signing secret: set SLACK_SIGNING_SECRET to the Slack app's Signing Secret")
	}
	if a.Who == nil || a.Schedule == nil || a.Overdue == nil {
		return nil, errors.New("slack: the slash command needs all of who, schedule and overdue")
	}
	return &CommandHandler{secret: signingSecret, answers: a, Budget: DefaultAnswerBudget,
		Log: slog.New(slog.DiscardHandler)}, nil
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
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "not a form", http.StatusBadRequest)
		return
	}
	out := h.answer(r.Context(), form.Get("text"))
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
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

// answer runs the command in text within the budget.
func (h *CommandHandler) answer(ctx context.Context, text string) reply {
	words := strings.Fields(strings.ToLower(text))
	out := reply{ResponseType: "ephemeral"}
	if n := len(words); n > 0 && words[n-1] == "public" {
		out.ResponseType = "in_channel"
		words = words[:n-1]
	}
	if len(words) == 0 {
		return reply{ResponseType: "ephemeral", Text: usage}
	}
	var run func(context.Context) (string, error)
	switch words[0] {
	case "who":
		if len(words) == 1 {
			run = h.answers.Who
		}
	case "overdue":
		// Ticket subjects are the community's: never in a channel, which
		// may be public (design.md: support conversations are private).
		if len(words) == 1 {
			run, out.ResponseType = h.answers.Overdue, "ephemeral"
		}
	case "schedule":
		weeks := DefaultScheduleWeeks
		if len(words) == 2 {
			n, err := strconv.Atoi(words[1])
			if err != nil || n < 1 || n > MaxScheduleWeeks {
				return reply{ResponseType: "ephemeral", Text: fmt.Sprintf("`weeks` is a whole number from 1 to %d. %s", MaxScheduleWeeks, usage)}
			}
			weeks = n
		}
		if len(words) <= 2 {
			run = func(ctx context.Context) (string, error) { return h.answers.Schedule(ctx, weeks) }
		}
	}
	if run == nil {
		return reply{ResponseType: "ephemeral", Text: usage}
	}
	ctx, cancel := context.WithTimeout(ctx, h.Budget)
	defer cancel()
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		t, err := run(ctx)
		done <- result{t, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			h.Log.Error("slack: a slash command failed", "command", words[0], "err", res.err)
			return reply{ResponseType: "ephemeral", Text: "steward could not answer that just now; the error is in its log."}
		}
		out.Text = res.text
		return out
	case <-ctx.Done():
		h.Log.Warn("slack: a slash command ran out of time", "command", words[0], "budget", h.Budget)
		return reply{ResponseType: "ephemeral", Text: "steward could not answer within Slack's 3 seconds; try again in a moment."}
	}
}
