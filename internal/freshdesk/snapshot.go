package freshdesk

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Snapshot is one run's read of FreshDesk's ticket list, shared by every
// part of the run (the mirror, acknowledgements, the dashboard, Slack): the
// list is read once, for the widest window any part asks, and each part
// takes the tickets updated within its own window. A ticket the run writes
// to (a note, a reply, a status) is read again by id before the next part
// looks, so no part sees it as it was before an earlier part acted.
type Snapshot struct {
	// Since is the widest window: a part asking for more reads on its own.
	Since time.Time
	// Description lists with each ticket's description (the roster asks
	// for it on GitHub); requester names are always read, and handed only
	// to the parts that ask for them.
	Description bool

	mu    sync.Mutex
	read  bool
	list  []Ticket // oldest change first
	dirty map[int64]bool
}

// NewSnapshot returns a run's snapshot of the tickets updated since since.
func NewSnapshot(since time.Time, description bool) *Snapshot {
	return &Snapshot{Since: since, Description: description}
}

func (s *Snapshot) include() []string {
	inc := []string{"stats", "requester"}
	if s.Description {
		inc = append(inc, "description")
	}
	return inc
}

// covers reports whether the snapshot answers a read of the tickets
// updated since since.
func (s *Snapshot) covers(since time.Time) bool { return s != nil && !since.Before(s.Since) }

// tickets returns the list, reading it on first use and reading again the
// tickets written to since.
func (s *Snapshot) tickets(ctx context.Context, c *Client) ([]Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.read {
		list, err := c.ListTickets(ctx, ListOptions{UpdatedSince: s.Since, OrderBy: "updated_at", OrderType: "asc", Include: s.include()})
		if err != nil {
			return nil, err
		}
		s.list, s.read = list, true
	}
	for id := range s.dirty {
		// One ticket comes with its description whatever it includes
		// (and "description" is no include of GET /tickets/{id}).
		tk, err := c.Ticket(ctx, id, "stats", "requester")
		if err != nil {
			return nil, err
		}
		s.list = slices.DeleteFunc(s.list, func(x Ticket) bool { return x.ID == id })
		s.list = append(s.list, tk) // just changed: the newest change
		delete(s.dirty, id)
	}
	return s.list, nil
}

// touch marks a ticket the run wrote to.
func (s *Snapshot) touch(id int64) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.read {
		if s.dirty == nil {
			s.dirty = map[int64]bool{}
		}
		s.dirty[id] = true
	}
}
