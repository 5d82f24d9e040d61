package wire

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/roster"
)

// AppBackend gives the webhook server the clients for a delivery, acting
// as a GitHub App: one GitHub client per installation and one FreshDesk
// client per domain, kept, and the roster read through the API at each
// call (a conditional read: unchanged, it costs nothing), so a merged
// rotation pull request's shifts count at once. The clients are made by
// the same code as Connect's.
type AppBackend struct {
	env Env
	// rosterRepo (owner/name) and rosterPath locate roster.yaml.
	rosterRepo, rosterPath string

	mu      sync.Mutex
	clients map[int64]*gh.Client
	fd      map[string]*freshdesk.Client
}

// NewAppBackend makes the server's backend for the roster at location
// (STEWARD_ROSTER: owner/repo:path). GitHub's credentials are checked now,
// so a server without them does not start.
func NewAppBackend(e Env, location string) (*AppBackend, error) {
	repo, path, err := ParseRosterLocation(location)
	if err != nil {
		return nil, err
	}
	if _, err := githubConfig(e); err != nil {
		return nil, err
	}
	return &AppBackend{env: e, rosterRepo: repo, rosterPath: path}, nil
}

// ParseRosterLocation reads STEWARD_ROSTER, owner/repo:path.
func ParseRosterLocation(s string) (repo, path string, err error) {
	repo, path, ok := strings.Cut(s, ":")
	if !ok || strings.Count(repo, "/") != 1 || path == "" {
		return "", "", fmt.Errorf("STEWARD_ROSTER: %q is not owner/repo:path (e.g. open-infra/support:roster.yaml)", s)
	}
	return repo, path, nil
}

// Clients reads the roster with installation's client (0: the roster
// repository's installation) and returns the clients its integrations ask
// for.
func (b *AppBackend) Clients(ctx context.Context, installation int64) (*Clients, error) {
	c, err := b.github(installation)
	if err != nil {
		return nil, err
	}
	owner, name, _ := strings.Cut(b.rosterRepo, "/")
	f, found, err := c.File(ctx, owner, name, b.rosterPath, "")
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%s has no %s on its default branch", b.rosterRepo, b.rosterPath)
	}
	r, probs := roster.Parse(b.rosterPath, []byte(f.Content))
	if r == nil {
		return nil, fmt.Errorf("%s:%s is not valid:\n%w", b.rosterRepo, b.rosterPath, probs.Errors())
	}
	cl := connect(b.env, r, func() (*gh.Client, error) { return c, nil }, b.freshdesk)
	return &cl, nil
}

func (b *AppBackend) github(installation int64) (*gh.Client, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.clients[installation]; ok {
		return c, nil
	}
	cfg, err := githubConfig(b.env)
	if err != nil {
		return nil, err
	}
	cfg.InstallationID, cfg.Repo = installation, b.rosterRepo
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

func (b *AppBackend) freshdesk(domain string) (*freshdesk.Client, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.fd[domain]; ok {
		return c, nil
	}
	c, err := newFreshdesk(b.env, domain)
	if err != nil {
		return nil, err
	}
	if b.fd == nil {
		b.fd = map[string]*freshdesk.Client{}
	}
	b.fd[domain] = c
	return c, nil
}
