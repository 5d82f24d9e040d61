package usecase

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/port"
)

// Announcer tells the team of handoffs and events on their days: a
// handoff in the tickets channel and the general channel, an event in the
// tickets channel. Each message is sent once, however many runs a day
// makes, and recorded in a journal.
type Announcer struct {
	Chat    port.Chat
	Journal port.Journal
	// TicketsChannel and GeneralChannel are integrations.slack's; an empty
	// GeneralChannel is skipped.
	TicketsChannel, GeneralChannel string
	Workdays                       comms.Workdays
	Log                            *slog.Logger
}

// Day is what the announcements of one day are made of.
type Day struct {
	Date   civil.Date
	Shifts []comms.Shift
	Events []comms.Event
	// OnDuty are the stewards on duty on Date.
	OnDuty []comms.Person
	// OpenTickets returns a hub's open tickets.
	OpenTickets func(hub string) []comms.Ticket
	// RotationPR returns the pull request that confirmed a handoff's shifts
	// (zero if none is known).
	RotationPR func(handoff civil.Date) comms.Link
}

// Announcement is one message due, with where it goes and its journal key.
type Announcement struct {
	Key, Channel, Text string
}

// Plan returns the messages due on d.Date (pure).
func (a *Announcer) Plan(d Day) []Announcement {
	var out []Announcement
	if h, ok := comms.HandoffOn(d.Date, d.Shifts, a.Workdays); ok {
		if d.RotationPR != nil {
			h.PullRequest = d.RotationPR(h.Date)
		}
		text := comms.HandoffMessage(h)
		for _, ch := range []string{a.TicketsChannel, a.GeneralChannel} {
			if ch != "" {
				out = append(out, Announcement{Key: fmt.Sprintf("slack:handoff:%s:%s", h.Date, ch), Channel: ch, Text: text})
			}
		}
	}
	for _, n := range comms.EventNoticesOn(d.Date, d.Events, a.Workdays) {
		var open []comms.Ticket
		if d.OpenTickets != nil {
			open = d.OpenTickets(n.Event.Hub)
		}
		kind := map[comms.EventNoticeKind]string{comms.EventTomorrow: "before", comms.EventToday: "first-day"}[n.Kind]
		out = append(out, Announcement{
			Key:     fmt.Sprintf("slack:event:%s:%s:%s:%s", n.Event.Hub, n.Event.From, kind, strings.Join(strings.Fields(n.Event.Name), "-")),
			Channel: a.TicketsChannel, Text: comms.EventMessage(n, open, d.OnDuty),
		})
	}
	return out
}

// Run sends the day's messages not sent yet. When two runs race, both may
// post; each records what it posted and reads the journal again, the first
// recorded message stays and a later one is deleted.
func (a *Announcer) Run(ctx context.Context, d Day) (sent int, err error) {
	var errs []error
	for _, m := range a.Plan(d) {
		posted, err := a.once(ctx, m)
		if posted {
			sent++
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.Key, err))
		}
	}
	return sent, errors.Join(errs...)
}

func (a *Announcer) once(ctx context.Context, m Announcement) (bool, error) {
	entries, err := a.Journal.Entries(ctx, m.Key)
	if err != nil {
		return false, err
	}
	if first, ok := firstKept(entries); ok {
		return false, a.dropLater(ctx, m.Key, entries, first)
	}
	ref, err := a.Chat.Post(ctx, m.Channel, port.ChatMessage{Text: m.Text})
	if err != nil {
		return false, err
	}
	ours := ref.Channel + " " + ref.TS
	addErr := a.Journal.Add(ctx, m.Key, ours)
	entries, err = a.Journal.Entries(ctx, m.Key)
	if err != nil {
		// Recorded or not is unknown: the message stays (see Threads.open).
		return true, errors.Join(addErr, err)
	}
	if addErr != nil && !slices.Contains(entries, ours) {
		// Unrecorded, the next run would send it again: take it back.
		return false, errors.Join(addErr, a.Chat.Delete(ctx, ref))
	}
	if first, _ := firstKept(entries); first != ours {
		if err := a.Chat.Delete(ctx, ref); err != nil {
			return false, err
		}
		return false, a.Journal.Add(ctx, m.Key, "dropped "+ours)
	}
	return true, nil
}

// dropLater deletes messages recorded after the first that a racing run
// could not delete itself.
func (a *Announcer) dropLater(ctx context.Context, key string, entries []string, first string) error {
	dropped := map[string]bool{}
	for _, e := range entries {
		if rest, ok := strings.CutPrefix(e, "dropped "); ok {
			dropped[rest] = true
		}
	}
	for _, e := range entries {
		if e == first || dropped[e] || strings.HasPrefix(e, "dropped ") {
			continue
		}
		ch, ts, _ := strings.Cut(e, " ")
		if err := a.Chat.Delete(ctx, port.MessageRef{Channel: ch, TS: ts}); err != nil {
			return err
		}
		if err := a.Journal.Add(ctx, key, "dropped "+e); err != nil {
			return err
		}
		dropped[e] = true
	}
	return nil
}

// firstKept returns the first entry not marked dropped.
func firstKept(entries []string) (string, bool) {
	dropped := map[string]bool{}
	for _, e := range entries {
		if rest, ok := strings.CutPrefix(e, "dropped "); ok {
			dropped[rest] = true
		}
	}
	for _, e := range entries {
		if !strings.HasPrefix(e, "dropped ") && !dropped[e] {
			return e, true
		}
	}
	return "", false
}
