package server

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/wire"
)

// countingRoster counts the roster reads the public pages cause.
type countingRoster struct {
	fixedRoster
	reads atomic.Int64
	fail  atomic.Bool
}

func (b *countingRoster) Clients(ctx context.Context, i int64) (*wire.Clients, error) {
	b.reads.Add(1)
	if b.fail.Load() {
		return nil, errors.New("GitHub unreachable")
	}
	return b.fixedRoster.Clients(ctx, i)
}

// Anyone may GET the page and the calendars; a flood of them must not become
// a flood of GitHub requests as the App. Found by a fresh-eye review: every
// GET read the roster from GitHub.
func TestPublicPagesShareOneRosterRead(t *testing.T) {
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	b := &countingRoster{fixedRoster: fixedRoster{mustRoster(), now}}
	s, _ := newServer(t, b, nil)
	clock := now
	s.public.now = func() time.Time { return clock }
	get := func(path string) int {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code
	}
	for i := range 100 {
		path := []string{"/", "/calendar.ics", "/calendar/grace.ics"}[i%3]
		if code := get(path); code != 200 {
			t.Fatalf("GET %s: %d", path, code)
		}
	}
	if n := b.reads.Load(); n != 1 {
		t.Errorf("100 anonymous GETs read the roster %d times, want 1", n)
	}
	clock = clock.Add(publicFresh)
	get("/")
	if n := b.reads.Load(); n != 2 {
		t.Errorf("after a minute: %d reads, want 2", n)
	}
	// GitHub unreachable: one failed read, then 503s at once until it is
	// worth trying again.
	b.fail.Store(true)
	clock = clock.Add(publicFresh)
	for range 20 {
		if code := get("/calendar.ics"); code != 503 {
			t.Fatalf("with the roster unreadable: %d", code)
		}
	}
	if n := b.reads.Load(); n != 3 {
		t.Errorf("20 GETs with GitHub unreachable read %d times, want 1 more (3)", n)
	}
}

// stalledRoster never answers: GitHub unreachable behind a black hole.
type stalledRoster struct{ reads atomic.Int64 }

func (b *stalledRoster) Clients(ctx context.Context, _ int64) (*wire.Clients, error) {
	b.reads.Add(1)
	<-ctx.Done()
	return nil, ctx.Err()
}

// With GitHub stalled, one read times out and every page asking meanwhile
// or after shares its answer: 503 without each waiting its own timeout.
// Found by a fresh-eye review: each GET took 10 s, the failure never cached.
func TestAStalledRosterReadIsSharedAndRemembered(t *testing.T) {
	b := &stalledRoster{}
	s, _ := newServer(t, b, nil)
	s.public.timeout = 50 * time.Millisecond
	done := make(chan int, 6)
	for range 6 {
		go func() {
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/calendar.ics", nil))
			done <- rec.Code
		}()
	}
	for range 6 {
		if code := <-done; code != 503 {
			t.Fatalf("status %d, want 503", code)
		}
	}
	if n := b.reads.Load(); n != 1 {
		t.Errorf("6 GETs with GitHub stalled made %d reads, want 1", n)
	}
}
