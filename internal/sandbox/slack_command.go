package sandbox

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
	"time"
)

// Slash commands, as Slack runs them (its slash command documentation, as
// shared/api-facts.md and issue #25 quote it): Slack posts the command to
// the app's endpoint and waits SlashCommandWindow for the answer; a later
// answer is dropped and the person sees an error. The app may answer
// later through the command's response_url, up to ResponseURLPosts times
// within ResponseURLWindow of the command.
const (
	SlashCommandWindow = 3000 * time.Millisecond
	ResponseURLPosts   = 5
	ResponseURLWindow  = 30 * time.Minute
)

// SandboxHooksURL is where the emulator's response_urls live by default
// (Slack's are under https://hooks.slack.com/commands/). A client reaches
// it through Transport{Handler: the emulator}.
const SandboxHooksURL = "https://hooks.slack.sandbox/commands/"

// SlashCommand is a slash command for Command to send.
type SlashCommand struct {
	// Command is the command typed (default "/steward").
	Command string
	// Text is what follows it.
	Text string
	// TeamID is the workspace it comes from (default the emulator's,
	// T0SANDBOX1); UserID and ChannelID who typed it and where (defaults
	// U0ASKER001 and C0TICKETS1).
	TeamID, UserID, ChannelID string
	// SigningSecret is the app's Signing Secret, which Slack signs with.
	SigningSecret string
}

// SlashAnswer is what Slack made of the app's immediate answer.
type SlashAnswer struct {
	// Status is the HTTP status of the answer (0 when it timed out).
	Status int
	// ResponseType and Text are the answer's (a JSON answer's fields, or a
	// plain-text body as Text).
	ResponseType, Text string
	// Elapsed is how long the app took (wall clock), up to the window.
	Elapsed time.Duration
	// TimedOut: the app did not answer within SlashCommandWindow. Slack
	// dropped the request (its context is cancelled) and the person saw an
	// error; nothing the app answers afterwards is shown.
	TimedOut bool
	// ResponseURL is the command's response_url, where later answers go
	// (see ResponsePosts).
	ResponseURL string
}

// SlackResponse is one post a response_url took.
type SlackResponse struct {
	ResponseType string // "ephemeral" when the post named none
	Text         string
	At           time.Time // on the emulator's clock
}

// slackHook is a response_url issued to a command.
type slackHook struct {
	issued time.Time
	posts  []SlackResponse
}

// SlackSignedRequest is body (a form) posted to /webhooks/slack as Slack
// posts it, signed with Slack's v0 signature (HMAC-SHA256 of
// "v0:TIMESTAMP:BODY" with the app's signing secret) at at.
func SlackSignedRequest(body, signingSecret string, at time.Time) *http.Request {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(signingSecret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req := httptest.NewRequest(http.MethodPost, "/webhooks/slack", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return req
}

// Command plays Slack sending cmd to app, the slash command's endpoint: a
// form (command, text, team_id, user_id, channel_id, response_url, ...)
// signed with Slack's v0 signature at the wall clock's time, as the app's
// verifier reads it. It waits at most SlashCommandWindow (wall clock:
// protocol time) for the answer, then gives up and cancels the request. The
// response_url is issued now on the emulator's clock; posts to it are
// served under /commands/ and their 30 minutes run on that clock.
func (s *Slack) Command(app http.Handler, cmd SlashCommand) SlashAnswer {
	cmd.Command = cmp.Or(cmd.Command, "/steward")
	cmd.TeamID = cmp.Or(cmd.TeamID, slackTeamID)
	cmd.UserID = cmp.Or(cmd.UserID, "U0ASKER001")
	cmd.ChannelID = cmp.Or(cmd.ChannelID, "C0TICKETS1")
	s.mu.Lock()
	s.hookSeq++
	n := s.hookSeq
	path := fmt.Sprintf("%s/%d/%024x", cmd.TeamID, 7_000_000_000+n, uint64(n)*0x9e3779b97f4a7c15)
	s.hooks["/commands/"+path] = &slackHook{issued: s.clock.Now()}
	responseURL := s.opts.HooksURL + path
	s.mu.Unlock()

	body := url.Values{"token": {"deprecated-verification-token"}, "team_id": {cmd.TeamID}, "team_domain": {s.opts.Workspace},
		"channel_id": {cmd.ChannelID}, "channel_name": {"support-freshdesk"}, "user_id": {cmd.UserID}, "user_name": {"asker"},
		"command": {cmd.Command}, "text": {cmd.Text}, "api_app_id": {"A0STEWARD1"}, "response_url": {responseURL},
		"trigger_id": {fmt.Sprintf("%d.1.%x", n, n)}}.Encode()
	ctx, cancel := context.WithCancel(context.Background())
	req := SlackSignedRequest(body, cmd.SigningSecret, time.Now()).WithContext(ctx)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		app.ServeHTTP(rec, req)
	}()
	window := time.NewTimer(SlashCommandWindow)
	defer window.Stop()
	out := SlashAnswer{ResponseURL: responseURL}
	select {
	case <-done:
		out.Elapsed = time.Since(start)
	case <-window.C:
		cancel()
		out.Elapsed, out.TimedOut = time.Since(start), true
		return out
	}
	cancel()
	if out.Elapsed > SlashCommandWindow {
		out.TimedOut = true
		return out
	}
	out.Status = rec.Code
	raw := rec.Body.Bytes()
	var answer struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") && json.Unmarshal(raw, &answer) == nil {
		out.ResponseType, out.Text = answer.ResponseType, answer.Text
	} else {
		out.Text = string(raw)
	}
	return out
}

// ResponsePosts returns what a command's response_url was given, in order.
func (s *Slack) ResponsePosts(responseURL string) []SlackResponse {
	u, err := url.Parse(responseURL)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.hooks[u.Path]; h != nil {
		return slices.Clone(h.posts)
	}
	return nil
}

// responseURL serves POST /commands/{team}/{id}/{token}: a later answer to
// a slash command. It takes ResponseURLPosts posts within
// ResponseURLWindow of the command; the refusals' codes (plain text, as
// Slack's incoming webhooks answer) are the emulator's.
func (s *Slack) responseURL(w http.ResponseWriter, r *http.Request) {
	var post struct {
		ResponseType *string `json:"response_type"`
		Text         *string `json:"text"`
	}
	raw, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks[r.URL.Path]
	now := s.clock.Now()
	switch {
	case h == nil:
		hookFail(w, http.StatusNotFound, "no_service")
		return
	case now.Sub(h.issued) > ResponseURLWindow:
		hookFail(w, http.StatusNotFound, "expired_url")
		return
	case len(h.posts) >= ResponseURLPosts:
		hookFail(w, http.StatusNotFound, "used_url")
		return
	case json.Unmarshal(raw, &post) != nil:
		hookFail(w, http.StatusBadRequest, "invalid_payload")
		return
	case post.Text == nil || strings.TrimSpace(*post.Text) == "":
		hookFail(w, http.StatusBadRequest, "no_text")
		return
	}
	typ := "ephemeral"
	if post.ResponseType != nil {
		typ = *post.ResponseType
	}
	if typ != "ephemeral" && typ != "in_channel" {
		hookFail(w, http.StatusBadRequest, "invalid_payload")
		return
	}
	h.posts = append(h.posts, SlackResponse{ResponseType: typ, Text: *post.Text, At: now})
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "ok")
}

func hookFail(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	io.WriteString(w, code)
}
