// Package wire is the one place that builds steward's clients (GitHub,
// FreshDesk) and the engines that act through them, from the environment
// and the roster, for the command line, the Action and the webhook server
// alike: Connect for a process that has its roster, AppBackend for the
// server, which reads it per delivery. Both go through connect, so a
// setting (STEWARD_FRESHDESK_DOMAIN, STEWARD_CACHE_DIR) works the same in
// every running mode. It also says what to fix when a client cannot be
// made (Fix).
package wire

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/cachedir"
	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/clock"
	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/slack"
	"github.com/support-steward/steward/internal/usecase"
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

func (e Env) log() *slog.Logger {
	if e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Log
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
	// Log hears what the engines do not return: a mirror step that failed
	// among others that went on.
	Log *slog.Logger
	// CacheDir is STEWARD_CACHE_DIR: what is kept between runs ("" for
	// nothing).
	CacheDir string
	// tickets is FreshDesk's ticket list as this run reads it: once,
	// shared by every part (nil without FreshDesk).
	tickets *freshdesk.Snapshot
}

// SnapshotWindow is how far back the run's one read of FreshDesk's ticket
// list goes: the widest window a part of the run reads (the dashboard's
// and /steward overdue's 90 days).
const SnapshotWindow = 90 * 24 * time.Hour

// Tickets is FreshDesk behind the ports, reading the ticket list through
// the run's snapshot.
func (c Clients) Tickets() freshdesk.Tickets {
	return freshdesk.Tickets{C: c.FD, Snap: c.tickets}
}

// Connect makes the clients the roster's integrations call for.
func Connect(e Env, r *roster.Roster) Clients {
	return connect(e, r, func() (*gh.Client, error) {
		cfg, err := githubConfig(e)
		if err != nil {
			return nil, err
		}
		cfg.Repo = r.Integrations.GitHub.Repo
		return gh.New(cfg)
	}, func(domain string) (*freshdesk.Client, error) { return newFreshdesk(e, domain) })
}

// connect is the construction every running mode shares: which clients a
// roster asks for, the FreshDesk domain (STEWARD_FRESHDESK_DOMAIN over the
// roster's), and "not configured" versus "cannot connect". github and
// freshdesk make (or reuse) the clients themselves.
func connect(e Env, r *roster.Roster, github func() (*gh.Client, error), newFD func(domain string) (*freshdesk.Client, error)) Clients {
	c := Clients{Roster: r, Now: e.Now(), Log: e.log(), CacheDir: e.Getenv("STEWARD_CACHE_DIR")}
	ig, fi := r.Integrations.GitHub, r.Integrations.Freshdesk
	if ig == nil {
		c.GHErr = NotConfigured{"roster.yaml has no integrations.github"}
	} else {
		c.GH, c.GHErr = github()
	}
	if fi == nil {
		c.FDErr = NotConfigured{"roster.yaml has no integrations.freshdesk"}
	} else {
		domain := fi.Domain
		if d := e.Getenv("STEWARD_FRESHDESK_DOMAIN"); d != "" {
			domain = d
		}
		c.FD, c.FDErr = newFD(domain)
		if c.FD != nil {
			c.FD.SetMetering(fi.PerHour(), fi.ListPerMinute())
		}
		c.tickets = freshdesk.NewSnapshot(c.Now.Add(-SnapshotWindow), fi.IncludeDescription)
	}
	c.Slack, c.SlackErr = ConnectSlack(e, r)
	return c
}

// ConnectSlack makes the Slack bot: off when roster.yaml does not ask for
// it; asked for without SLACK_BOT_TOKEN, a failure that says what to set.
func ConnectSlack(e Env, r *roster.Roster) (*slack.Client, error) {
	if r.Integrations.Slack == nil {
		return nil, NotConfigured{"roster.yaml has no integrations.slack"}
	}
	c, err := slack.FromEnv(e.Getenv, slack.Options{Transport: e.Transport, Clock: e.Clock, Log: e.Log})
	if c == nil && err == nil {
		err = errors.New("integrations.slack is configured but SLACK_BOT_TOKEN is not set")
	}
	return c, err
}

// githubConfig is GitHub's client configuration from the environment
// (credentials, API URL, cache directory), without the repository.
func githubConfig(e Env) (gh.Config, error) {
	cfg, err := gh.ConfigFromEnv(e.Getenv)
	if err != nil {
		return cfg, err
	}
	cfg.Log, cfg.CacheDir = e.log(), e.Getenv("STEWARD_CACHE_DIR")
	cfg.Clock, cfg.Transport = e.Clock, e.Transport
	return cfg, nil
}

// newFreshdesk makes a FreshDesk client for domain from the environment's
// API key and base URL.
func newFreshdesk(e Env, domain string) (*freshdesk.Client, error) {
	cfg, err := freshdesk.ConfigFromEnv(e.Getenv, domain)
	if err != nil {
		return nil, err
	}
	cfg.Log, cfg.Clock, cfg.Transport = e.log(), e.Clock, e.Transport
	return freshdesk.New(cfg)
}

// ghErr and fdErr say why a client is missing, even for Clients built by
// hand (tests) with a nil client and no reason.
func (c Clients) ghErr() error {
	if c.GHErr != nil {
		return c.GHErr
	}
	return errors.New("GitHub is not connected")
}

func (c Clients) fdErr() error {
	if c.FDErr != nil {
		return c.FDErr
	}
	return errors.New("FreshDesk is not connected")
}

// board is the GitHub port to the roster's board.
func (c Clients) board(b *mirror.Board) *gh.Board {
	return c.GH.Board(gh.Project{Owner: b.Owner, Number: b.Number, StatusField: b.StatusField, StatusOption: b.StatusOption,
		PriorityField: b.PriorityField, IterationField: b.IterationField, DoneOption: b.DoneOption})
}

// CheckBoard reads the board integrations.github.project names, as every
// board pass does first: a *port.SettingError names a setting the board
// does not have (a field or option); another error, a board that could not
// be read. For validate, when GitHub can be reached; without a board or
// GitHub it checks nothing.
func (c Clients) CheckBoard(ctx context.Context) error {
	b := mirror.BoardOf(c.Roster.Integrations.GitHub)
	if b == nil || c.GH == nil {
		return nil
	}
	return c.board(b).Check(ctx)
}

// Mirror returns the mirror's applier, or why there is none.
func (c Clients) Mirror() (*usecase.Mirror, mirror.Setup, error) {
	s, err := mirror.FromRoster(c.Roster)
	switch {
	case err != nil && (c.Roster.Integrations.GitHub == nil || c.Roster.Integrations.Freshdesk == nil):
		return nil, s, NotConfigured{err.Error()}
	case err != nil:
		return nil, s, err
	case c.GH == nil:
		return nil, s, c.ghErr()
	case c.FD == nil:
		return nil, s, c.fdErr()
	}
	s.Render.TicketURL = c.FD.AgentURL
	issues, err := c.GH.Issues(s.Owner + "/" + s.Repo)
	if err != nil {
		return nil, s, err
	}
	m := &usecase.Mirror{Issues: issues, Desk: c.Tickets(), Render: s.Render, Now: c.Now, Log: c.Log, Roster: c.Roster, Resync: SnapshotWindow}
	if c.CacheDir != "" {
		// One account's tickets into one repository's label: its own mark.
		m.Mark = cachedir.Mark{Dir: c.CacheDir, Name: cachedir.Name("sync", strings.ToLower(s.FreshdeskDomain+" "+s.Owner+"/"+s.Repo+" "+s.Label))}
	}
	if b := s.Board; b != nil {
		m.Board = c.board(b)
		m.BoardStatus, m.BoardDone, m.BoardArchiveAfter = b.StatusOption, b.DoneOption, b.ArchiveAfter
	}
	return m, s, nil
}

// Lead is integrations.github.rotation_lead, or 7 days.
func (c Clients) Lead() int {
	if ig := c.Roster.Integrations.GitHub; ig != nil && ig.RotationLead.Days > 0 {
		return ig.RotationLead.Days
	}
	return 7
}

// Rotator returns the rotation pull-request engine, or why there is none.
func (c Clients) Rotator(today civil.Date, lead int) (*usecase.Rotator, error) {
	ig := c.Roster.Integrations.GitHub
	if ig == nil || c.GH == nil {
		return nil, c.ghErr()
	}
	repo := ig.RosterRepo
	if repo == "" {
		repo = ig.Repo
	}
	path := ig.RosterPath
	if path == "" {
		path = "roster.yaml"
	}
	at := gh.RepoOf(c.GH, repo)
	rot := &usecase.Rotator{GitHub: at, Issues: gh.RepoOf(c.GH, ig.Repo), WebURL: c.GH.WebURL(), Today: today, Lead: lead,
		Repo: rosterpr.Repo{Owner: at.Owner, Name: at.Name, Path: path, Base: ig.BaseBranch, CalendarPath: ig.CalendarPath, PagePath: ig.PagePath,
			Issues: ig.Repo, SupportLabel: ig.Label()}}
	if c.FD != nil {
		rot.Tickets = freshdesk.AgentTickets{C: c.FD}
	}
	return rot, nil
}

// RepoRotator is a Rotator for the roster at path in repo (owner/name)
// when no roster names its repository: a roster check in the workflow's own
// repository (GITHUB_REPOSITORY). It checks; it does not rotate.
func RepoRotator(e Env, repo, path string, today civil.Date) (*usecase.Rotator, error) {
	cfg, err := githubConfig(e)
	if err != nil {
		return nil, err
	}
	cfg.Repo = repo
	client, err := gh.New(cfg)
	if err != nil {
		return nil, err
	}
	at := gh.RepoOf(client, repo)
	return &usecase.Rotator{GitHub: at, WebURL: client.WebURL(), Today: today, Repo: rosterpr.Repo{Owner: at.Owner, Name: at.Name, Path: path}}, nil
}

// Triage returns the dashboard and routing engine, or why there is none.
// FreshDesk is optional to it.
func (c Clients) Triage() (*usecase.Triage, error) {
	ig := c.Roster.Integrations.GitHub
	if ig == nil || c.GH == nil {
		return nil, c.ghErr()
	}
	issues, err := c.GH.Issues(ig.Repo)
	if err != nil {
		return nil, err
	}
	t := &usecase.Triage{Issues: issues, Roster: c.Roster, Label: ig.Label(), Now: c.Now}
	if c.FD != nil {
		t.Desk = c.Tickets()
		t.Health = c.Health()
	}
	return t, nil
}

// Health returns the support health report's engine (nil without
// FreshDesk), caching in STEWARD_CACHE_DIR.
func (c Clients) Health() *usecase.Health {
	if c.FD == nil {
		return nil
	}
	// Not through the run's snapshot: a report that lists (`steward
	// report`) asks for stats alone, 3 credits a page, not the snapshot's
	// requester names; in a run, the dashboard hands it its tickets.
	return &usecase.Health{Desk: freshdesk.Tickets{C: c.FD}, Roster: c.Roster, Now: c.Now, CacheDir: c.CacheDir, Log: c.Log}
}

// Membership returns the engine keeping the stewards' team and group; the
// group is left out without a FreshDesk client.
func (c Clients) Membership() usecase.Membership {
	m := usecase.Membership{Team: gh.Teams{C: c.GH}}
	if c.FD != nil {
		m.Groups = freshdesk.Groups{C: c.FD}
	}
	return m
}

// Acknowledge returns the engine answering new tickets from the roster's
// template; it needs the FreshDesk client.
func (c Clients) Acknowledge() *usecase.Acknowledge {
	return &usecase.Acknowledge{Tickets: c.Tickets(), Roster: c.Roster, Now: c.Now}
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

// SlackRun builds Slack's part of a scheduled run on chat (the bot, or a
// sandbox): the journal and the support issues on GitHub, the tickets and
// their notes on FreshDesk when it is there, and the rotation pull request
// of a handoff. The function returned gives the last error met looking up
// such a pull request: the handoff is told without its link rather than
// not at all. GitHub and integrations.github must be there.
func (c Clients) SlackRun(ctx context.Context, chat port.Chat) (*usecase.SlackRun, func() error) {
	ig := c.Roster.Integrations.GitHub
	owner, name, _ := strings.Cut(ig.Repo, "/")
	journal := gh.Journal{C: c.GH, Owner: owner, Repo: name}
	if tr, err := c.Triage(); err == nil {
		journal.Dashboard = tr.Dashboard
	}
	run := &usecase.SlackRun{Roster: c.Roster, Chat: chat,
		Journal: journal,
		Issues:  gh.SupportIssues{C: c.GH, Owner: owner, Repo: name, SupportLabel: ig.Label()}}
	if c.FD != nil {
		run.Tickets, run.Notes, run.TicketURL = c.Tickets(), freshdesk.Notes{C: c.FD}, c.FD.AgentURL
	}
	rosterRepo := cmp.Or(ig.RosterRepo, ig.Repo)
	ro, rn, _ := strings.Cut(rosterRepo, "/")
	var prErr error
	run.RotationPR = func(d civil.Date) comms.Link {
		url, n, found, err := gh.RotationPull(ctx, c.GH, ro, rn, d.String())
		if err != nil || !found {
			prErr = err
			return comms.Link{}
		}
		return comms.Link{URL: url, Label: fmt.Sprintf("%s#%d", rosterRepo, n)}
	}
	return run, func() error { return prErr }
}

// CommandAnswers is what `/steward` answers from: the roster, the clock,
// and FreshDesk's tickets for `overdue` when FreshDesk is connected.
func (c Clients) CommandAnswers() usecase.CommandAnswers {
	now := c.Now
	a := usecase.CommandAnswers{Roster: c.Roster, Now: func() time.Time { return now }}
	if c.FD != nil {
		a.Tickets, a.TicketURL = c.Tickets(), c.FD.AgentURL
	}
	return a
}

// SlackCommandBody is the largest slash command body Slack sends: what the
// server holds in its budget for one before its signature is checked.
const SlackCommandBody = slack.MaxCommandBody

// SlackCommand is the `/steward` slash command's handler: it checks
// Slack's v0 signature with signingSecret, answers a request once, and
// answers from the clients answers returns for each command (the server's,
// per request: one roster read a command) only in the workspace the
// roster's integrations.slack.team_id names (none: every command is
// refused, saying to set it).
func SlackCommand(signingSecret string, answers func(context.Context) (usecase.CommandAnswers, error), log *slog.Logger) (*slack.CommandHandler, error) {
	h, err := slack.NewWorkspaceCommandHandler(signingSecret, func(ctx context.Context) (slack.Workspace, error) {
		a, err := answers(ctx)
		if err != nil {
			return slack.Workspace{}, err
		}
		w := slack.Workspace{Answers: slack.Answers{Who: a.Who, Schedule: a.Schedule, Overdue: a.Overdue}}
		if a.Roster != nil && a.Roster.Integrations.Slack != nil {
			w.TeamID = a.Roster.Integrations.Slack.TeamID
		}
		return w, nil
	})
	if err != nil {
		return nil, err
	}
	if log != nil {
		h.Log = log
	}
	return h, nil
}
