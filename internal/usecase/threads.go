// Package usecase holds what steward does, each as observe through ports,
// plan (pure), apply through ports. It calls no API client directly.
package usecase

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/port"
)

// Threads keeps one Slack thread per support ticket in the tickets channel,
// and tells it the ticket's life. It needs no database: the thread and
// what it was told are recorded in the ticket's private notes. A ticket with
// nothing new costs no Slack request.
type Threads struct {
	Chat  port.Chat
	Notes port.TicketNotes
	// Channel is integrations.slack.tickets_channel.
	Channel string
	// Tags, when not empty, limit threads to tickets carrying one of them
	// (threads: tagged); empty means every ticket given (threads: all).
	Tags []string
	// Location is the team's time zone, for the times in replies.
	Location *time.Location
	Log      *slog.Logger
}

// TicketLife is one ticket as the thread follows it: what it is, who is on
// duty, and what has happened to it so far. The caller (the sync) builds it
// from what it already read; Threads reads nothing else but the notes.
type TicketLife struct {
	Ticket   comms.Ticket
	Tags     []string
	Stewards []comms.Person
	// Closed tickets that never had a thread get none.
	Closed bool
	// Issue is the support issue opened for the ticket (zero: none yet).
	Issue comms.Link
	// IssueOpenedAt orders the issue among the other milestones.
	IssueOpenedAt time.Time
	// Asked are the engineers asked to take the issue, in order.
	Asked []Ask
	// FirstResponseMissed is the first response target's due moment, set
	// when it passed with no reply to the requester.
	FirstResponseMissed time.Time
	// UpdateDue is set when an update to the requester is due; LastUpdate
	// is when the last one went.
	UpdateDue, LastUpdate time.Time
	// ReopenedAt is the latest reopening (zero: never).
	ReopenedAt time.Time
	// ResolvedAt is the latest resolution (zero: not resolved), with what
	// was done.
	ResolvedAt time.Time
	Summary    string
	Links      []comms.Link
}

// Ask is one request to an engineer to take a ticket's issue.
type Ask struct {
	Who comms.Person
	Why string
	At  time.Time
}

// milestone is one thing the thread should say, once: Key names it in the
// notes so it is never said twice.
type milestone struct {
	key  string
	at   time.Time
	text string
	// also are the keys of later milestones this one tells too (the issue
	// opened names who was asked), recorded with it so they are not told
	// again; a later milestone not told here is told on its own.
	also []string
}

// key names an ask in the notes.
func (a Ask) key() string {
	who := a.Who.Slack
	if who == "" {
		who = strings.Join(strings.Fields(strings.ToLower(a.Who.Name)), "-")
	}
	return fmt.Sprintf("asked:%s:%d", who, a.At.Unix())
}

// milestones is the plan: everything the thread should have been told by
// now, in the order it happened.
func (l TicketLife) milestones(loc *time.Location) []milestone {
	var out []milestone
	if l.Issue.URL != "" {
		var asked []comms.Person
		var also []string
		if len(l.Asked) > 0 {
			asked, also = []comms.Person{l.Asked[0].Who}, []string{l.Asked[0].key()}
		}
		out = append(out, milestone{key: "issue", at: l.IssueOpenedAt, text: comms.IssueOpened(l.Issue, asked), also: also})
	}
	for _, a := range l.Asked {
		// The first ask is told with the issue when both are known then;
		// when the issue was told before anyone was asked, on its own.
		out = append(out, milestone{key: a.key(), at: a.At, text: comms.Asked(a.Who, a.Why)})
	}
	if !l.FirstResponseMissed.IsZero() {
		out = append(out, milestone{key: "first-response-missed", at: l.FirstResponseMissed, text: comms.FirstResponseMissed(l.FirstResponseMissed, loc, l.Stewards)})
	}
	if !l.UpdateDue.IsZero() {
		out = append(out, milestone{key: fmt.Sprintf("update-due:%d", l.UpdateDue.Unix()), at: l.UpdateDue, text: comms.UpdateDue(l.LastUpdate, l.UpdateDue, loc, l.Stewards)})
	}
	if !l.ReopenedAt.IsZero() {
		out = append(out, milestone{key: fmt.Sprintf("reopened:%d", l.ReopenedAt.Unix()), at: l.ReopenedAt, text: comms.Reopened(l.ReopenedAt, loc)})
	}
	if !l.ResolvedAt.IsZero() {
		out = append(out, milestone{key: fmt.Sprintf("resolved:%d", l.ResolvedAt.Unix()), at: l.ResolvedAt, text: comms.Resolved(l.Summary, l.Links)})
	}
	slices.SortStableFunc(out, func(a, b milestone) int { return a.at.Compare(b.at) })
	return out
}

// wants reports whether the ticket gets a thread at all.
func (t *Threads) wants(l TicketLife) bool {
	if len(t.Tags) == 0 {
		return true
	}
	for _, tag := range l.Tags {
		if slices.ContainsFunc(t.Tags, func(w string) bool { return strings.EqualFold(w, tag) }) {
			return true
		}
	}
	return false
}

// Result says what Sync did for one ticket.
type Result struct {
	// Thread is the ticket's thread (zero when it has none).
	Thread port.MessageRef
	// Posted is true when this run opened the thread.
	Posted bool
	// Told are the replies this run sent.
	Told int
}

// Sync brings a ticket's thread up to date: it opens the thread if the
// ticket has none, and tells it every milestone not told yet. Each call
// reads the ticket's notes once (twice when it opens the thread), so the
// caller passes the tickets that changed in its run, not every ticket.
//
// Exactly one thread per ticket, even when runs race: each run that opens
// a thread records it in a note, then reads the notes again. The thread
// recorded first (the earliest note) is the ticket's, for every run that
// will ever read the notes; a run whose thread came later deletes it and
// records that, and tells nothing this time.
func (t *Threads) Sync(ctx context.Context, l TicketLife) (Result, error) {
	var res Result
	if !t.wants(l) {
		return res, nil
	}
	id := l.Ticket.ID
	notes, err := t.Notes.Notes(ctx, id)
	if err != nil {
		return res, fmt.Errorf("ticket %d: reading its notes: %w", id, err)
	}
	rec := parseRecords(notes)
	thread, ok := rec.canonical()
	if !ok {
		if l.Closed {
			return res, nil
		}
		var won bool
		thread, won, rec, err = t.open(ctx, l)
		if err != nil {
			return res, err
		}
		res.Thread, res.Posted = thread, won
		if !won {
			return res, nil
		}
	}
	res.Thread = thread
	if err := t.dropLosers(ctx, id, rec, thread); err != nil {
		return res, err
	}
	told := map[string]bool{}
	for k := range rec.told[thread] {
		told[k] = true
	}
	var now []string
	var tellErr error
	for _, m := range l.milestones(t.Location) {
		if told[m.key] {
			continue
		}
		if _, err := t.Chat.Reply(ctx, thread, port.ChatMessage{Text: m.text}); err != nil {
			tellErr = fmt.Errorf("ticket %d: telling its thread %s: %w", id, m.key, err)
			break
		}
		res.Told++
		for _, k := range append([]string{m.key}, m.also...) {
			if !told[k] {
				told[k] = true
				now = append(now, k)
			}
		}
	}
	if len(now) > 0 {
		if err := t.Notes.AddNote(ctx, id, toldNote(thread, now)); err != nil {
			// The replies went out; without the record the next run says them
			// again. Reported, not hidden.
			return res, errors.Join(tellErr, fmt.Errorf("ticket %d: recording what its thread was told (%s): %w", id, strings.Join(now, ", "), err))
		}
	}
	return res, tellErr
}

// open posts a thread's parent, records it, and settles a race: it returns
// the ticket's thread, whether it is the one this run posted, and the notes'
// records as read after recording it.
func (t *Threads) open(ctx context.Context, l TicketLife) (port.MessageRef, bool, records, error) {
	id := l.Ticket.ID
	ours, err := t.Chat.Post(ctx, t.Channel, port.ChatMessage{Text: comms.ThreadParent(l.Ticket, l.Stewards)})
	if err != nil {
		return ours, false, records{}, fmt.Errorf("ticket %d: opening its Slack thread: %w", id, err)
	}
	link, err := t.Chat.Permalink(ctx, ours)
	if err != nil {
		// The record matters more than the link: without it the next run
		// opens a second thread.
		t.log().Warn("slack: no permalink for a new thread; recorded without it", "ticket", id, "err", err)
	}
	addErr := t.Notes.AddNote(ctx, id, threadNote(ours, link))
	notes, err := t.Notes.Notes(ctx, id)
	if err != nil {
		// Whether the thread is recorded is unknown: leave it. Deleting a
		// recorded thread would break it for good; an unrecorded one is at
		// worst a second parent.
		return ours, false, records{}, errors.Join(addErr, fmt.Errorf("ticket %d: reading its notes: %w", id, err))
	}
	rec := parseRecords(notes)
	if addErr != nil && !slices.Contains(rec.threads, ours) {
		// Unrecorded (the note was refused, not merely its answer lost), the
		// thread would be lost and doubled: take it back.
		derr := t.Chat.Delete(ctx, ours)
		return ours, false, records{}, errors.Join(fmt.Errorf("ticket %d: recording its Slack thread: %w", id, addErr), derr)
	}
	winner, _ := rec.canonical()
	if winner == ours {
		return ours, true, rec, nil
	}
	t.log().Info("slack: another run opened this ticket's thread first; removing ours", "ticket", id)
	if err := t.drop(ctx, id, ours); err != nil {
		return winner, false, rec, err
	}
	return winner, false, rec, nil
}

// dropLosers deletes threads recorded after the ticket's thread that are
// not yet recorded as dropped (a race whose loser could not clean up).
func (t *Threads) dropLosers(ctx context.Context, id int64, rec records, keep port.MessageRef) error {
	for _, ref := range rec.threads {
		if ref != keep && !rec.dropped[ref] {
			if err := t.drop(ctx, id, ref); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *Threads) drop(ctx context.Context, id int64, ref port.MessageRef) error {
	if err := t.Chat.Delete(ctx, ref); err != nil {
		return fmt.Errorf("ticket %d: removing a second Slack thread: %w", id, err)
	}
	if err := t.Notes.AddNote(ctx, id, droppedNote(ref)); err != nil {
		return fmt.Errorf("ticket %d: recording a removed Slack thread: %w", id, err)
	}
	return nil
}

func (t *Threads) log() *slog.Logger {
	if t.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return t.Log
}
