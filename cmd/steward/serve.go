package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/support-steward/steward/internal/server"
	"github.com/support-steward/steward/internal/wire"
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
	backend, err := wire.NewAppBackend(wire.Env{Getenv: e.getenv, Now: e.now, Log: log}, loc)
	if err != nil {
		return server.Config{}, err
	}
	addr := e.getenv("STEWARD_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	cfg := server.Config{
		Addr: addr, WebhookSecret: []byte(secret), FreshdeskToken: e.getenv("FRESHDESK_WEBHOOK_TOKEN"), Log: log,
		Backend: backend, CacheDir: e.getenv("STEWARD_CACHE_DIR"),
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
