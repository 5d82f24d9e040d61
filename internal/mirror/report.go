package mirror

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Outcome is what became of one action.
type Outcome struct {
	Ticket int64  `json:"ticket"`
	Issue  int    `json:"issue,omitempty"`
	Kind   Kind   `json:"kind"`
	Reason string `json:"reason"`
	Error  string `json:"error,omitempty"`
	// NodeID is a created issue's GraphQL id (CreateIssue), for the board.
	NodeID string `json:"-"`
}

// Report is what a sync run planned and did.
type Report struct {
	Planned []Work `json:"planned"`
	// Board is what the board pass found to change (BoardChanges), and
	// the items it added.
	Board    []ItemChange `json:"board,omitempty"`
	Outcomes []Outcome    `json:"outcomes,omitempty"`
	DryRun   bool         `json:"dry_run"`
}

// Created counts the issues created.
func (r Report) Created() int { return r.count(CreateIssue) }

// Failed counts the steps that failed.
func (r Report) Failed() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Error != "" {
			n++
		}
	}
	return n
}

func (r Report) count(k Kind) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Kind == k && o.Error == "" {
			n++
		}
	}
	return n
}

// WithBlock puts steward's block into body in place of the old one, or
// after the person's text when there is none.
func WithBlock(body, block string) string { return withBlock(body, block) }

// Done reports whether a ticket status is resolved or closed.
func Done(status int) bool { return done(status) }

// HasLink reports whether a note's HTML is the link note for issue.
func HasLink(html string, issue int) bool { return strings.Contains(html, linkMarker(issue)) }

// HasAnyLink reports whether a note's HTML is a link note for any issue
// (of any repository: the marker does not name one).
func HasAnyLink(html string) bool { return strings.Contains(html, linkMarkerPrefix) }

// HasResolved reports whether a note's HTML is the resolved note for the
// issue's closing at closedAt.
func HasResolved(html string, issue int, closedAt time.Time) bool {
	return strings.Contains(html, resolvedMarker(issue, closedAt))
}

// KnownHubs names companies by what issues recorded for them, so a hub's
// name is read from the helpdesk once.
func KnownHubs(issues []Issue) map[int64]string {
	known := map[int64]string{}
	for _, is := range issues {
		if st, ok := parseState(is.Body); ok && st.Company != 0 && st.Hub != "" {
			known[st.Company] = st.Hub
		}
	}
	return known
}

// Mirrored reports whether an issue mirrors ticket of domain.
func Mirrored(issues []Issue, domain string, ticket int64) bool {
	return hasIssue(issues, domain, ticket)
}

func hasIssue(issues []Issue, domain string, ticket int64) bool {
	for _, is := range issues {
		if st, ok := parseState(is.Body); ok && st.Ticket == ticket && st.Domain == domain {
			return true
		}
	}
	return false
}

// Tracker is the issue other than number that mirrors ticket, 0 for none.
func Tracker(issues []Issue, domain string, ticket int64, number int) int {
	for _, other := range issues {
		if st, ok := parseState(other.Body); ok && st.Ticket == ticket && st.Domain == domain && other.Number != number {
			return other.Number
		}
	}
	return 0
}

// TicketRef finds a reference to a ticket of this account in a body that
// a person wrote: its agent URL, or "FreshDesk #42".
func TicketRef(body, host string) (int64, bool) {
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(host) + `/a/tickets/(\d+)|freshdesk(?: ticket)? #(\d+)`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return 0, false
	}
	s := m[1]
	if s == "" {
		s = m[2]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// adoptedState is what an adopted issue records first: the ticket as it
// is, and open when the issue is (the ticket's resolution is news to an
// open issue: the sync closes it).
func (c Config) adoptedState(now time.Time, open bool, t Ticket) State {
	st := c.target(Input{Now: now, Hubs: map[int64]string{}}, State{}, &t)
	st.Status = t.Status
	if done(t.Status) && open {
		st.Status = 2
	}
	return st
}

// AlreadyTracked is the comment on an issue that names a ticket another
// issue already mirrors.
func AlreadyTracked(ticket int64, other int) string {
	return fmt.Sprintf("FreshDesk ticket #%d is already tracked in #%d.", ticket, other)
}
