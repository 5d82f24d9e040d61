package slack

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// sign returns Slack's v0 signature of body at ts.
func sign(secret, ts, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

type commandRig struct {
	h     *CommandHandler
	calls atomic.Int32
	weeks atomic.Int32
	hooks *hooksRecorder
}

// hooksRecorder stands in for Slack's hooks host: it records what is
// posted, answering status (default 200), and reaches no network.
type hooksRecorder struct {
	mu     sync.Mutex
	posts  []posted
	status int
}

type posted struct {
	URL   string
	Reply reply
}

func (h *hooksRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	var out reply
	json.NewDecoder(r.Body).Decode(&out)
	h.mu.Lock()
	h.posts = append(h.posts, posted{URL: r.URL.String(), Reply: out})
	status := cmp.Or(h.status, 200)
	h.mu.Unlock()
	return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("ok")), Header: http.Header{}, Request: r}, nil
}

func (h *hooksRecorder) got() []posted {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.posts)
}

// drain waits for the handler's late answers.
func drain(t *testing.T, h *CommandHandler) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Drain(ctx); err != nil {
		t.Fatalf("late answers still running: %v", err)
	}
}

func newCommandRig(t *testing.T) *commandRig {
	t.Helper()
	c := &commandRig{}
	h, err := testHandler(signingSecret, Answers{
		Who: func(context.Context) (string, error) {
			c.calls.Add(1)
			return "On duty: Ada Lovelace and Grace Hopper.", nil
		},
		Schedule: func(_ context.Context, weeks int) (string, error) {
			c.calls.Add(1)
			c.weeks.Store(int32(weeks))
			return fmt.Sprintf("%d weeks of shifts", weeks), nil
		},
		Overdue: func(ctx context.Context) (string, error) {
			c.calls.Add(1)
			<-ctx.Done() // slower than any budget
			return "", ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.hooks = &hooksRecorder{}
	h.ResponseClient = &http.Client{Transport: c.hooks}
	h.LateBudget = 300 * time.Millisecond
	c.h = h
	t.Cleanup(func() { drain(t, h) })
	return c
}

// testTeam is the workspace the rigs answer.
const testTeam = "T0OURS0001"

// testHandler answers a in testTeam's workspace.
func testHandler(secret string, a Answers) (*CommandHandler, error) {
	return NewWorkspaceCommandHandler(secret, func(context.Context) (Workspace, error) { return Workspace{TeamID: testTeam, Answers: a}, nil })
}

func command(text string) string {
	return url.Values{"command": {"/steward"}, "text": {text}, "team_id": {testTeam}, "user_id": {"U0ADA00001"},
		"channel_id": {"C0TICKETS1"}, "response_url": {"https://hooks.slack.com/commands/T0/1/x"}}.Encode()
}

func (c *commandRig) send(body string, header http.Header) (int, reply) {
	req := httptest.NewRequest("POST", "/webhooks/slack", strings.NewReader(body))
	req.Header = header
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	var out reply
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func signed(body string, at time.Time, secret string) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	return http.Header{"X-Slack-Request-Timestamp": {ts}, "X-Slack-Signature": {sign(secret, ts, body)}}
}

func TestSlashCommandSignatureChecks(t *testing.T) {
	body := command("who")
	now := time.Now() // slack-go's verifier reads the wall clock
	for _, c := range []struct {
		name   string
		body   string
		header http.Header
		want   int
	}{
		{"valid", body, signed(body, now, signingSecret), 200},
		{"valid, timestamp 4 minutes old", body, signed(body, now.Add(-4*time.Minute), signingSecret), 200},
		{"tampered body", strings.Replace(body, "who", "overdue", 1), signed(body, now, signingSecret), 401},
		{"another secret", body, signed(body, now, "not-the-secret"), 401},
		{"stale: 6 minutes old", body, signed(body, now.Add(-6*time.Minute), signingSecret), 401},
		{"from the future: 6 minutes ahead", body, signed(body, now.Add(6*time.Minute), signingSecret), 401},
		{"missing signature", body, http.Header{"X-Slack-Request-Timestamp": {strconv.FormatInt(now.Unix(), 10)}}, 401},
		{"missing timestamp", body, http.Header{"X-Slack-Signature": {sign(signingSecret, strconv.FormatInt(now.Unix(), 10), body)}}, 401},
		{"no headers", body, http.Header{}, 401},
		{"signature without v0=", body, http.Header{"X-Slack-Request-Timestamp": {strconv.FormatInt(now.Unix(), 10)},
			"X-Slack-Signature": {strings.TrimPrefix(sign(signingSecret, strconv.FormatInt(now.Unix(), 10), body), "v0=")}}, 401},
		{"timestamp swapped after signing", body, func() http.Header {
			h := signed(body, now, signingSecret)
			h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix()-1, 10))
			return h
		}(), 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newCommandRig(t)
			status, out := r.send(c.body, c.header)
			if status != c.want {
				t.Fatalf("status %d, want %d", status, c.want)
			}
			if c.want == 401 && r.calls.Load() != 0 {
				t.Error("an unverified request ran a command")
			}
			if c.want == 200 && (out.Text != "On duty: Ada Lovelace and Grace Hopper." || out.ResponseType != "ephemeral") {
				t.Errorf("answer %+v", out)
			}
		})
	}
}

func TestSlashCommandRefusesAnOversizedBodyUnread(t *testing.T) {
	r := newCommandRig(t)
	body := command("who " + strings.Repeat("x", MaxCommandBody))
	status, _ := r.send(body, signed(body, time.Now(), signingSecret))
	if status != http.StatusRequestEntityTooLarge || r.calls.Load() != 0 {
		t.Errorf("status %d, %d calls", status, r.calls.Load())
	}
}

func TestSlashCommandAnswers(t *testing.T) {
	for _, c := range []struct {
		text, want, typ string
		weeks           int32
	}{
		{"who", "On duty: Ada Lovelace and Grace Hopper.", "ephemeral", 0},
		{"WHO public", "On duty: Ada Lovelace and Grace Hopper.", "in_channel", 0},
		{"schedule", "8 weeks of shifts", "ephemeral", 8},
		{"schedule 3", "3 weeks of shifts", "ephemeral", 3},
		{"schedule 53", "`weeks` is a whole number from 1 to 52", "ephemeral", 0},
		{"schedule soon", "`weeks` is a whole number from 1 to 52", "ephemeral", 0},
		{"", "Usage: `/steward who`", "ephemeral", 0},
		{"rotate", "Usage: `/steward who`", "ephemeral", 0},
		{"who else", "Usage: `/steward who`", "ephemeral", 0},
		// Overdue names tickets: only the asker sees it, public or not.
		{"overdue public", "", "ephemeral", 0},
	} {
		r := newCommandRig(t)
		body := command(c.text)
		status, out := r.send(body, signed(body, time.Now(), signingSecret))
		if status != 200 || !strings.HasPrefix(out.Text, c.want) || out.ResponseType != c.typ || r.weeks.Load() != c.weeks {
			t.Errorf("/steward %s: %d %+v (weeks %d)", c.text, status, out, r.weeks.Load())
		}
	}
}

// Work that never ends: "working on it" within the budget, then, at the
// end of the late budget, one post to the response_url saying so.
func TestSlashCommandAnswersWithinTheBudgetWhenTheWorkIsSlow(t *testing.T) {
	r := newCommandRig(t)
	r.h.Budget = 50 * time.Millisecond
	body := command("overdue")
	start := time.Now()
	status, out := r.send(body, signed(body, time.Now(), signingSecret))
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s", took)
	}
	if status != 200 || out.Text != workingOnIt || out.ResponseType != "ephemeral" {
		t.Errorf("%d %+v", status, out)
	}
	drain(t, r.h)
	got := r.hooks.got()
	if len(got) != 1 || got[0].URL != "https://hooks.slack.com/commands/T0/1/x" || got[0].Reply.ResponseType != "ephemeral" ||
		!strings.Contains(got[0].Reply.Text, "could not answer that within 300ms") {
		t.Errorf("posted %+v", got)
	}
	// Without a response_url, the answer says it ran out of time.
	body = url.Values{"command": {"/steward"}, "text": {"overdue"}, "team_id": {testTeam}}.Encode()
	if status, out := r.send(body, signed(body, time.Now(), signingSecret)); status != 200 || out.Text != outOfTime {
		t.Errorf("no response_url: %d %+v", status, out)
	}
	drain(t, r.h)
	if n := len(r.hooks.got()); n != 1 {
		t.Errorf("%d posts", n)
	}
}

func TestSlashCommandNeedsASigningSecret(t *testing.T) {
	a := Answers{Who: func(context.Context) (string, error) { return "", nil },
		Schedule: func(context.Context, int) (string, error) { return "", nil },
		Overdue:  func(context.Context) (string, error) { return "", nil }}
	if _, err := testHandler(" ", a); err == nil || !strings.Contains(err.Error(), "SLACK_SIGNING_SECRET") {
		t.Errorf("no secret: %v", err)
	}
}

// workspaceRig serves the workspace team (none: "") as steward serve does.
type workspaceRig struct {
	commandRig
	loads atomic.Int32
}

func newWorkspaceRig(t *testing.T, team string) *workspaceRig {
	t.Helper()
	w := &workspaceRig{}
	h, err := NewWorkspaceCommandHandler(signingSecret, func(context.Context) (Workspace, error) {
		w.loads.Add(1)
		return Workspace{TeamID: team, Answers: Answers{
			Who: func(context.Context) (string, error) {
				w.calls.Add(1)
				return "On duty: Ada Lovelace and Grace Hopper.", nil
			},
			Schedule: func(_ context.Context, weeks int) (string, error) {
				w.calls.Add(1)
				return fmt.Sprintf("%d weeks of shifts", weeks), nil
			},
			Overdue: func(context.Context) (string, error) {
				w.calls.Add(1)
				return "Ticket #7: hub down", nil
			},
		}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.hooks = &hooksRecorder{}
	h.ResponseClient = &http.Client{Transport: w.hooks}
	w.h = h
	t.Cleanup(func() { drain(t, h) })
	return w
}

func commandFrom(team, text string) string {
	return url.Values{"command": {"/steward"}, "text": {text}, "team_id": {team}, "user_id": {"U0ADA00001"},
		"channel_id": {"C0TICKETS1"}, "response_url": {"https://hooks.slack.com/commands/T0/1/x"}}.Encode()
}

func TestASlashCommandFromAnotherWorkspaceIsRefused(t *testing.T) {
	r := newWorkspaceRig(t, "T0OURS0001")
	for _, team := range []string{"T0OTHER001", "", "t0ours0001", "T0OURS00011"} {
		for _, text := range []string{"who public", "overdue", "schedule 3", "rotate"} {
			body := commandFrom(team, text)
			status, out := r.send(body, signed(body, time.Now(), signingSecret))
			if status != 200 || out.ResponseType != "ephemeral" || out.Text != otherWorkspace {
				t.Errorf("team %q, %q: %d %+v", team, text, status, out)
			}
		}
	}
	if n := r.calls.Load(); n != 0 {
		t.Errorf("%d commands ran for another workspace", n)
	}
	body := commandFrom("T0OURS0001", "overdue")
	status, out := r.send(body, signed(body, time.Now(), signingSecret))
	if status != 200 || out.Text != "Ticket #7: hub down" || r.calls.Load() != 1 {
		t.Errorf("our workspace: %d %+v, %d calls", status, out, r.calls.Load())
	}
	if n := r.loads.Load(); n != 17 {
		t.Errorf("the workspace was read %d times for 17 commands", n)
	}
}

func TestWithoutItsWorkspaceEveryCommandIsRefused(t *testing.T) {
	r := newWorkspaceRig(t, "")
	for team, shown := range map[string]string{
		"T0OURS0001":                  " (this one's is `T0OURS0001`).",
		"":                            ".",
		"T0<!channel>":                ".", // not an id: not repeated
		"T" + strings.Repeat("A", 40): ".",
	} {
		body := commandFrom(team, "who")
		status, out := r.send(body, signed(body, time.Now(), signingSecret))
		if status != 200 || out.ResponseType != "ephemeral" || out.Text != noWorkspace+shown {
			t.Errorf("team %q: %d %+v", team, status, out)
		}
		if !strings.Contains(out.Text, "set `integrations.slack.team_id`") {
			t.Errorf("the refusal does not say what to set: %q", out.Text)
		}
	}
	if n := r.calls.Load(); n != 0 {
		t.Errorf("%d commands ran without a workspace", n)
	}
}

func TestASignedRequestIsAnsweredOnce(t *testing.T) {
	r := newWorkspaceRig(t, "T0OURS0001")
	body := commandFrom("T0OURS0001", "overdue")
	header := signed(body, time.Now().Add(-4*time.Minute), signingSecret)
	if status, out := r.send(body, header.Clone()); status != 200 || out.Text != "Ticket #7: hub down" {
		t.Fatalf("first: %d %+v", status, out)
	}
	upper := header.Clone()
	upper.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(header.Get("X-Slack-Signature"), "v0=")))
	for name, h := range map[string]http.Header{"the same": header, "upper-case hex": upper} {
		for range 3 {
			status, out := r.send(body, h.Clone())
			if status != 200 || out.ResponseType != "ephemeral" || out.Text != alreadyAnswered {
				t.Errorf("%s, again: %d %+v", name, status, out)
			}
		}
	}
	if n, l := r.calls.Load(), r.loads.Load(); n != 1 || l != 1 {
		t.Errorf("a replayed request ran %d commands, read the workspace %d times; want 1, 1", n, l)
	}
	// The same command asked again is a new request: answered.
	if status, out := r.send(body, signed(body, time.Now(), signingSecret)); status != 200 || out.Text != "Ticket #7: hub down" {
		t.Errorf("asked again: %d %+v", status, out)
	}
	// A replay that fails verification is 401 and remembered by no one.
	bad := header.Clone()
	bad.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64))
	if status, _ := r.send(body, bad); status != http.StatusUnauthorized {
		t.Errorf("a wrong signature: %d", status)
	}
	if n := r.h.seen.len(); n != 2 {
		t.Errorf("%d requests remembered, want 2", n)
	}
}

func TestTheFixedAnswersAreAnsweredOnceToo(t *testing.T) {
	r := newCommandRig(t)
	body := command("who")
	header := signed(body, time.Now(), signingSecret)
	r.send(body, header.Clone())
	if status, out := r.send(body, header.Clone()); status != 200 || out.Text != alreadyAnswered || r.calls.Load() != 1 {
		t.Errorf("again: %d %+v, %d calls", status, out, r.calls.Load())
	}
}

func TestTheRememberedRequestsAreBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	r := newReplays(MaxRemembered)
	key := func(i int) string { return fmt.Sprintf("%d v0=%064x", now.Unix(), i) }
	for i := range MaxRemembered + 500 {
		got := r.first(key(i), now, now)
		if want := map[bool]outcome{true: fresh, false: full}[i < MaxRemembered]; got != want {
			t.Fatalf("request %d: %v, want %v", i, got, want)
		}
		if r.len() > MaxRemembered {
			t.Fatalf("%d remembered, bound %d", r.len(), MaxRemembered)
		}
	}
	// Full, nothing was forgotten: every one remembered is still a replay.
	for _, i := range []int{0, 1, MaxRemembered / 2, MaxRemembered - 1} {
		if got := r.first(key(i), now, now.Add(5*time.Minute)); got != replayed {
			t.Errorf("request %d at the window's end: %v, want a replay", i, got)
		}
	}
	// Once their window has passed they are forgotten, and room is made.
	later := now.Add(remembered)
	if got := r.first("new", later, later); got != fresh || r.len() != 1 {
		t.Errorf("after the window: %v, %d remembered", got, r.len())
	}
}

func TestAnExpiredRequestBehindALaterOneIsForgottenWhenFull(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	r := newReplays(3)
	// Timestamps may be up to 5 minutes either side of now: the first in
	// is not the first out.
	r.first("ahead", now.Add(5*time.Minute), now)
	r.first("behind", now.Add(-5*time.Minute), now)
	r.first("now", now, now)
	if got := r.first("one more", now, now); got != full {
		t.Fatalf("%v, want full", got)
	}
	at := now.Add(2 * time.Minute) // "behind"'s window has passed, "ahead"'s not
	if got := r.first("one more", at, at); got != fresh || r.len() != 3 {
		t.Errorf("%v, %d remembered", got, r.len())
	}
	if got := r.first("ahead", now.Add(5*time.Minute), at); got != replayed {
		t.Errorf("ahead: %v", got)
	}
}
