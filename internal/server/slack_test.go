package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const slackSecret = "slack-signing-secret-for-tests"

func slashCommand(h http.Handler, text, sigSecret string, at time.Time) *httptest.ResponseRecorder {
	body := url.Values{"command": {"/steward"}, "text": {text}}.Encode()
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(sigSecret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req := httptest.NewRequest(http.MethodPost, "/webhooks/slack", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestTheSlashCommandIsServedAtWebhooksSlack(t *testing.T) {
	cmd, err := SlackCommand(slackSecret, nullBackend{}, testLog)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newServer(t, nullBackend{}, func(c *Config) { c.Slack = cmd })
	rec := slashCommand(s.Handler(), "who", slackSecret, time.Now())
	var out struct{ ResponseType, Text string }
	json.Unmarshal(rec.Body.Bytes(), &out)
	if rec.Code != 200 || !strings.Contains(out.Text, "on duty today (2026-11-26)") {
		t.Errorf("who: %d %s", rec.Code, rec.Body.String())
	}
	for name, rec := range map[string]*httptest.ResponseRecorder{
		"wrong secret": slashCommand(s.Handler(), "who", "not-the-secret", time.Now()),
		"stale":        slashCommand(s.Handler(), "who", slackSecret, time.Now().Add(-6*time.Minute)),
	} {
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, rec.Code)
		}
	}
	// Without a signing secret the endpoint is off.
	off, _ := newServer(t, nullBackend{}, nil)
	if rec := slashCommand(off.Handler(), "who", slackSecret, time.Now()); rec.Code != http.StatusNotFound {
		t.Errorf("no Slack configured: %d, want 404", rec.Code)
	}
}
