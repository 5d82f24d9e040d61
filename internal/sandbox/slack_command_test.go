package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const commandSecret = "sandbox-signing-secret"

// app is a slash command endpoint for the tests: it checks Slack's v0
// signature, then answers after wait (or when Slack gives up).
type app struct {
	wait      time.Duration
	got       atomic.Pointer[url.Values]
	cancelled atomic.Bool
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ts := r.Header.Get("X-Slack-Request-Timestamp")
	m := hmac.New(sha256.New, []byte(commandSecret))
	m.Write([]byte("v0:" + ts + ":" + string(body)))
	if r.Header.Get("X-Slack-Signature") != "v0="+hex.EncodeToString(m.Sum(nil)) ||
		r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	form, _ := url.ParseQuery(string(body))
	a.got.Store(&form)
	select {
	case <-time.After(a.wait):
	case <-r.Context().Done():
		a.cancelled.Store(true)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"response_type": "ephemeral", "text": "answer to " + form.Get("text")})
}

// Source: Slack's slash command documentation, as issue #25 (fact 6) and
// shared/api-facts.md ("Slash commands", "Corrections and additions")
// quote it: an app answers a slash command within 3,000 ms, or Slack
// gives up on it and the person sees an error instead of the answer. The
// emulator's Command plays Slack calling the endpoint and enforces that
// window on the wall clock (protocol time).
func TestSlackGivesASlashCommandThreeSeconds(t *testing.T) {
	t.Parallel()
	s := NewSlack(SlackOptions{Token: slackToken, Clock: NewManualClock(t0)})
	quick := &app{wait: 10 * time.Millisecond}
	res := s.Command(quick, SlashCommand{Text: "who", SigningSecret: commandSecret})
	if res.TimedOut || res.Status != 200 || res.Text != "answer to who" || res.ResponseType != "ephemeral" {
		t.Fatalf("a quick answer: %+v", res)
	}
	form := *quick.got.Load()
	for k, want := range map[string]string{"command": "/steward", "text": "who", "team_id": "T0SANDBOX1"} {
		if form.Get(k) != want {
			t.Errorf("the command's %s is %q, want %q", k, form.Get(k), want)
		}
	}
	if !strings.HasPrefix(form.Get("response_url"), SandboxHooksURL) || form.Get("response_url") != res.ResponseURL ||
		form.Get("user_id") == "" || form.Get("channel_id") == "" {
		t.Errorf("the command's form: %v", form)
	}

	slow := &app{wait: SlashCommandWindow + 500*time.Millisecond}
	res = s.Command(slow, SlashCommand{Text: "overdue", SigningSecret: commandSecret})
	if !res.TimedOut || res.Text != "" || res.Elapsed < SlashCommandWindow || res.Elapsed > SlashCommandWindow+400*time.Millisecond {
		t.Errorf("a slow answer: %+v, want dropped after %s", res, SlashCommandWindow)
	}
	for give := time.Now().Add(time.Second); !slow.cancelled.Load(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(give) {
			t.Error("Slack gave up, but the app's request was not cancelled")
			break
		}
	}
	if SlashCommandWindow != 3000*time.Millisecond {
		t.Errorf("the window is %s", SlashCommandWindow)
	}
}

// Source: as above: an answer later than 3 s goes to the command's
// response_url, which takes up to 5 posts within 30 minutes of the
// command. The emulator serves response_urls under SandboxHooksURL, records
// what they are given, and refuses a sixth post, a post after 30 minutes
// (on the emulator's clock) and a URL it never issued. (The refusals'
// codes are the emulator's: the facts give the limits, not Slack's codes.)
func TestAResponseURLTakesFivePostsWithinThirtyMinutes(t *testing.T) {
	clock := NewManualClock(t0)
	s := NewSlack(SlackOptions{Token: slackToken, Clock: clock})
	hc := &http.Client{Transport: Transport{Handler: s}}
	post := func(to string, body string) (int, string) {
		t.Helper()
		resp, err := hc.Post(to, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(bytes.TrimSpace(b))
	}
	res := s.Command(&app{}, SlashCommand{Text: "overdue", SigningSecret: commandSecret})
	for i := range ResponseURLPosts {
		clock.Advance(5 * time.Minute)
		if code, body := post(res.ResponseURL, `{"response_type":"ephemeral","text":"part `+string(rune('1'+i))+`"}`); code != 200 || body != "ok" {
			t.Fatalf("post %d: %d %s", i+1, code, body)
		}
	}
	if code, body := post(res.ResponseURL, `{"text":"one too many"}`); code != 404 || body != "used_url" {
		t.Errorf("a sixth post: %d %s", code, body)
	}
	got := s.ResponsePosts(res.ResponseURL)
	if len(got) != ResponseURLPosts || got[0].Text != "part 1" || got[4].Text != "part 5" || got[0].ResponseType != "ephemeral" ||
		!got[0].At.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("recorded %+v", got)
	}

	late := s.Command(&app{}, SlashCommand{Text: "who", SigningSecret: commandSecret})
	clock.Advance(ResponseURLWindow)
	if code, body := post(late.ResponseURL, `{"text":"just in time"}`); code != 200 {
		t.Errorf("at 30 minutes: %d %s", code, body)
	}
	clock.Advance(time.Second)
	if code, body := post(late.ResponseURL, `{"text":"too late"}`); code != 404 || body != "expired_url" {
		t.Errorf("after 30 minutes: %d %s", code, body)
	}

	fresh := s.Command(&app{}, SlashCommand{Text: "who", SigningSecret: commandSecret})
	for body, want := range map[string]string{`{"text":`: "invalid_payload", `{"text":""}`: "no_text",
		`{"text":"x","response_type":"everyone"}`: "invalid_payload"} {
		if code, got := post(fresh.ResponseURL, body); code != 400 || got != want {
			t.Errorf("%s: %d %s, want 400 %s", body, code, got, want)
		}
	}
	if code, body := post(SandboxHooksURL+"T0SANDBOX1/1/forged", `{"text":"x"}`); code != 404 || body != "no_service" {
		t.Errorf("a URL never issued: %d %s", code, body)
	}
	if n := len(s.ResponsePosts(fresh.ResponseURL)); n != 0 {
		t.Errorf("refused posts were recorded: %d", n)
	}
	if ResponseURLPosts != 5 || ResponseURLWindow != 30*time.Minute {
		t.Errorf("limits %d, %s", ResponseURLPosts, ResponseURLWindow)
	}
}
