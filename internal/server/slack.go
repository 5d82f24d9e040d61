package server

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/support-steward/steward/internal/usecase"
	"github.com/support-steward/steward/internal/wire"
)

// SlackCommand returns the `/steward` slash command's handler, answering
// from the roster the backend reads (a conditional read: unchanged, it is
// served from the cache, once per command) and FreshDesk for `overdue`.
// The handler checks Slack's v0 signature, answers a signed request once,
// answers only in the workspace the roster's integrations.slack.team_id
// names, and answers within Slack's 3 seconds: an answer not ready by then
// (an `overdue` paging 90 days of tickets) is "working on it" at once and
// posted to the command's response_url when ready, only if that URL is on
// Slack's hooks host (slack.CommandHandler).
func SlackCommand(signingSecret string, b Backend, log *slog.Logger) (http.Handler, error) {
	return wire.SlackCommand(signingSecret, func(ctx context.Context) (usecase.CommandAnswers, error) {
		t, err := b.Clients(ctx, 0)
		if err != nil {
			return usecase.CommandAnswers{}, err
		}
		return t.CommandAnswers(), nil
	}, log)
}

// slackCommand serves POST /webhooks/slack: the command's body (at most
// wire.SlackCommandBody) is held in the in-flight budget of unauthenticated
// bodies, as the other webhooks' are, so a flood of slash commands cannot
// exceed it.
func (s *Server) slackCommand(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Slack == nil {
		s.answer(w, "slack", "command", http.StatusNotFound, "the Slack endpoint is off: set SLACK_SIGNING_SECRET")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.BudgetWait)
	err := s.inflight.Acquire(ctx, wire.SlackCommandBody)
	cancel()
	if err != nil {
		s.m.budgetRefused.Inc()
		s.answer(w, "slack", "command", http.StatusServiceUnavailable, "too many requests are being received at once: try again shortly")
		return
	}
	defer s.inflight.Release(wire.SlackCommandBody)
	s.cfg.Slack.ServeHTTP(w, r)
}
