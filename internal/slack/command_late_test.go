package slack

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
)

// sandboxTeam is the Slack emulator's workspace, which its commands come
// from.
const sandboxTeam = "T0SANDBOX1"

// lateRig is a handler whose answers take slow, played by the Slack
// emulator (which gives an answer 3 seconds, and serves response_urls).
type lateRig struct {
	s     *sandbox.Slack
	h     *CommandHandler
	slow  time.Duration
	calls atomic.Int32
}

func newLateRig(t *testing.T, slow time.Duration, faults *sandbox.Faults) *lateRig {
	t.Helper()
	r := &lateRig{s: sandbox.NewSlack(sandbox.SlackOptions{Token: token, Clock: sandbox.NewManualClock(t0), Faults: faults}), slow: slow}
	answer := func(ctx context.Context, text string) (string, error) {
		r.calls.Add(1)
		select {
		case <-time.After(r.slow):
			return text, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	h, err := NewWorkspaceCommandHandler(signingSecret, func(context.Context) (Workspace, error) {
		return Workspace{TeamID: sandboxTeam, Answers: Answers{
			Who:      func(ctx context.Context) (string, error) { return answer(ctx, "On duty: Ada Lovelace.") },
			Schedule: func(ctx context.Context, weeks int) (string, error) { return answer(ctx, "shifts") },
			Overdue:  func(ctx context.Context) (string, error) { return answer(ctx, "Ticket #7: hub down") },
		}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The emulator's hooks, reached without a socket: configurable for
	// tests only (no setting of steward's names another host).
	h.ResponseURLBase = sandbox.SandboxHooksURL
	h.ResponseClient = &http.Client{Transport: sandbox.Transport{Handler: r.s}}
	r.h = h
	t.Cleanup(func() { drain(t, h) })
	return r
}

func (r *lateRig) command(text string) sandbox.SlashAnswer {
	return r.s.Command(r.h, sandbox.SlashCommand{Text: text, SigningSecret: signingSecret})
}

// Issue #25, fact 6: Slack waits 3 s for a slash command's answer (the
// emulator's Command enforces it), later answers go to the response_url.
// An answer slower than that (an `overdue` paging 90 days of tickets) is
// "working on it" within the window, then posted there, once. Before, it
// was "could not answer in time" and the answer was lost.
func TestASlowAnswerIsPostedToTheResponseURL(t *testing.T) {
	t.Parallel()
	r := newLateRig(t, sandbox.SlashCommandWindow+300*time.Millisecond, nil)
	res := r.command("overdue")
	if res.TimedOut || res.Status != 200 || res.ResponseType != "ephemeral" || res.Text != workingOnIt {
		t.Fatalf("the immediate answer: %+v", res)
	}
	if res.Elapsed < DefaultAnswerBudget || res.Elapsed > sandbox.SlashCommandWindow {
		t.Errorf("answered after %s", res.Elapsed)
	}
	drain(t, r.h)
	got := r.s.ResponsePosts(res.ResponseURL)
	if len(got) != 1 || got[0].Text != "Ticket #7: hub down" || got[0].ResponseType != "ephemeral" {
		t.Errorf("the response_url was given %+v", got)
	}
	if n := r.calls.Load(); n != 1 {
		t.Errorf("the answer was worked on %d times", n)
	}
}

func TestAnAnswerReadyInTimeIsNotPostedAgain(t *testing.T) {
	r := newLateRig(t, 0, nil)
	res := r.command("who public")
	if res.TimedOut || res.ResponseType != "in_channel" || res.Text != "On duty: Ada Lovelace." {
		t.Fatalf("%+v", res)
	}
	drain(t, r.h)
	if got := r.s.ResponsePosts(res.ResponseURL); len(got) != 0 {
		t.Errorf("posted as well: %+v", got)
	}
}

// `who public` answered late is posted in the channel; "working on it"
// only to the person asking.
func TestAPublicAnswerPostedLaterGoesToTheChannel(t *testing.T) {
	r := newLateRig(t, 200*time.Millisecond, nil)
	r.h.Budget = 20 * time.Millisecond
	res := r.command("who public")
	if res.ResponseType != "ephemeral" || res.Text != workingOnIt {
		t.Fatalf("%+v", res)
	}
	drain(t, r.h)
	if got := r.s.ResponsePosts(res.ResponseURL); len(got) != 1 || got[0].ResponseType != "in_channel" || got[0].Text != "On duty: Ada Lovelace." {
		t.Errorf("posted %+v", got)
	}
	// overdue is never public, late or not.
	res = r.command("overdue public")
	drain(t, r.h)
	if got := r.s.ResponsePosts(res.ResponseURL); len(got) != 1 || got[0].ResponseType != "ephemeral" {
		t.Errorf("overdue posted %+v", got)
	}
}

// An answer slower than the late budget is posted as a failure, once.
func TestALateAnswerIsBoundedInTime(t *testing.T) {
	r := newLateRig(t, time.Hour, nil)
	r.h.Budget, r.h.LateBudget = 20*time.Millisecond, 150*time.Millisecond
	start := time.Now()
	res := r.command("overdue")
	drain(t, r.h)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s", took)
	}
	if got := r.s.ResponsePosts(res.ResponseURL); len(got) != 1 || !strings.Contains(got[0].Text, "could not answer that within 150ms") {
		t.Errorf("posted %+v", got)
	}
	// Slack's 30 minutes bound any late budget, with a minute for the post.
	r.h.LateBudget = 2 * time.Hour
	if b := r.h.lateBudget(); b != ResponseURLWindow-time.Minute {
		t.Errorf("a late budget of 2h is %s", b)
	}
}

// A response_url that Slack answers 5xx is tried again, at most postTries
// times (within Slack's 5); one it refuses is not tried again.
func TestALateAnswerIsTriedABoundedNumberOfTimes(t *testing.T) {
	t.Parallel()
	faults := sandbox.NewFaults(1, sandbox.Fault{Route: "POST /commands/", Rate: 1, Kinds: []sandbox.FaultKind{sandbox.ServerError}})
	r := newLateRig(t, 50*time.Millisecond, faults)
	r.h.Budget = 10 * time.Millisecond
	res := r.command("overdue")
	drain(t, r.h)
	posts := r.s.Ledger().Count(func(q sandbox.Request) bool { return strings.HasPrefix(q.Route, "POST /commands/") })
	if posts != postTries || postTries > ResponseURLPosts || len(r.s.ResponsePosts(res.ResponseURL)) != 0 {
		t.Errorf("%d posts (bound %d)", posts, postTries)
	}

	// Refused (used up, expired, never issued): not tried again.
	refused := newLateRig(t, 50*time.Millisecond, nil)
	refused.h.Budget = 10 * time.Millisecond
	hooks := &hooksRecorder{status: http.StatusNotFound}
	refused.h.ResponseClient = &http.Client{Transport: hooks}
	refused.command("overdue")
	drain(t, refused.h)
	if n := len(hooks.got()); n != 1 {
		t.Errorf("a refused post was tried %d times", n)
	}
}

// steward posts only to Slack's hooks host (https://hooks.slack.com/
// commands/...): a response_url anywhere else is never posted to, and its
// command is answered in time or told it could not be.
func TestOnlySlacksHooksArePostedTo(t *testing.T) {
	for _, forged := range []string{
		"https://evil.example/commands/T0/1/x",
		"http://hooks.slack.com/commands/T0/1/x",
		"https://hooks.slack.com.evil.example/commands/T0/1/x",
		"https://evil.example#@hooks.slack.com/commands/T0/1/x",
		"https://user:pw@hooks.slack.com/commands/T0/1/x",
		"https://hooks.slack.com:8443/commands/T0/1/x",
		"https://hooks.slack.com/services/T0/B0/x",
		"https://hooks.slack.com/commands/../services/T0/B0/x",
		"https://hooks.slack.com/commands/%2e%2e/services/x",
		"https://hooks.slack.com/commands/T0/1/x?next=https://evil.example",
		"https://hooks.slack.com/commands/T0/1/x#frag",
		"https://hooks.slack.com/commands/",
		"//hooks.slack.com/commands/T0/1/x",
		"hooks.slack.com/commands/T0/1/x",
		"https://hooks.slack.com/commands/T0/1/" + strings.Repeat("x", 600),
	} {
		r := newCommandRig(t)
		r.h.Budget = 20 * time.Millisecond
		body := url.Values{"command": {"/steward"}, "text": {"overdue"}, "team_id": {testTeam}, "response_url": {forged}}.Encode()
		status, out := r.send(body, signed(body, time.Now(), signingSecret))
		drain(t, r.h)
		if status != 200 || out.Text != outOfTime {
			t.Errorf("%s: %d %+v", forged, status, out)
		}
		if got := r.hooks.got(); len(got) != 0 {
			t.Errorf("%s: posted to %+v", forged, got)
		}
	}
	// Slack's own, in upper case or not, is posted to as given.
	for _, real := range []string{"https://hooks.slack.com/commands/T0OURS0001/7001/AbC_d-9", "HTTPS://HOOKS.SLACK.COM/commands/T0OURS0001/7001/AbC_d-9"} {
		r := newCommandRig(t)
		r.h.Budget = 20 * time.Millisecond
		body := url.Values{"command": {"/steward"}, "text": {"overdue"}, "team_id": {testTeam}, "response_url": {real}}.Encode()
		if _, out := r.send(body, signed(body, time.Now(), signingSecret)); out.Text != workingOnIt {
			t.Errorf("%s: %+v", real, out)
		}
		drain(t, r.h)
		if got := r.hooks.got(); len(got) != 1 || got[0].URL != "https://hooks.slack.com/commands/T0OURS0001/7001/AbC_d-9" {
			t.Errorf("%s: posted %+v", real, got)
		}
	}
}

// At most MaxLateAnswers answers are worked on after "working on it"; past
// that a slow answer is told it ran out of time.
func TestLateAnswersAreBounded(t *testing.T) {
	release := make(chan struct{})
	r := newLateRig(t, 0, nil)
	h, err := NewWorkspaceCommandHandler(signingSecret, func(context.Context) (Workspace, error) {
		return Workspace{TeamID: sandboxTeam, Answers: Answers{
			Who:      func(context.Context) (string, error) { return "", nil },
			Schedule: func(context.Context, int) (string, error) { return "", nil },
			Overdue: func(ctx context.Context) (string, error) {
				select {
				case <-release:
					return "Ticket #7", nil
				case <-ctx.Done():
					return "", ctx.Err()
				}
			},
		}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.Budget, h.ResponseURLBase, h.ResponseClient = 5*time.Millisecond, r.h.ResponseURLBase, r.h.ResponseClient
	t.Cleanup(func() { drain(t, h) })
	var urls []string
	for i := range MaxLateAnswers + 1 {
		res := r.s.Command(h, sandbox.SlashCommand{Text: "overdue", SigningSecret: signingSecret})
		want := workingOnIt
		if i == MaxLateAnswers {
			want = outOfTime
		}
		if res.Text != want {
			t.Fatalf("command %d: %+v", i+1, res)
		}
		urls = append(urls, res.ResponseURL)
	}
	close(release)
	drain(t, h)
	for i, u := range urls {
		if n := len(r.s.ResponsePosts(u)); n != map[bool]int{true: 1, false: 0}[i < MaxLateAnswers] {
			t.Errorf("command %d: %d posts", i+1, n)
		}
	}
	// Every place is free again.
	if n := len(h.late); n != 0 {
		t.Errorf("%d places still held", n)
	}
}
