package slack

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/sandbox"
)

const token = "xoxb-1234-secret-token"

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

type rig struct {
	t     *testing.T
	s     *sandbox.Slack
	c     *Client
	clock *sandbox.ManualClock
	logs  *bytes.Buffer
	url   string
}

// newRig starts a Slack emulator on a real socket, as SLACK_API_URL would
// name one, and a client on it.
func newRig(t *testing.T, so sandbox.SlackOptions, o Options) *rig {
	t.Helper()
	clock := sandbox.NewManualClock(t0)
	so.Token, so.Clock = token, clock
	s := sandbox.NewSlack(so)
	s.AddChannel("C0TICKETS1", "support-freshdesk", true, true)
	s.AddChannel("C0GENERAL1", "hub-support", false, false)
	s.AddUser("U0ADA00001")
	s.AddUser("U0GRACE001")
	s.AddUserGroup("S0STEWARD1", "support-stewards", "U0ADA00001")
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if v := s.ContractViolations(); len(v) > 0 {
			t.Errorf("requests departed from Slack's description:\n%s", strings.Join(v, "\n"))
		}
	})
	logs := &bytes.Buffer{}
	env := map[string]string{"SLACK_BOT_TOKEN": token, "SLACK_API_URL": srv.URL + "/api"}
	o.Clock = clock
	o.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := FromEnv(func(k string) string { return env[k] }, o)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, s: s, c: c, clock: clock, logs: logs, url: srv.URL}
}

func TestAThreadAgainstTheEmulator(t *testing.T) {
	r := newRig(t, sandbox.SlackOptions{}, Options{})
	ctx := context.Background()
	parent, err := r.c.Post(ctx, "C0TICKETS1", port.ChatMessage{Text: "*Ticket 42*"})
	if err != nil {
		t.Fatal(err)
	}
	if parent.Channel != "C0TICKETS1" || parent.TS != "1793610000.000000" {
		t.Errorf("parent %+v", parent)
	}
	reply, err := r.c.Reply(ctx, parent, port.ChatMessage{Text: "issue opened"})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.s.Replies("C0TICKETS1", parent.TS); len(got) != 1 || got[0].TS != reply.TS || got[0].Text != "issue opened" {
		t.Errorf("replies %+v", got)
	}
	link, err := r.c.Permalink(ctx, parent)
	if err != nil || link != "https://steward-sandbox.slack.com/archives/C0TICKETS1/p1793610000000000" {
		t.Errorf("permalink %q, %v", link, err)
	}
	if err := r.c.Delete(ctx, parent); err != nil {
		t.Fatal(err)
	}
	if err := r.c.Delete(ctx, parent); err != nil {
		t.Errorf("deleting a message already gone: %v", err)
	}
	if n := len(r.s.Parents("C0TICKETS1")); n != 0 {
		t.Errorf("%d parents left", n)
	}
	id, err := r.c.AuthTest(ctx)
	if err != nil || id.UserID != "UBOT0001" {
		t.Errorf("auth.test: %+v %v", id, err)
	}
}

func TestUserGroupMembersAndAFreeWorkspace(t *testing.T) {
	r := newRig(t, sandbox.SlackOptions{}, Options{})
	ctx := context.Background()
	if err := r.c.SetGroupMembers(ctx, "S0STEWARD1", []string{"U0GRACE001", "U0ADA00001", "U0GRACE001"}); err != nil {
		t.Fatal(err)
	}
	got, err := r.c.GroupMembers(ctx, "S0STEWARD1")
	if err != nil || !slices.Equal(got, []string{"U0ADA00001", "U0GRACE001"}) {
		t.Errorf("members %v, %v", got, err)
	}
	if err := r.c.SetGroupMembers(ctx, "S0STEWARD1", nil); err == nil || !strings.Contains(err.Error(), "would be empty") {
		t.Errorf("emptying the group: %v", err)
	}
	// A free workspace answers plan_upgrade_required to both methods
	// (issue #25, fact 1; the sandbox learnt it first): the feature is off.
	r.s.SetFreeWorkspace(true)
	err = r.c.SetGroupMembers(ctx, "S0STEWARD1", []string{"U0ADA00001"})
	if !errors.Is(err, port.ErrFeatureOff) {
		t.Errorf("a free workspace: %v", err)
	}
	wantErr(t, err, "plan_upgrade_required", "free plan", "stewards' user group is off")
	if _, err := r.c.GroupMembers(ctx, "S0STEWARD1"); !errors.Is(err, port.ErrFeatureOff) {
		t.Errorf("a free workspace, reading: %v", err)
	}
}

// usergroups.users.update's other documented refusals (issue #25, fact 1)
// are failures, each saying what to do, not a feature that is off.
func TestAUserGroupUpdateThatFailsSaysWhatToDo(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, sandbox.SlackOptions{MaxGroupUsers: 1}, Options{})
	err := r.c.SetGroupMembers(ctx, "S0STEWARD1", []string{"U0ADA00001", "U0GRACE001"})
	wantErr(t, err, "subteam_max_users_exceeded", "S0STEWARD1", "support.team_size", "stewards_usergroup")
	if errors.Is(err, port.ErrFeatureOff) {
		t.Error("too many members is a failure, not a feature that is off")
	}
	r.s.FailForUsers("U0GRACE001")
	err = r.c.SetGroupMembers(ctx, "S0STEWARD1", []string{"U0GRACE001"})
	wantErr(t, err, "failed_for_some_users", "S0STEWARD1", "engineers[].slack", "active")
	if errors.Is(err, port.ErrFeatureOff) {
		t.Error("a user Slack could not add is a failure, not a feature that is off")
	}
}

func TestOkFalseSaysSlacksCodeAndWhatToFix(t *testing.T) {
	ctx := context.Background()
	msg := port.ChatMessage{Text: "hello"}
	r := newRig(t, sandbox.SlackOptions{}, Options{})
	_, err := r.c.Post(ctx, "C0GENERAL1", msg)
	wantErr(t, err, "not_in_channel", "invite it", "C0GENERAL1")
	_, err = r.c.Post(ctx, "C0NOSUCH01", msg)
	wantErr(t, err, "channel_not_found", "C0NOSUCH01", "invite the bot")
	wantErr(t, r.c.SetGroupMembers(ctx, "S0NOSUCH01", []string{"U0ADA00001"}), "no_such_subteam", "stewards_usergroup")
	wantErr(t, r.c.SetGroupMembers(ctx, "S0STEWARD1", []string{"U0NOBODY01"}), "invalid_users", "engineers[].slack")

	scoped := newRig(t, sandbox.SlackOptions{Scopes: []string{"chat:write"}}, Options{})
	err = scoped.c.SetGroupMembers(ctx, "S0STEWARD1", []string{"U0ADA00001"})
	wantErr(t, err, "missing_scope", "usergroups:write", "reinstall")
	var se *Error
	if !errors.As(err, &se) || se.Code != "missing_scope" || se.Needed != "usergroups:write" {
		t.Errorf("not an *Error with the scope: %#v", err)
	}
	if errors.Is(err, port.ErrFeatureOff) {
		t.Error("a missing scope is a failure, not a feature that is off")
	}
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one saying %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}

func TestRateLimitsAreWaitedOutOnTheClockUpToACap(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, sandbox.SlackOptions{PostBurst: 2}, Options{})
	for i := range 5 {
		if _, err := r.c.Post(ctx, "C0TICKETS1", port.ChatMessage{Text: "burst"}); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if n := r.s.Ledger().Count(func(q sandbox.Request) bool { return q.Status == 429 }); n != 2 {
		t.Errorf("%d answers 429, want 2 (5 messages, 2 a second)", n)
	}
	if r.clock.Slept() != 2*time.Second {
		t.Errorf("slept %s on the clock, want 2s", r.clock.Slept())
	}

	// A Retry-After beyond the cap fails now: the next run retries.
	faults := sandbox.NewFaults(1, sandbox.Fault{Route: "/api/chat.postMessage", Rate: 1,
		Kinds: []sandbox.FaultKind{sandbox.TooManyRequests}, RetryAfter: 10 * time.Minute})
	capped := newRig(t, sandbox.SlackOptions{Faults: faults}, Options{MaxWait: time.Minute})
	_, err := capped.c.Post(ctx, "C0TICKETS1", port.ChatMessage{Text: "x"})
	wantErr(t, err, "10m0s", "1m0s cap", "next run")
	if capped.clock.Slept() != 0 || capped.s.Ledger().Len() != 1 {
		t.Errorf("slept %s, %d requests: a wait over the cap must not be waited", capped.clock.Slept(), capped.s.Ledger().Len())
	}
}

func TestServerErrorsAreRetriedOnlyWhereRepeatingIsSafe(t *testing.T) {
	ctx := context.Background()
	faults := sandbox.NewFaults(1, sandbox.Fault{Route: "/api/chat.", Rate: 1, Kinds: []sandbox.FaultKind{sandbox.ServerError}})
	r := newRig(t, sandbox.SlackOptions{Faults: faults}, Options{Tries: 3})
	if _, err := r.c.Post(ctx, "C0TICKETS1", port.ChatMessage{Text: "x"}); err == nil {
		t.Fatal("a 5xx on a post is an error")
	}
	if n := r.s.Ledger().Count(sandbox.Route("/api/chat.postMessage")); n != 1 {
		t.Errorf("a post was sent %d times: it may have been posted, so it is not repeated", n)
	}
	_, err := r.c.Permalink(ctx, port.MessageRef{Channel: "C0TICKETS1", TS: "1793610000.000000"})
	wantErr(t, err, "gave up after 3 tries")
	if n := r.s.Ledger().Count(sandbox.Route("/api/chat.getPermalink")); n != 3 {
		t.Errorf("a permalink was asked %d times, want 3", n)
	}
	if r.clock.Slept() != 3*time.Second {
		t.Errorf("backoff slept %s, want 1s+2s", r.clock.Slept())
	}
}

func TestTheTokenIsNeverLoggedNorInAnError(t *testing.T) {
	ctx := context.Background()
	faults := sandbox.NewFaults(3, sandbox.Fault{Route: "/api/", Rate: 0.5,
		Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.TooManyRequests, sandbox.Drop}, RetryAfter: time.Second})
	r := newRig(t, sandbox.SlackOptions{Faults: faults, Scopes: []string{"chat:write"}}, Options{})
	var errs []string
	for range 10 {
		_, err := r.c.Post(ctx, "C0GENERAL1", port.ChatMessage{Text: "x"})
		errs = append(errs, errString(err))
		errs = append(errs, errString(r.c.SetGroupMembers(ctx, "S0STEWARD1", []string{"U0ADA00001"})))
		_, err = r.c.Permalink(ctx, port.MessageRef{Channel: "C0TICKETS1", TS: "1.2"})
		errs = append(errs, errString(err))
	}
	bad, err := New(Options{Token: "xoxp-user-token-secret"})
	if bad != nil || strings.Contains(errString(err), "secret") {
		t.Errorf("a user token: %v", err)
	}
	all := strings.Join(errs, "\n") + r.logs.String()
	if strings.Contains(all, "secret-token") || strings.Contains(all, "xoxb-1234") {
		t.Errorf("the token leaked:\n%s", all)
	}
	if !strings.Contains(r.logs.String(), "waiting before a retry") {
		t.Error("the retries were not logged at all: the check above proves nothing")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestFromEnv(t *testing.T) {
	c, err := FromEnv(func(string) string { return "" }, Options{})
	if c != nil || err != nil {
		t.Errorf("no token: Slack is off, got %v, %v", c, err)
	}
	_, err = FromEnv(func(k string) string {
		return map[string]string{"SLACK_BOT_TOKEN": token, "SLACK_API_URL": "ftp://x"}[k]
	}, Options{})
	wantErr(t, err, "SLACK_API_URL", "not an http(s) URL")
	// SLACK_API_URL sends every request to that base, through the
	// RoundTripper given (the shared transport stack plugs in here).
	s := sandbox.NewSlack(sandbox.SlackOptions{Token: token})
	var seen []string
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		seen = append(seen, req.URL.String())
		return sandbox.Transport{Handler: s}.RoundTrip(req)
	})
	c, err = FromEnv(func(k string) string {
		return map[string]string{"SLACK_BOT_TOKEN": token, "SLACK_API_URL": "http://slack.sandbox/api/"}[k]
	}, Options{Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AuthTest(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []string{"http://slack.sandbox/api/auth.test"}) {
		t.Errorf("requests went to %v", seen)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
