package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
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
}

func newCommandRig(t *testing.T) *commandRig {
	t.Helper()
	c := &commandRig{}
	h, err := NewCommandHandler(signingSecret, Answers{
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
	c.h = h
	return c
}

func command(text string) string {
	return url.Values{"command": {"/steward"}, "text": {text}, "user_id": {"U0ADA00001"},
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

func TestSlashCommandAnswersWithinTheBudgetWhenTheWorkIsSlow(t *testing.T) {
	r := newCommandRig(t)
	r.h.Budget = 50 * time.Millisecond
	body := command("overdue")
	start := time.Now()
	status, out := r.send(body, signed(body, time.Now(), signingSecret))
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s", took)
	}
	if status != 200 || !strings.Contains(out.Text, "within Slack's 3 seconds") || out.ResponseType != "ephemeral" {
		t.Errorf("%d %+v", status, out)
	}
}

func TestSlashCommandNeedsASigningSecret(t *testing.T) {
	a := Answers{Who: func(context.Context) (string, error) { return "", nil },
		Schedule: func(context.Context, int) (string, error) { return "", nil },
		Overdue:  func(context.Context) (string, error) { return "", nil }}
	if _, err := NewCommandHandler(" ", a); err == nil || !strings.Contains(err.Error(), "SLACK_SIGNING_SECRET") {
		t.Errorf("no secret: %v", err)
	}
}
