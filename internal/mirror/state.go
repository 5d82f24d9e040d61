// Package mirror decides the FreshDesk-to-GitHub mirror: which tickets
// become support issues, what those issues say, how status, priority and
// subject stay in step both ways, and where each issue goes on the board.
// It is pure, over its own Ticket and Issue types: internal/usecase
// (Mirror) observes both sides through the ports, plans with Plan, and
// applies the plan; every run converges on the same state, and a failed
// step is left for the next run.
package mirror

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// State is what steward last synced for one ticket. It lives in a hidden
// marker in the issue body, so GitHub is the record and steward keeps no
// database: the next run compares both sides with it to tell who changed
// what since.
type State struct {
	Domain   string    `json:"domain"`
	Ticket   int64     `json:"ticket"`
	Subject  string    `json:"subject"`
	Status   int       `json:"status"`
	Priority int       `json:"priority"`
	Company  int64     `json:"company,omitempty"`
	Hub      string    `json:"hub,omitempty"`
	Created  time.Time `json:"created"`
	// Event is true while the ticket's hub has an event in roster.yaml.
	Event bool `json:"event,omitempty"`
	// HubDown is true when the ticket is tagged hub-down.
	HubDown bool `json:"hub_down,omitempty"`
	// Linked records the step done once: the private note on the ticket
	// that links the issue. (The board is never recorded: it is read and
	// reconciled on every pass.)
	Linked bool `json:"linked,omitempty"`
	// ResolveError is why FreshDesk refused to resolve the ticket; steward
	// does not try again until the ticket changes.
	ResolveError string `json:"resolve_error,omitempty"`
	// ResolveTried is the ticket's updated_at when resolving failed.
	ResolveTried time.Time `json:"resolve_tried,omitzero"`
	// Requester and Description are kept only when configured.
	Requester   string `json:"requester,omitempty"`
	Description string `json:"description,omitempty"`
}

const markerPrefix = "<!-- steward:freshdesk "

var markerRE = regexp.MustCompile(`<!-- steward:freshdesk (\{.*?\}) -->`)

// marker renders the state as a hidden HTML comment. encoding/json escapes
// < and >, so no value can close the comment early.
func (s State) marker() string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return markerPrefix + strings.ReplaceAll(string(b), "--", `-\u002d`) + " -->"
}

// parseState finds steward's marker in an issue body: the last one, in the
// block steward appends after a person's text, so nothing above it counts.
// (What a requester wrote reaches the body escaped and can form none.)
func parseState(body string) (State, bool) {
	all := markerRE.FindAllStringSubmatch(body, -1)
	if all == nil {
		return State{}, false
	}
	m := all[len(all)-1]
	var s State
	if err := json.Unmarshal([]byte(m[1]), &s); err != nil || s.Ticket == 0 {
		return State{}, false
	}
	return s, true
}

func done(status int) bool { return status == 4 || status == 5 }

// StatusName names FreshDesk's statuses; accounts may define more.
func StatusName(s int) string {
	switch s {
	case 2:
		return "Open"
	case 3:
		return "Pending"
	case 4:
		return "Resolved"
	case 5:
		return "Closed"
	}
	return fmt.Sprintf("Status %d", s)
}

// mirrorKey is the ticket an issue's marker names: its account (case
// folded) and its id.
type mirrorKey struct {
	domain string
	ticket int64
}

// mirrorsByTicket groups the issues whose marker names a ticket, each group
// oldest (lowest number) first: the first is the ticket's issue, the rest
// its duplicates, which Plan closes and the board leaves out. states holds
// each grouped issue's marker. The one place that rule is decided.
func mirrorsByTicket(issues []Issue) (groups map[mirrorKey][]Issue, states map[int]State) {
	groups, states = map[mirrorKey][]Issue{}, map[int]State{}
	for _, is := range issues {
		if st, ok := parseState(is.Body); ok {
			k := mirrorKey{strings.ToLower(st.Domain), st.Ticket}
			groups[k] = append(groups[k], is)
			states[is.Number] = st
		}
	}
	for _, g := range groups {
		slices.SortFunc(g, func(a, b Issue) int { return cmp.Compare(a.Number, b.Number) })
	}
	return groups, states
}

// MirrorsOf returns the issues that mirror ticket of the account domain,
// oldest first (the first is the ticket's issue).
func MirrorsOf(issues []Issue, domain string, ticket int64) []Issue {
	groups, _ := mirrorsByTicket(issues)
	return groups[mirrorKey{strings.ToLower(domain), ticket}]
}

// TicketOf returns the ticket a support issue mirrors, from its marker.
func TicketOf(body string) (int64, State, bool) {
	s, ok := parseState(body)
	return s.Ticket, s, ok
}

// Top reports whether the ticket goes first: an event on its hub, Urgent,
// or hub-down. Its board item gets the highest Priority option.
func (s State) Top() bool { return s.Event || s.HubDown || s.Priority >= 4 }
