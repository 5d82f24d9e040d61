// Package comms owns what steward tells people, and when: the texts of its
// Slack messages (a ticket's thread, handoffs, events) and the days the
// dated ones are due, and the messages to requesters filled from the
// roster's templates (acknowledgement, resolution). It is pure: it takes
// steward's own types and returns text, and does no I/O.
package comms

import (
	"fmt"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/privacy"
	"github.com/support-steward/steward/internal/untrusted"
)

// Person is someone a message names.
type Person struct {
	Name string
	// Slack is the person's Slack user id (U...), from the roster; when
	// set, the message mentions them.
	Slack string
}

// Link is a labelled URL.
type Link struct {
	URL, Label string
}

// Ticket is a support ticket as the team channel may see it: no requester,
// no description.
type Ticket struct {
	ID       int64
	URL      string // the agent's page of the ticket
	Subject  string // scrubbed before it is shown
	Priority string // Low, Medium, High, Urgent
	Hub      string // the requester's company
}

// escape makes text safe in Slack's mrkdwn (internal/untrusted owns how).
func escape(s string) string { return untrusted.Of(s).Mrkdwn() }

// link renders a labelled link, or the label alone without a URL.
func link(l Link) string {
	if l.URL == "" {
		return escape(l.Label)
	}
	label := strings.NewReplacer("|", "¦").Replace(escape(l.Label))
	if label == "" {
		return "<" + l.URL + ">"
	}
	return "<" + l.URL + "|" + label + ">"
}

func (p Person) String() string {
	if p.Slack != "" {
		return "<@" + p.Slack + ">"
	}
	return escape(p.Name)
}

// list joins people (or anything rendered) as English does: "A", "A and B",
// "A, B and C".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func people(ps []Person) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return list(s)
}

// verb picks the verb's form for one subject or several.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// when renders a moment in the team's time zone.
func when(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
}

func day(d civil.Date) string { return d.UTC().Format("Mon 2 Jan") }

func (t Ticket) title() string {
	label := fmt.Sprintf("Ticket #%d", t.ID)
	return link(Link{URL: t.URL, Label: label})
}

// ThreadParent is the message that opens a ticket's thread: the ticket, its
// subject scrubbed of personal data, its priority and hub, and the stewards
// on duty.
func ThreadParent(t Ticket, stewards []Person) string {
	var b strings.Builder
	fmt.Fprintf(&b, ":ticket: *%s*: %s\n", t.title(), escape(privacy.Scrub(strings.TrimSpace(t.Subject))))
	var facts []string
	if t.Priority != "" {
		facts = append(facts, "Priority: *"+escape(t.Priority)+"*")
	}
	if t.Hub != "" {
		facts = append(facts, "Hub: *"+escape(t.Hub)+"*")
	}
	if len(facts) > 0 {
		b.WriteString(strings.Join(facts, " · ") + "\n")
	}
	if len(stewards) == 0 {
		b.WriteString("Stewards on duty: nobody (a gap in the rotation)")
	} else {
		b.WriteString("Stewards on duty: " + people(stewards))
	}
	return b.String()
}

// IssueOpened tells the thread a support issue was opened for the ticket,
// and who was asked to take it.
func IssueOpened(issue Link, asked []Person) string {
	s := ":hammer_and_wrench: Support issue opened: " + link(issue) + "."
	if len(asked) > 0 {
		s += " Asked " + people(asked) + " to take it."
	} else {
		s += " Nobody has been asked to take it yet."
	}
	return s
}

// Asked tells the thread an engineer was asked to take the ticket's issue,
// and why them.
func Asked(p Person, why string) string {
	s := ":raising_hand: Asked " + p.String() + " to take the support issue"
	if why = strings.TrimSpace(why); why != "" {
		s += " (" + escape(why) + ")"
	}
	return s + "."
}

// FirstResponseMissed tells the thread the first response target passed
// without a reply to the requester.
func FirstResponseMissed(due time.Time, loc *time.Location, stewards []Person) string {
	s := ":warning: The first response target was missed: a reply to the requester was due " + when(due, loc) + "."
	if len(stewards) > 0 {
		s += " " + people(stewards) + ", please reply."
	}
	return s
}

// UpdateDue tells the thread the requester is owed an update.
func UpdateDue(lastUpdate, due time.Time, loc *time.Location, stewards []Person) string {
	s := ":hourglass_flowing_sand: An update to the requester is due " + when(due, loc)
	if !lastUpdate.IsZero() {
		s += " (the last was " + when(lastUpdate, loc) + ")"
	}
	s += "."
	if len(stewards) > 0 {
		s += " " + people(stewards) + ", please send one."
	}
	return s
}

// Reopened tells the thread the ticket was reopened.
func Reopened(at time.Time, loc *time.Location) string {
	return ":arrows_counterclockwise: The ticket was reopened " + when(at, loc) + "."
}

// Resolved tells the thread the ticket was resolved, with the summary of
// what was done and its links.
func Resolved(summary string, links []Link) string {
	s := ":white_check_mark: Resolved."
	if summary = strings.TrimSpace(summary); summary != "" {
		s += " " + escape(privacy.Scrub(summary))
	}
	if len(links) > 0 {
		ls := make([]string, len(links))
		for i, l := range links {
			ls[i] = link(l)
		}
		s += "\n" + strings.Join(ls, " · ")
	}
	return s
}

// Handoff is a handoff day's change of stewards.
type Handoff struct {
	Date                      civil.Date
	Joining, Staying, Leaving []Person
	// PullRequest is the rotation pull request that confirmed the shifts.
	PullRequest Link
}

// HandoffMessage says who joins, who stays and who leaves, with the
// rotation pull request.
func HandoffMessage(h Handoff) string {
	var parts []string
	if n := len(h.Joining); n > 0 {
		parts = append(parts, people(h.Joining)+" "+verb(n, "joins", "join"))
	} else {
		parts = append(parts, "nobody joins (a seat is unfilled)")
	}
	if n := len(h.Staying); n > 0 {
		parts = append(parts, people(h.Staying)+" "+verb(n, "stays", "stay"))
	}
	if n := len(h.Leaving); n > 0 {
		parts = append(parts, people(h.Leaving)+" "+verb(n, "leaves", "leave"))
	}
	s := fmt.Sprintf(":arrows_clockwise: *Support steward handoff, %s*: %s.", day(h.Date), strings.Join(parts, "; "))
	if len(h.Leaving) > 0 {
		s += " Thank you, " + people(h.Leaving) + "!"
	}
	if h.PullRequest.URL != "" {
		s += "\nRotation pull request: " + link(h.PullRequest)
	}
	return s
}

// Event is a moment with many users on one hub, [From, To).
type Event struct {
	Name, Hub string
	From, To  civil.Date
}

// EventNoticeKind says which of an event's two notices is due.
type EventNoticeKind int

const (
	// EventTomorrow is the notice on the working day before the event.
	EventTomorrow EventNoticeKind = iota
	// EventToday is the notice on the event's first (working) day.
	EventToday
)

// EventNotice is one event message due on a day.
type EventNotice struct {
	Kind  EventNoticeKind
	Event Event
}

// EventMessage tells the stewards of an event: its name, hub and dates, and
// the hub's open tickets.
func EventMessage(n EventNotice, open []Ticket, stewards []Person) string {
	e := n.Event
	last := e.To.AddDays(-1)
	span := "on " + day(e.From)
	if last.After(e.From) {
		span = "from " + day(e.From) + " to " + day(last)
	}
	var head string
	if n.Kind == EventTomorrow {
		head = fmt.Sprintf(":calendar: *%s* on %s is next, %s: its tickets come first.", escape(e.Name), escape(e.Hub), span)
	} else if last.After(e.From) {
		head = fmt.Sprintf(":rotating_light: *%s* on %s starts today and runs to %s: its tickets come first.", escape(e.Name), escape(e.Hub), day(last))
	} else {
		head = fmt.Sprintf(":rotating_light: *%s* on %s is today: its tickets come first.", escape(e.Name), escape(e.Hub))
	}
	var b strings.Builder
	b.WriteString(head)
	if len(stewards) > 0 {
		b.WriteString(" " + people(stewards) + ", you are on duty.")
	}
	if len(open) == 0 {
		fmt.Fprintf(&b, "\nOpen tickets for %s: none.", escape(e.Hub))
		return b.String()
	}
	fmt.Fprintf(&b, "\nOpen tickets for %s (%d):", escape(e.Hub), len(open))
	for _, t := range open {
		fmt.Fprintf(&b, "\n• %s: %s", t.title(), escape(privacy.Scrub(strings.TrimSpace(t.Subject))))
		if t.Priority != "" {
			b.WriteString(" (" + escape(t.Priority) + ")")
		}
	}
	return b.String()
}
