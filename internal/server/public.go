package server

import (
	"context"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/wire"
)

// How long the unauthenticated pages (GET / and the calendars) reuse one
// read of the roster: anyone may request them,
// and each read is a request to GitHub as the App, so a flood of anonymous
// GETs must not become a flood of GitHub requests. A failed read is
// remembered briefly too, so that with GitHub unreachable the pages answer
// 503 at once instead of each waiting out its own timeout.
const (
	publicFresh  = time.Minute
	publicFailed = 10 * time.Second
)

// publicRoster is the one cached read of the roster behind the public pages.
type publicRoster struct {
	mu  sync.Mutex
	at  time.Time
	c   *wire.Clients
	err error
	now func() time.Time
	// timeout bounds one read (default 10 s), whatever the caller's own
	// deadline: the read's outcome is shared, so one impatient client must
	// not decide it.
	timeout time.Duration
}

// clients returns the roster's clients for a public page, reading the
// roster again only when the last read is older than publicFresh (or
// failed more than publicFailed ago). Concurrent callers share one read.
func (p *publicRoster) clients(ctx context.Context, b Backend) (*wire.Clients, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	age := now().Sub(p.at)
	switch {
	case p.c != nil && p.err == nil && age < publicFresh:
		return p.c, nil
	case p.err != nil && age < publicFailed:
		return nil, p.err
	}
	timeout := p.timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	c, err := b.Clients(rctx, 0)
	p.at, p.c, p.err = now(), c, err
	return c, err
}
