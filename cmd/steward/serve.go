package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/server"
)

// serveConfig reads the server's settings from the environment; a missing
// required setting is one message naming it.
func serveConfig(e env, log *slog.Logger) (server.Config, error) {
	secret := e.getenv("GITHUB_WEBHOOK_SECRET")
	if secret == "" {
		return server.Config{}, server.ErrNoSecret
	}
	loc := e.getenv("STEWARD_ROSTER")
	if loc == "" {
		return server.Config{}, errors.New("STEWARD_ROSTER is not set: name the roster as owner/repo:path (e.g. open-infra/support:roster.yaml)")
	}
	repo, path, err := server.ParseRosterLocation(loc)
	if err != nil {
		return server.Config{}, err
	}
	gcfg, err := gh.ConfigFromEnv(e.getenv)
	if err != nil {
		return server.Config{}, err
	}
	gcfg.Log, gcfg.CacheDir = log, e.getenv("STEWARD_CACHE_DIR")
	addr := e.getenv("STEWARD_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	backend := &server.AppBackend{GitHub: gcfg, RosterRepo: repo, RosterPath: path, Log: log, Now: e.now,
		Freshdesk: freshdesk.Config{APIKey: e.getenv("FRESHDESK_API_KEY"), BaseURL: e.getenv("FRESHDESK_BASE_URL")}}
	cfg := server.Config{
		Addr: addr, WebhookSecret: []byte(secret), FreshdeskToken: e.getenv("FRESHDESK_WEBHOOK_TOKEN"), Log: log,
		Backend: backend,
	}
	// The /steward slash command, when the Slack app's signing secret is given.
	if s := e.getenv("SLACK_SIGNING_SECRET"); s != "" {
		cmd, err := server.SlackCommand(s, backend, log)
		if err != nil {
			return server.Config{}, err
		}
		cfg.Slack = cmd
	}
	return cfg, nil
}

func cmdServe(ctx context.Context, e env, args []string) int {
	fs := flags(e, "serve", "(configured by the environment: GITHUB_WEBHOOK_SECRET, STEWARD_ROSTER, GITHUB_APP_ID, ...)")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := serveConfig(e, log)
	if err != nil {
		return fail(e, "serve", err)
	}
	s, err := server.New(cfg)
	if err != nil {
		return fail(e, "serve", err)
	}
	if err := s.Run(ctx); err != nil {
		return fail(e, "serve", fmt.Errorf("serving: %w", err))
	}
	return exitOK
}
