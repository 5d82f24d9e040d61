package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestServeNeedsItsSettings(t *testing.T) {
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{}, "GITHUB_WEBHOOK_SECRET is not set"},
		{map[string]string{"GITHUB_WEBHOOK_SECRET": "s"}, "STEWARD_ROSTER is not set"},
		{map[string]string{"GITHUB_WEBHOOK_SECRET": "s", "STEWARD_ROSTER": "just-a-name"}, "STEWARD_ROSTER: \"just-a-name\" is not owner/repo:path"},
		{map[string]string{"GITHUB_WEBHOOK_SECRET": "s", "STEWARD_ROSTER": "o/r:roster.yaml"}, "no GitHub credentials"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"serve"}, env{stdout: &out, stderr: &errb, now: systemNow, getenv: func(k string) string { return tc.vars[k] }})
		if code != 1 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d %s", tc.vars, code, errb.String())
		}
	}
}

// TestServeStartsWithoutGitHubAndAnswers: an unreachable GitHub does not stop
// start-up; deliveries are verified and answered; SIGTERM (here, the
// context) shuts down cleanly.
func TestServeStartsWithoutGitHubAndAnswers(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	// A GitHub that knows no roster: the work fails at once, the server lives on.
	gh := httptest.NewServer(http.NotFoundHandler())
	defer gh.Close()
	vars := map[string]string{"GITHUB_WEBHOOK_SECRET": "serve-secret", "STEWARD_ROSTER": "o/r:roster.yaml",
		"GITHUB_TOKEN": "t", "GITHUB_API_URL": gh.URL, "STEWARD_ADDR": addr}
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve"}, env{stdout: io.Discard, stderr: &logs, now: systemNow, getenv: func(k string) string { return vars[k] }})
	}()
	var resp *http.Response
	var err error
	for range 100 {
		if resp, err = http.Get("http://" + addr + "/healthz"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	body := []byte(`{"action":"opened","issue":{"number":1},"repository":{"full_name":"o/r"}}`)
	mac := hmac.New(sha256.New, []byte("serve-secret"))
	mac.Write(body)
	req, _ := http.NewRequest("POST", "http://"+addr+"/webhooks/github", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", "issues")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 202 {
		t.Fatalf("delivery: %v %v", err, resp)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d:\n%s", code, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
	if strings.Contains(logs.String(), "serve-secret") {
		t.Error("the webhook secret reached the log")
	}
}
