package server

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/roster"
)

// Tools are what a delivery's work acts with.
type Tools struct {
	Roster *roster.Roster
	GH     *gh.Client
	FD     *freshdesk.Client // nil when FreshDesk is not configured
	Now    time.Time
}

// Backend provides the tools for an installation (0: the roster's own).
type Backend interface {
	Tools(ctx context.Context, installation int64) (*Tools, error)
}

// AppBackend acts as a GitHub App: one client per installation, cached, and
// the roster read through the API (a conditional read: unchanged, it costs
// nothing).
type AppBackend struct {
	// GitHub is the App's configuration; InstallationID is set per call.
	GitHub gh.Config
	// RosterRepo (owner/name) and RosterPath locate roster.yaml.
	RosterRepo, RosterPath string
	// Freshdesk is the client configuration (API key, base URL); its domain
	// comes from the roster. Without an API key, FreshDesk is off.
	Freshdesk freshdesk.Config
	Now       func() time.Time
	Log       *slog.Logger

	mu      sync.Mutex
	clients map[int64]*gh.Client
	fd      map[string]*freshdesk.Client
}

// ParseRosterLocation reads STEWARD_ROSTER, owner/repo:path.
func ParseRosterLocation(s string) (repo, path string, err error) {
	repo, path, ok := strings.Cut(s, ":")
	if !ok || strings.Count(repo, "/") != 1 || path == "" {
		return "", "", fmt.Errorf("STEWARD_ROSTER: %q is not owner/repo:path (e.g. open-infra/support:roster.yaml)", s)
	}
	return repo, path, nil
}

func (b *AppBackend) client(installation int64) (*gh.Client, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.clients[installation]; ok {
		return c, nil
	}
	cfg := b.GitHub
	cfg.InstallationID, cfg.Repo = installation, b.RosterRepo
	c, err := gh.New(cfg)
	if err != nil {
		return nil, err
	}
	if b.clients == nil {
		b.clients = map[int64]*gh.Client{}
	}
	b.clients[installation] = c
	return c, nil
}

// Tools implements Backend.
func (b *AppBackend) Tools(ctx context.Context, installation int64) (*Tools, error) {
	c, err := b.client(installation)
	if err != nil {
		return nil, err
	}
	owner, name, _ := strings.Cut(b.RosterRepo, "/")
	f, _, _, err := c.REST.Repositories.GetContents(ctx, owner, name, b.RosterPath, &github.RepositoryContentGetOptions{})
	if err != nil {
		return nil, fmt.Errorf("reading %s:%s: %w", b.RosterRepo, b.RosterPath, err)
	}
	content, err := f.GetContent()
	if err != nil {
		return nil, err
	}
	r, probs := roster.Parse(b.RosterPath, []byte(content))
	if r == nil {
		return nil, fmt.Errorf("%s:%s is not valid:\n%w", b.RosterRepo, b.RosterPath, probs.Errors())
	}
	now := time.Now()
	if b.Now != nil {
		now = b.Now()
	}
	return &Tools{Roster: r, GH: c, FD: b.freshdesk(r), Now: now}, nil
}

// freshdesk returns the client for the roster's account, if configured.
func (b *AppBackend) freshdesk(r *roster.Roster) *freshdesk.Client {
	fi := r.Integrations.Freshdesk
	if fi == nil || b.Freshdesk.APIKey == "" {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.fd[fi.Domain]; ok {
		return c
	}
	cfg := b.Freshdesk
	cfg.Domain, cfg.Log = fi.Domain, b.Log
	c, err := freshdesk.New(cfg)
	if err != nil {
		if b.Log != nil {
			b.Log.Warn("FreshDesk is off", "err", err)
		}
		return nil
	}
	if b.fd == nil {
		b.fd = map[string]*freshdesk.Client{}
	}
	b.fd[fi.Domain] = c
	return c
}
