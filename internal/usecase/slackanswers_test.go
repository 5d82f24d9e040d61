package usecase_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/slack"
	"github.com/support-steward/steward/internal/usecase"
)

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// ask sends `/steward text` to the handler as Slack would, signed.
func ask(t *testing.T, h http.Handler, text string) (int, string) {
	t.Helper()
	body := url.Values{"command": {"/steward"}, "text": {text}, "team_id": {"T0TEAM0001"}, "user_id": {"U0ADA00001"}}.Encode()
	req := sandbox.SlackSignedRequest(body, signingSecret, time.Now())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out struct{ Text string }
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out.Text
}

func handler(t *testing.T, a usecase.CommandAnswers) *slack.CommandHandler {
	t.Helper()
	h, err := slack.NewWorkspaceCommandHandler(signingSecret, func(context.Context) (slack.Workspace, error) {
		return slack.Workspace{TeamID: "T0TEAM0001", Answers: slack.Answers{Who: a.Who, Schedule: a.Schedule, Overdue: a.Overdue}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestSlashCommandAnswersFromTheRoster(t *testing.T) {
	w := newSlackWorld(t, "overrides:\n  - {github: fay, for: bob, from: 2026-10-21, to: 2026-10-22, note: conference}\n", nil, at("2026-10-21", 10))
	a := usecase.CommandAnswers{Roster: w.roster, Now: w.clock.Now, Tickets: freshdesk.Tickets{C: w.fdc}, TicketURL: w.fdc.AgentURL}
	h := handler(t, a)
	code, who := ask(t, h, "who")
	for _, want := range []string{"on duty today (2026-10-21)", "<@U0CY000001> until 2026-11-16", "<@U0FAY00001>", "(covering @bob)",
		"*Next handoff, 2026-11-02:* Eve Moss (@eve) joins, Bob Bell (@bob) leaves, Cy Young (@cy) stays."} {
		if code != 200 || !strings.Contains(who, want) {
			t.Errorf("who (%d) lacks %q:\n%s", code, want, who)
		}
	}
	_, sched := ask(t, h, "schedule 4")
	for _, want := range []string{"2026-10-21 to 2026-11-17", "```", "Eve Moss", "2026-11-02", "2026-11-16"} {
		if !strings.Contains(sched, want) {
			t.Errorf("schedule lacks %q:\n%s", want, sched)
		}
	}

	// Overdue: a ticket with no reply a working day after it came, one
	// answered in time, one waiting on the requester.
	late := w.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down, write to jo@example.org", Priority: 4, CreatedAt: at("2026-10-19", 9)})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "New question", Priority: 2, CreatedAt: at("2026-10-21", 8)})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Waiting", Priority: 2, Status: sandbox.StatusPending, CreatedAt: at("2026-10-01", 8)})
	_, over := ask(t, h, "overdue")
	if !strings.Contains(over, "1 ticket(s) past a response target") || !strings.Contains(over, "|Ticket #"+strconv.FormatInt(late, 10)+">") ||
		!strings.Contains(over, "first response due Tue 20 Oct 09:00 PDT") {
		t.Errorf("overdue:\n%s", over)
	}
	if strings.Contains(over, "jo@example.org") {
		t.Errorf("personal data in the answer:\n%s", over)
	}
}

// stuckTickets never answers until its context ends.
type stuckTickets struct{ port.Tickets }

func (stuckTickets) Changed(ctx context.Context, _ time.Time, _ bool) ([]port.Ticket, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestAnOverdueAnswerIsBoundedInTime(t *testing.T) {
	w := newSlackWorld(t, "", nil, at("2026-10-21", 10))
	h := handler(t, usecase.CommandAnswers{Roster: w.roster, Now: w.clock.Now, Tickets: stuckTickets{}})
	h.Budget = 50 * time.Millisecond
	start := time.Now()
	code, text := ask(t, h, "overdue")
	if code != 200 || !strings.Contains(text, "could not answer within") || time.Since(start) > time.Second {
		t.Errorf("%d %q after %s", code, text, time.Since(start))
	}
}

// slowTickets reads the helpdesk after delay (wall clock), as paging 90
// days of a real account's tickets does.
type slowTickets struct {
	port.Tickets
	delay time.Duration
}

func (s slowTickets) Changed(ctx context.Context, since time.Time, withStats bool) ([]port.Ticket, error) {
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Tickets.Changed(ctx, since, withStats)
}

// Issue #25, fact 6: Slack waits 3 s for a slash command's answer (the
// Slack sandbox's Command plays Slack and enforces it; it learnt that
// first), and later answers go to the command's response_url. An
// `overdue` that takes longer than that answers "working on it" in time
// and posts the list there when ready. Before, it answered "could not
// answer within Slack's 3 seconds" and the list was never given.
func TestASlowOverdueIsPostedToTheResponseURL(t *testing.T) {
	t.Parallel()
	w := newSlackWorld(t, "", nil, at("2026-10-21", 10))
	late := w.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: 4, CreatedAt: at("2026-10-19", 9)})
	a := usecase.CommandAnswers{Roster: w.roster, Now: w.clock.Now, TicketURL: w.fdc.AgentURL,
		Tickets: slowTickets{freshdesk.Tickets{C: w.fdc}, sandbox.SlashCommandWindow + 500*time.Millisecond}}
	h := handler(t, a)
	// The sandbox's hooks host stands in for https://hooks.slack.com/.
	h.ResponseURLBase = sandbox.SandboxHooksURL
	h.ResponseClient = &http.Client{Transport: sandbox.Transport{Handler: w.slack}}
	res := w.slack.Command(h, sandbox.SlashCommand{Text: "overdue", TeamID: "T0TEAM0001", SigningSecret: signingSecret})
	if res.TimedOut || res.Status != 200 || res.ResponseType != "ephemeral" || !strings.Contains(res.Text, "Working on it") {
		t.Fatalf("the answer within Slack's window: %+v", res)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.slack.ResponsePosts(res.ResponseURL)
	if len(posts) != 1 || posts[0].ResponseType != "ephemeral" || !strings.Contains(posts[0].Text, "1 ticket(s) past a response target") ||
		!strings.Contains(posts[0].Text, "|Ticket #"+strconv.FormatInt(late, 10)+">") {
		t.Errorf("the response_url was given %+v", posts)
	}
}
