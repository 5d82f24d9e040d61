package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/slack"
	"github.com/support-steward/steward/internal/usecase"
)

// SlackCommand returns the `/steward` slash command's handler, answering
// from the roster the backend reads (a conditional read: unchanged, it is
// served from the cache) and FreshDesk for `overdue`. The handler checks
// Slack's v0 signature and bounds each answer within Slack's 3 seconds.
func SlackCommand(signingSecret string, b Backend, log *slog.Logger) (*slack.CommandHandler, error) {
	answers := func(ctx context.Context) (usecase.CommandAnswers, error) {
		t, err := b.Clients(ctx, 0)
		if err != nil {
			return usecase.CommandAnswers{}, err
		}
		now := t.Now
		a := usecase.CommandAnswers{Roster: t.Roster, Now: func() time.Time { return now }}
		if t.FD != nil {
			a.Tickets, a.TicketURL = freshdesk.Tickets{C: t.FD}, t.FD.AgentURL
		}
		return a, nil
	}
	h, err := slack.NewCommandHandler(signingSecret, slack.Answers{
		Who: func(ctx context.Context) (string, error) {
			a, err := answers(ctx)
			if err != nil {
				return "", err
			}
			return a.Who(ctx)
		},
		Schedule: func(ctx context.Context, weeks int) (string, error) {
			a, err := answers(ctx)
			if err != nil {
				return "", err
			}
			return a.Schedule(ctx, weeks)
		},
		Overdue: func(ctx context.Context) (string, error) {
			a, err := answers(ctx)
			if err != nil {
				return "", err
			}
			return a.Overdue(ctx)
		},
	})
	if err != nil {
		return nil, err
	}
	if log != nil {
		h.Log = log
	}
	return h, nil
}

// slackCommand serves POST /webhooks/slack: the command's body (at most
// slack.MaxCommandBody) is held in the in-flight budget of unauthenticated
// bodies, as the other webhooks' are, so a flood of slash commands cannot
// exceed it.
func (s *Server) slackCommand(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Slack == nil {
		s.answer(w, "slack", "command", http.StatusNotFound, "the Slack endpoint is off: set SLACK_SIGNING_SECRET")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.BudgetWait)
	err := s.inflight.Acquire(ctx, slack.MaxCommandBody)
	cancel()
	if err != nil {
		s.m.budgetRefused.Inc()
		s.answer(w, "slack", "command", http.StatusServiceUnavailable, "too many requests are being received at once: try again shortly")
		return
	}
	defer s.inflight.Release(slack.MaxCommandBody)
	s.cfg.Slack.ServeHTTP(w, r)
}
