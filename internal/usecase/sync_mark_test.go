package usecase_test

import (
	"context"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/cachedir"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/usecase"
)

// syncMarked runs one sync keeping its mark in dir.
func (w *world) syncMarked(dir string, dryRun bool) mirror.Report {
	w.t.Helper()
	m := w.applier()
	m.Mark = cachedir.Mark{Dir: dir, Name: "sync.json"}
	r, err := m.Sync(context.Background(), w.config, "support", 24*time.Hour, dryRun)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// Runs that fail, or do not run, for longer than a sync's window lose
// nothing: a ticket tagged meanwhile that has not changed since is
// mirrored by the next sync that works, which reads back to the last one
// that finished. Found by a fresh-eye review: the README promised every
// change since the last run, and a sync read the last 24 hours.
func TestASyncAfterAnOutageReadsBackToTheLastGoodOne(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	dir := t.TempDir()
	mark := cachedir.Mark{Dir: dir, Name: "sync.json"}
	w.syncMarked(dir, false)
	if at, ok := mark.Get(); !ok || !at.Equal(t0) {
		t.Fatalf("the mark after a good sync: %v %v", at, ok)
	}
	w.clock.Advance(time.Hour)
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}, CreatedAt: w.clock.Now()})
	w.clock.Advance(3 * 24 * time.Hour) // three days without a sync that worked

	// The window alone does not reach the ticket; a dry run reads back to
	// the mark but keeps it.
	if r, err := w.applier().Sync(context.Background(), w.config, "support", 24*time.Hour, true); err != nil || len(r.Planned) != 0 {
		t.Fatalf("a sync without a mark plans %d piece(s) (%v), want none: the ticket is older than its window", len(r.Planned), err)
	}
	if r := w.syncMarked(dir, true); len(r.Planned) != 1 || r.Planned[0].Ticket != id {
		t.Errorf("a dry run with the mark plans %+v, want the ticket's issue", r.Planned)
	}
	if at, _ := mark.Get(); !at.Equal(t0) {
		t.Errorf("a dry run moved the mark to %v", at)
	}
	start := w.clock.Now()
	if r := w.syncMarked(dir, false); r.Created() != 1 || r.Failed() != 0 {
		t.Errorf("the sync after the outage: %d created, %d failed\n%s", r.Created(), r.Failed(), failures(r))
	}
	if at, _ := mark.Get(); !at.Equal(start) {
		t.Errorf("the mark after it: %v, want the sync's start %v", at, start)
	}
}

// A sync with a failed step keeps the old mark, so the next reads back as
// far again; the mark never reaches back more than CatchUpLimit.
func TestAFailedSyncKeepsTheOldMark(t *testing.T) {
	faults := sandbox.NewFaults(1, sandbox.Fault{Route: "POST /repos/", Rate: 1, Kinds: []sandbox.FaultKind{sandbox.ServerError}})
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{Faults: faults})
	dir := t.TempDir()
	mark := cachedir.Mark{Dir: dir, Name: "sync.json"}
	long := t0.Add(-90 * 24 * time.Hour)
	mark.Set(long)
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}, CreatedAt: t0.Add(-40 * 24 * time.Hour)})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Quota", Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}, CreatedAt: t0.Add(-20 * 24 * time.Hour)})
	r := w.syncMarked(dir, false)
	if r.Failed() == 0 {
		t.Fatalf("the sync did not fail:\n%+v", r.Outcomes)
	}
	if len(r.Planned) != 1 {
		t.Errorf("planned %d piece(s), want the ticket of 20 days ago alone (a sync reaches back %v at most)", len(r.Planned), usecase.CatchUpLimit)
	}
	if at, _ := mark.Get(); !at.Equal(long) {
		t.Errorf("a failed sync moved the mark to %v", at)
	}
}

// A sync that lists the resync window's tickets anyway reaches back to a
// mark within that window, beyond CatchUpLimit (review: the limit dropped
// tickets the run had read).
func TestAMarkWithinTheResyncWindowIsReached(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	dir := t.TempDir()
	cachedir.Mark{Dir: dir, Name: "sync.json"}.Set(t0.Add(-60 * 24 * time.Hour))
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: sandbox.PriorityHigh, Tags: []string{"engineering"}, CreatedAt: t0.Add(-40 * 24 * time.Hour)})
	m := w.applier()
	m.Mark, m.Resync = cachedir.Mark{Dir: dir, Name: "sync.json"}, 90*24*time.Hour
	r, err := m.Sync(context.Background(), w.config, "support", 24*time.Hour, false)
	if err != nil || r.Created() != 1 || r.Planned[0].Ticket != id {
		t.Errorf("created %d (%v), want the ticket of 40 days ago's issue", r.Created(), err)
	}
}
