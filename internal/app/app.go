// Package app wires steward's parts to the outside world from the
// environment, once, for the command line and the Action alike: the GitHub
// and FreshDesk clients, and `steward run`, which does rotate, sync, remind
// and routing in one process with one report.
package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/clock"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/slack"
	"github.com/support-steward/steward/internal/triage"
)

// Env is what the wiring may read of the world.
type Env struct {
	Getenv func(string) string
	Now    func() time.Time
	Log    *slog.Logger
	// Clock and Transport, when set, are what the clients wait on and send
	// through (tests: a manual clock, an unreachable network).
	Clock     clock.Clock
	Transport http.RoundTripper
}

// Clients are the connections a roster's integrations need; a client that
// could not be made is nil, with the reason.
type Clients struct {
	Roster *roster.Roster
	GH     *gh.Client
	GHErr  error
	FD     *freshdesk.Client
	FDErr  error
	// Slack is the bot (integrations.slack with SLACK_BOT_TOKEN), or nil
	// with the reason.
	Slack    *slack.Client
	SlackErr error
	Now      time.Time
}

// Connect makes the clients the roster's integrations call for.
func Connect(e Env, r *roster.Roster) Clients {
	c := Clients{Roster: r, Now: e.Now()}
	ig, fi := r.Integrations.GitHub, r.Integrations.Freshdesk
	if ig == nil {
		c.GHErr = NotConfigured{"roster.yaml has no integrations.github"}
	} else {
		cfg, err := gh.ConfigFromEnv(e.Getenv)
		if err == nil {
			cfg.Log, cfg.CacheDir, cfg.Repo = e.Log, e.Getenv("STEWARD_CACHE_DIR"), ig.Repo
			cfg.Clock, cfg.Transport = e.Clock, e.Transport
			c.GH, err = gh.New(cfg)
		}
		c.GHErr = err
	}
	if fi == nil {
		c.FDErr = NotConfigured{"roster.yaml has no integrations.freshdesk"}
	} else {
		domain := fi.Domain
		if d := e.Getenv("STEWARD_FRESHDESK_DOMAIN"); d != "" {
			domain = d
		}
		cfg, err := freshdesk.ConfigFromEnv(e.Getenv, domain)
		if err == nil {
			cfg.Log, cfg.Clock, cfg.Transport = e.Log, e.Clock, e.Transport
			c.FD, err = freshdesk.New(cfg)
		}
		c.FDErr = err
	}
	c.Slack, c.SlackErr = connectSlack(e, r)
	return c
}

// connectSlack makes the Slack bot: off when roster.yaml does not ask for
// it; asked for without SLACK_BOT_TOKEN, a failure that says what to set.
func connectSlack(e Env, r *roster.Roster) (*slack.Client, error) {
	if r.Integrations.Slack == nil {
		return nil, NotConfigured{"roster.yaml has no integrations.slack"}
	}
	c, err := slack.FromEnv(e.Getenv, slack.Options{Transport: e.Transport, Clock: e.Clock, Log: e.Log})
	if c == nil && err == nil {
		err = errors.New("integrations.slack is configured but SLACK_BOT_TOKEN is not set")
	}
	return c, err
}

// Mirror returns the mirror's applier, or why there is none.
func (c Clients) Mirror() (*mirror.Applier, mirror.Setup, error) {
	s, err := mirror.FromRoster(c.Roster)
	switch {
	case err != nil && (c.Roster.Integrations.GitHub == nil || c.Roster.Integrations.Freshdesk == nil):
		return nil, s, NotConfigured{err.Error()}
	case err != nil:
		return nil, s, err
	case c.GH == nil:
		return nil, s, c.GHErr
	case c.FD == nil:
		return nil, s, c.FDErr
	}
	s.Render.TicketURL = c.FD.AgentURL
	return &mirror.Applier{GH: c.GH, FD: c.FD, Owner: s.Owner, Repo: s.Repo, Board: s.Board, Render: s.Render, Now: c.Now}, s, nil
}

// Lead is integrations.github.rotation_lead, or 7 days.
func (c Clients) Lead() int {
	if ig := c.Roster.Integrations.GitHub; ig != nil && ig.RotationLead.Days > 0 {
		return ig.RotationLead.Days
	}
	return 7
}

// Rotator returns the rotation pull-request engine, or why there is none.
func (c Clients) Rotator(today civil.Date, lead int) (*rosterpr.Rotator, error) {
	ig := c.Roster.Integrations.GitHub
	if ig == nil || c.GH == nil {
		return nil, c.GHErr
	}
	repo := ig.RosterRepo
	if repo == "" {
		repo = ig.Repo
	}
	path := ig.RosterPath
	if path == "" {
		path = "roster.yaml"
	}
	owner, name, _ := strings.Cut(repo, "/")
	return &rosterpr.Rotator{GH: c.GH, FD: c.FD, Today: today, Lead: lead, Repo: rosterpr.Repo{
		Owner: owner, Name: name, Path: path, Base: ig.BaseBranch, CalendarPath: ig.CalendarPath, PagePath: ig.PagePath,
		Issues: ig.Repo, SupportLabel: ig.Label()}}, nil
}

// Triage returns the dashboard and routing engine, or why there is none.
// FreshDesk is optional to it.
func (c Clients) Triage() (*triage.Triage, error) {
	ig := c.Roster.Integrations.GitHub
	if ig == nil || c.GH == nil {
		return nil, c.GHErr
	}
	owner, name, _ := strings.Cut(ig.Repo, "/")
	return &triage.Triage{GH: c.GH, FD: c.FD, Roster: c.Roster, Owner: owner, Repo: name, Label: ig.Label(), Now: c.Now}, nil
}

// NotConfigured is the reason a part is off because roster.yaml does not
// ask for it: such a part is skipped, never failed. Every other reason a
// part cannot run (no credentials, GitHub unreachable, the App not
// installed) is a failure.
type NotConfigured struct{ Reason string }

func (n NotConfigured) Error() string { return n.Reason }

// IsNotConfigured reports whether err says a part is simply not configured.
func IsNotConfigured(err error) bool {
	var n NotConfigured
	return errors.As(err, &n)
}

// Notes says which connections are off, one line each.
func (c Clients) Notes() []string {
	var out []string
	if c.GHErr != nil {
		out = append(out, fmt.Sprintf("GitHub off: %v", c.GHErr))
	}
	if c.FDErr != nil {
		out = append(out, fmt.Sprintf("FreshDesk off: %v", c.FDErr))
	}
	if c.SlackErr != nil && !IsNotConfigured(c.SlackErr) { // an add-on: off unless asked for
		out = append(out, fmt.Sprintf("Slack off: %v", c.SlackErr))
	}
	return out
}
