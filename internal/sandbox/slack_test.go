package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

const slackToken = "xoxb-sandbox-token"

type slackRig struct {
	t     *testing.T
	s     *Slack
	srv   *httptest.Server
	clock *ManualClock
}

func newSlackRig(t *testing.T, o SlackOptions) *slackRig {
	t.Helper()
	clock := NewManualClock(t0)
	if o.Clock == nil {
		o.Clock = clock
	}
	if o.Token == "" {
		o.Token = slackToken
	}
	s := NewSlack(o)
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
	return &slackRig{t: t, s: s, srv: srv, clock: clock}
}

// call posts a form to a method, as slack-go does, and returns the HTTP
// status and the decoded answer. (The emulator checks its own success
// answers against the description; see ContractViolations.)
func (r *slackRig) call(method string, form url.Values) (int, map[string]any, http.Header) {
	r.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("token") {
		form.Set("token", slackToken)
	}
	if form.Get("token") == "-" {
		form.Del("token")
	}
	resp, err := http.Post(r.srv.URL+"/api/"+method, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(body, &out)
	return resp.StatusCode, out, resp.Header
}

func (r *slackRig) ok(method string, form url.Values) map[string]any {
	r.t.Helper()
	status, out, _ := r.call(method, form)
	if status != 200 || out["ok"] != true {
		r.t.Fatalf("%s: %d %v", method, status, out)
	}
	return out
}

func (r *slackRig) fails(method string, form url.Values, code string) map[string]any {
	r.t.Helper()
	status, out, _ := r.call(method, form)
	if status != 200 || out["ok"] != false || out["error"] != code {
		r.t.Fatalf("%s: want 200 ok:false %s, got %d %v", method, code, status, out)
	}
	return out
}

func TestSlackThreadsPermalinksAndDeletes(t *testing.T) {
	r := newSlackRig(t, SlackOptions{})
	parent := r.ok("chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {"Ticket 42"}})
	ts := parent["ts"].(string)
	if ts != "1793610000.000000" {
		t.Errorf("ts = %q, want the sandbox clock's time as seconds.micros", ts)
	}
	reply := r.ok("chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {"issue opened"}, "thread_ts": {ts}})
	if reply["message"].(map[string]any)["thread_ts"] != ts {
		t.Errorf("the reply is not in the thread: %v", reply)
	}
	// A reply to a reply joins the parent's thread, as in Slack.
	r.ok("chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {"again"}, "thread_ts": {reply["ts"].(string)}})
	if got := len(r.s.Replies("C0TICKETS1", ts)); got != 2 {
		t.Errorf("%d replies, want 2", got)
	}
	link := r.ok("chat.getPermalink", url.Values{"channel": {"C0TICKETS1"}, "message_ts": {ts}})["permalink"]
	if link != "https://steward-sandbox.slack.com/archives/C0TICKETS1/p1793610000000000" {
		t.Errorf("permalink %v", link)
	}
	link = r.ok("chat.getPermalink", url.Values{"channel": {"C0TICKETS1"}, "message_ts": {reply["ts"].(string)}})["permalink"]
	if !strings.Contains(link.(string), "?thread_ts="+ts+"&cid=C0TICKETS1") {
		t.Errorf("a reply's permalink does not name its thread: %v", link)
	}
	r.clock.Advance(time.Second) // past the channel's burst
	r.fails("chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {"x"}, "thread_ts": {"1700000000.000001"}}, "thread_not_found")
	r.ok("chat.delete", url.Values{"channel": {"C0TICKETS1"}, "ts": {ts}})
	r.fails("chat.delete", url.Values{"channel": {"C0TICKETS1"}, "ts": {ts}}, "message_not_found")
	r.fails("chat.getPermalink", url.Values{"channel": {"C0TICKETS1"}, "message_ts": {ts}}, "message_not_found")
	if n := len(r.s.Parents("C0TICKETS1")); n != 0 {
		t.Errorf("%d parents after the delete", n)
	}
	// Every message's ts is distinct even at one instant.
	seen := map[string]bool{}
	for _, m := range r.s.Messages("C0TICKETS1") {
		if seen[m.TS] {
			t.Errorf("ts %s twice", m.TS)
		}
		seen[m.TS] = true
	}
}

func TestSlackOkFalseErrors(t *testing.T) {
	r := newSlackRig(t, SlackOptions{})
	post := func(ch string) url.Values { return url.Values{"channel": {ch}, "text": {"hello"}} }
	r.fails("auth.test", url.Values{"token": {"-"}}, "not_authed")
	r.forgetViolations() // no token is the point here
	r.fails("auth.test", url.Values{"token": {"xoxb-wrong"}}, "invalid_auth")
	r.fails("chat.postMessage", post("C0NOSUCH01"), "channel_not_found")
	r.fails("chat.postMessage", post("C0GENERAL1"), "not_in_channel")
	r.s.InviteBot("C0GENERAL1")
	r.ok("chat.postMessage", post("C0GENERAL1"))
	r.s.AddChannel("C0SECRET01", "secret", true, false)
	r.fails("chat.postMessage", post("C0SECRET01"), "channel_not_found")
	r.fails("chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {" "}}, "no_text")
	r.fails("usergroups.users.update", url.Values{"usergroup": {"S0NOSUCH01"}, "users": {"U0ADA00001"}}, "no_such_subteam")
	r.fails("usergroups.users.update", url.Values{"usergroup": {"S0STEWARD1"}, "users": {"U0NOBODY01"}}, "invalid_users")
	r.fails("usergroups.users.update", url.Values{"usergroup": {"S0STEWARD1"}, "users": {""}}, "no_users_provided")
	r.ok("usergroups.users.update", url.Values{"usergroup": {"S0STEWARD1"}, "users": {"U0GRACE001,U0ADA00001"}})
	users := r.ok("usergroups.users.list", url.Values{"usergroup": {"S0STEWARD1"}})["users"]
	if !slices.Equal(toStrings(users), []string{"U0GRACE001", "U0ADA00001"}) {
		t.Errorf("group holds %v", users)
	}
	r.s.SetFreeWorkspace(true)
	r.fails("usergroups.users.list", url.Values{"usergroup": {"S0STEWARD1"}}, "plan_upgrade_required")
	r.fails("usergroups.users.update", url.Values{"usergroup": {"S0STEWARD1"}, "users": {"U0ADA00001"}}, "plan_upgrade_required")
	auth := r.ok("auth.test", nil)
	if auth["user_id"] != "UBOT0001" || auth["url"] != "https://steward-sandbox.slack.com/" {
		t.Errorf("auth.test: %v", auth)
	}
}

func TestSlackMissingScopeNamesTheScope(t *testing.T) {
	r := newSlackRig(t, SlackOptions{Scopes: []string{"chat:write"}})
	out := r.fails("usergroups.users.update", url.Values{"usergroup": {"S0STEWARD1"}, "users": {"U0ADA00001"}}, "missing_scope")
	if out["needed"] != "usergroups:write" || out["provided"] != "chat:write" {
		t.Errorf("missing_scope says %v", out)
	}
	r.ok("chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {"hello"}})
}

func TestSlackRateLimitsPerMethodTierAndPerChannel(t *testing.T) {
	r := newSlackRig(t, SlackOptions{Tiers: map[string]int{"usergroups.users.list": 2}})
	list := url.Values{"usergroup": {"S0STEWARD1"}}
	r.ok("usergroups.users.list", list)
	r.clock.Advance(20 * time.Second)
	r.ok("usergroups.users.list", list)
	status, out, h := r.call("usergroups.users.list", list)
	if status != 429 || h.Get("Retry-After") != "40" || out["error"] != "ratelimited" {
		t.Fatalf("over the tier: %d Retry-After %q %v", status, h.Get("Retry-After"), out)
	}
	// Another method has its own budget.
	r.ok("auth.test", nil)
	r.clock.Advance(40 * time.Second)
	r.ok("usergroups.users.list", list)

	// chat.postMessage: a burst of 3 a second per channel, then 429.
	post := url.Values{"channel": {"C0TICKETS1"}, "text": {"x"}}
	for range 3 {
		r.ok("chat.postMessage", post)
	}
	status, _, h = r.call("chat.postMessage", post)
	if status != 429 || h.Get("Retry-After") != "1" {
		t.Fatalf("a fourth message in a second: %d Retry-After %q", status, h.Get("Retry-After"))
	}
	r.s.InviteBot("C0GENERAL1")
	r.ok("chat.postMessage", url.Values{"channel": {"C0GENERAL1"}, "text": {"x"}})
	r.clock.Advance(time.Second)
	r.ok("chat.postMessage", post)
	if n := r.s.Ledger().Count(func(q Request) bool { return q.Status == 429 }); n != 2 {
		t.Errorf("the ledger holds %d answers 429, want 2", n)
	}
}

func TestSlackFaultsAreSeededAndShapedLikeSlack(t *testing.T) {
	run := func(seed uint64) []int {
		faults := NewFaults(seed, Fault{Route: "/api/chat.", Rate: 0.3, Kinds: []FaultKind{ServerError, TooManyRequests}, RetryAfter: 7 * time.Second})
		r := newSlackRig(t, SlackOptions{Faults: faults, PostBurst: 1000})
		var got []int
		for range 40 {
			status, out, h := r.call("chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {"x"}})
			if status == 429 && (h.Get("Retry-After") != "7" || out["error"] != "ratelimited") {
				t.Fatalf("an injected 429: Retry-After %q %v", h.Get("Retry-After"), out)
			}
			got = append(got, status)
		}
		r.ok("auth.test", nil) // not matched by the rule
		return got
	}
	a, b := run(7), run(7)
	if !slices.Equal(a, b) {
		t.Errorf("the same seed failed differently:\n%v\n%v", a, b)
	}
	if !slices.ContainsFunc(a, func(s int) bool { return s >= 500 }) || !slices.Contains(a, 429) || !slices.Contains(a, 200) {
		t.Errorf("expected a mix of answers, got %v", a)
	}
}

func TestSlackContractCheckCatchesWhatSlackDoesNotDescribe(t *testing.T) {
	r := newSlackRig(t, SlackOptions{})
	for _, c := range []struct {
		method string
		form   url.Values
		want   string
	}{
		{"chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {"x"}, "colour": {"red"}}, `argument "colour" is not in Slack's description`},
		{"chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {"x"}, "mrkdwn": {"yes"}}, `argument "mrkdwn"="yes": not a boolean`},
		{"chat.postMessage", url.Values{"text": {"x"}}, `required argument "channel" missing`},
		{"chat.getPermalink", url.Values{"channel": {"C0TICKETS1"}}, `required argument "message_ts" missing`},
		{"chat.delete", url.Values{"channel": {"C0TICKETS1"}, "ts": {"yesterday"}}, `argument "ts"="yesterday": not a number`},
		{"auth.test", url.Values{"token": {"-"}}, "auth.test: no token"},
	} {
		before := len(r.s.ContractViolations())
		r.call(c.method, c.form)
		v := r.s.ContractViolations()[before:]
		if len(v) != 1 || !strings.Contains(v[0], c.want) {
			t.Errorf("%s %v: violations %q, want one saying %q", c.method, c.form, v, c.want)
		}
	}
	// The newer arguments named in slackNewerParams pass, with a reason.
	before := len(r.s.ContractViolations())
	r.ok("chat.postMessage", url.Values{"channel": {"C0TICKETS1"}, "text": {"x"}, "metadata": {`{"event_type":"t","event_payload":{}}`}})
	if v := r.s.ContractViolations()[before:]; len(v) > 0 {
		t.Errorf("metadata is a named newer argument, yet: %v", v)
	}
	for m, params := range slackNewerParams {
		for p, why := range params {
			if strings.TrimSpace(why) == "" {
				t.Errorf("%s %s is allowed without a reason", m, p)
			}
		}
	}
	r.forgetViolations() // the violations above were the point of the test
}

func (r *slackRig) forgetViolations() {
	r.s.mu.Lock()
	r.s.violations = nil
	r.s.mu.Unlock()
}

func TestSlackEmulatorServesExactlyTheTrimmedMethods(t *testing.T) {
	data, err := os.ReadFile("testdata/slack-methods.txt")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			listed = append(listed, l)
		}
	}
	var served []string
	for m := range slackMethods {
		served = append(served, m)
	}
	slices.Sort(served)
	slices.Sort(listed)
	if !slices.Equal(served, listed) {
		t.Errorf("served %v, listed %v", served, listed)
	}
	ops, err := slackOperations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range served {
		if _, ok := ops[m]; !ok {
			t.Errorf("%s is not in the trimmed description", m)
		}
	}
	if !strings.Contains(slackContractSource, "slackapi/slack-api-specs") || !strings.Contains(slackContractSource, "1.7.0") {
		t.Errorf("the description names its source as %q", slackContractSource)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
