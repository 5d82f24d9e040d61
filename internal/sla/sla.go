// Package sla owns the response targets: when a ticket's first response
// and its next update to the requester are due, in working days, and
// whether each is on time, due soon or overdue.
package sla

import (
	"time"

	"github.com/support-steward/steward/internal/workdays"
)

// Kind is which promise a target is.
type Kind string

// The promises.
const (
	FirstResponse Kind = "first-response"
	Update        Kind = "update"
)

// State is how a target stands.
type State string

// The states, in order of urgency.
const (
	OK       State = "ok"
	DueSoon  State = "due-soon"
	Overdue  State = "overdue"
	Stopped  State = "stopped" // pending on the requester: the clock stops
	Finished State = "finished"
)

// SoonWindow is how much working time before a due moment counts as soon.
const SoonWindow = 4 * time.Hour

// Ticket is what a target is computed from (FreshDesk's fields and stats).
type Ticket struct {
	ID                   int64
	Status               int // 2 open, 3 pending, 4 resolved, 5 closed; others count as open
	Created              time.Time
	FirstRespondedAt     time.Time // zero: no response yet
	AgentRespondedAt     time.Time // the last reply to the requester
	PendingSince         time.Time
	StatusUpdatedAt      time.Time
	RequesterRespondedAt time.Time
}

// Policy is the targets, in working days.
type Policy struct {
	FirstResponse int // default 1
	UpdateEvery   int // default 2
}

// Target is one ticket's next promise.
type Target struct {
	Ticket int64     `json:"ticket"`
	Kind   Kind      `json:"kind,omitempty"`
	Due    time.Time `json:"due,omitzero"`
	State  State     `json:"state"`
	// Since is when the clock started.
	Since time.Time `json:"since,omitzero"`
}

// Evaluate returns the ticket's next promise and how it stands at now.
func Evaluate(t Ticket, p Policy, cal *workdays.Calendar, now time.Time) Target {
	tg := Target{Ticket: t.ID}
	switch t.Status {
	case 4, 5:
		tg.State = Finished
		return tg
	case 3:
		tg.State = Stopped
		return tg
	}
	if t.FirstRespondedAt.IsZero() {
		tg.Kind, tg.Since = FirstResponse, t.Created
		tg.Due = cal.AddDays(t.Created, max(p.FirstResponse, 1))
	} else {
		tg.Kind = Update
		tg.Since = t.AgentRespondedAt
		if tg.Since.IsZero() {
			tg.Since = t.FirstRespondedAt
		}
		// Pending stopped the clock: it starts again when the ticket left
		// Pending, if that came after the last reply.
		if !t.PendingSince.IsZero() && t.StatusUpdatedAt.After(t.PendingSince) && t.StatusUpdatedAt.After(tg.Since) {
			tg.Since = t.StatusUpdatedAt
		}
		tg.Due = cal.AddDays(tg.Since, max(p.UpdateEvery, 1))
	}
	switch {
	case !now.Before(tg.Due):
		tg.State = Overdue
	case cal.Between(now, tg.Due) <= SoonWindow:
		tg.State = DueSoon
	default:
		tg.State = OK
	}
	return tg
}
