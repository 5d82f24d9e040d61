package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/support-steward/steward/internal/run"
)

// EventHandler does the work one or more kinds of delivery ask for, after
// the delivery has been answered (palantir/go-githubapp's shape). Handles
// names the GitHub events it takes ("issues", "pull_request"), or
// FreshdeskEvent. Handle gets the delivery's payload as queued: for GitHub
// events, the run.Envelope fields of the delivery as JSON; for FreshDesk,
// {"ticket_id": N}. A handler re-reads what it acts on, so doing a
// delivery twice changes nothing the first did not.
type EventHandler interface {
	Handles() []string
	Handle(ctx context.Context, event, deliveryID string, payload []byte) error
}

// FreshdeskEvent is the event name FreshDesk deliveries are handled under.
const FreshdeskEvent = "freshdesk"

// DefaultHandlers are steward's handlers, acting with b's tools.
func DefaultHandlers(b Backend, log *slog.Logger) []EventHandler {
	return []EventHandler{&GitHubEvents{Backend: b, Log: log}, &TicketEvents{Backend: b, Log: log}}
}

// registry maps an event to its handler; an event with none is
// acknowledged and dropped.
type registry map[string]EventHandler

func newRegistry(hs []EventHandler) (registry, error) {
	r := registry{}
	for _, h := range hs {
		for _, e := range h.Handles() {
			if _, dup := r[e]; dup {
				return nil, fmt.Errorf("server: two handlers for %q events", e)
			}
			r[e] = h
		}
	}
	return r, nil
}

// GitHubEvents handles issues and pull_request deliveries with the same
// code as an event-triggered Action run.
type GitHubEvents struct {
	Backend Backend
	Log     *slog.Logger
}

// Handles implements EventHandler.
func (*GitHubEvents) Handles() []string { return []string{"issues", "pull_request"} }

// Handle implements EventHandler.
func (h *GitHubEvents) Handle(ctx context.Context, event, delivery string, payload []byte) error {
	var env run.Envelope
	if err := json.Unmarshal(payload, &env); err != nil {
		return fmt.Errorf("delivery %s: %w", delivery, err)
	}
	if string(env.Issue.PullRequest) == "null" {
		env.Issue.PullRequest = nil // encoding/json keeps a null RawMessage as "null"
	}
	var installation int64
	if env.Installation != nil {
		installation = env.Installation.ID
	}
	// The tools read the roster from the base branch now, after the event:
	// a merged rotation pull request's shifts are already in it.
	c, err := h.Backend.Clients(ctx, installation)
	if err != nil {
		return err
	}
	msg, err := run.HandleEvent(ctx, *c, event, env)
	logDone(h.Log, msg, "delivery", delivery, "event", event, "installation", installation)
	return err
}

// TicketEvents handles FreshDesk deliveries: the ticket is read again from
// FreshDesk and reconciled with its issue.
type TicketEvents struct {
	Backend Backend
	Log     *slog.Logger
}

// Handles implements EventHandler.
func (*TicketEvents) Handles() []string { return []string{FreshdeskEvent} }

// Handle implements EventHandler.
func (h *TicketEvents) Handle(ctx context.Context, _, delivery string, payload []byte) error {
	var p struct {
		TicketID int64 `json:"ticket_id"`
	}
	if err := json.Unmarshal(payload, &p); err != nil || p.TicketID <= 0 {
		return fmt.Errorf("delivery %s names no ticket", delivery)
	}
	c, err := h.Backend.Clients(ctx, 0)
	if err != nil {
		return err
	}
	msg, err := run.HandleTicket(ctx, *c, p.TicketID)
	logDone(h.Log, msg, "delivery", delivery, "ticket", p.TicketID)
	return err
}

func logDone(log *slog.Logger, msg string, args ...any) {
	if log != nil && msg != "" {
		log.Info(msg, args...)
	}
}
