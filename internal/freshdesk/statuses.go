package freshdesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Status is one of the account's ticket statuses: FreshDesk's own (2 Open,
// 3 Pending, 4 Resolved, 5 Closed) or one the account defined (6 and up).
type Status struct {
	ID   int
	Name string
}

// Open reports whether a ticket in the status is still open: every status
// but resolved and closed, the account's own included ("Waiting on third
// party" is as open as Pending).
func (s Status) Open() bool { return s.ID != StatusResolved && s.ID != StatusClosed }

// StatusesTTL is how long the account's statuses, once read, are used
// before they are read again: a run reads them once; a server that keeps
// its client sees a new status within the TTL.
const StatusesTTL = 15 * time.Minute

// Statuses returns the account's ticket statuses, by id, from the status
// field's choices (GET /ticket_fields?type=default_status), read at most
// once per StatusesTTL.
func (c *Client) Statuses(ctx context.Context) ([]Status, error) {
	c.statusMu.Lock()
	defer c.statusMu.Unlock()
	if c.statuses != nil && c.clock.Now().Sub(c.statusRead) < StatusesTTL {
		return slices.Clone(c.statuses), nil
	}
	var fields []struct {
		Name    string                     `json:"name"`
		Type    string                     `json:"type"`
		Choices map[string]json.RawMessage `json:"choices"`
	}
	if _, err := c.do(ctx, http.MethodGet, "/ticket_fields", url.Values{"type": {"default_status"}}, nil, &fields); err != nil {
		return nil, fmt.Errorf("reading the account's ticket statuses: %w", err)
	}
	var out []Status
	for _, f := range fields {
		if f.Type != "default_status" && f.Name != "status" {
			continue
		}
		for k, raw := range f.Choices {
			id, err := strconv.Atoi(k)
			if err != nil {
				return nil, fmt.Errorf("FreshDesk's status field has a choice %q that is no status id", k)
			}
			// [agent label, customer label]; be lenient about the rest.
			var labels []string
			var name string
			if json.Unmarshal(raw, &labels) == nil && len(labels) > 0 {
				name = labels[0]
			} else {
				json.Unmarshal(raw, &name)
			}
			out = append(out, Status{ID: id, Name: name})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("FreshDesk's ticket fields have no status field with choices")
	}
	slices.SortFunc(out, func(a, b Status) int { return a.ID - b.ID })
	c.statuses, c.statusRead = out, c.clock.Now()
	return slices.Clone(out), nil
}

// OpenStatuses returns the ids of the account's open statuses (every
// status but resolved and closed), in order.
func (c *Client) OpenStatuses(ctx context.Context) ([]int, error) {
	all, err := c.Statuses(ctx)
	if err != nil {
		return nil, err
	}
	var open []int
	for _, s := range all {
		if s.Open() {
			open = append(open, s.ID)
		}
	}
	return open, nil
}

// maxQuery is the longest search query FreshDesk takes, quotes included.
const maxQuery = 512

// statusQueries writes "prefix AND (status:2 OR status:3 OR ...)" for the
// statuses, as few queries as fit FreshDesk's 512 characters (an account
// with dozens of statuses needs more than one).
func statusQueries(prefix string, statuses []int) []string {
	var out []string
	for len(statuses) > 0 {
		q := prefix + " AND (status:" + strconv.Itoa(statuses[0])
		n := 1
		for ; n < len(statuses); n++ {
			term := " OR status:" + strconv.Itoa(statuses[n])
			if len(q)+len(term)+len(")")+len(`""`) > maxQuery {
				break
			}
			q += term
		}
		out = append(out, q+")")
		statuses = statuses[n:]
	}
	return out
}
