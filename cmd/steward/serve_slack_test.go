package main

import (
	"io"
	"log/slog"
	"testing"
)

func TestServeMountsTheSlashCommandOnlyWithASigningSecret(t *testing.T) {
	vars := map[string]string{"GITHUB_WEBHOOK_SECRET": "s", "STEWARD_ROSTER": "o/r:roster.yaml", "GITHUB_TOKEN": "t"}
	e := env{stdout: io.Discard, stderr: io.Discard, now: systemNow, getenv: func(k string) string { return vars[k] }}
	log := slog.New(slog.DiscardHandler)
	cfg, err := serveConfig(e, log)
	if err != nil || cfg.Slack != nil {
		t.Fatalf("without SLACK_SIGNING_SECRET: %v, slack %v", err, cfg.Slack)
	}
	vars["SLACK_SIGNING_SECRET"] = "signing"
	if cfg, err := serveConfig(e, log); err != nil || cfg.Slack == nil {
		t.Errorf("with SLACK_SIGNING_SECRET: %v, slack %v", err, cfg.Slack)
	}
}
