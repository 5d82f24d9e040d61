// Package page owns the team-roles page: one self-contained HTML document
// that shows who the Support Stewards are now, who comes next, and a timeline
// of the coming weeks with every shift, gap, cover, holiday and event.
//
// The page is a pure rendering of its own view model, Model. It decides
// nothing about the rotation: FromRotation maps the rotation package's
// output to a Model, and Render writes it. The document makes no request of
// its own (styles and script are inline, a Content-Security-Policy forbids
// the rest), so it works the same from a file, GitHub Pages or steward serve.
package page

import (
	"github.com/support-steward/steward/internal/civil"
)

// Model is everything the page shows, already decided.
type Model struct {
	// Team is the team's name, the page's title.
	Team string
	// TimeZone is the IANA name of the team's time zone: every date on the
	// page is a day there.
	TimeZone string
	// Today is the day the page speaks of as "today": who is on duty, the
	// next handoff, the marker on the timeline.
	Today civil.Date
	// From and Until bound the timeline, [From, Until).
	From, Until civil.Date

	// Shifts overlapping [From, Until), in any order.
	Shifts []Shift
	// Gaps are spans of a seat nobody can fill, overlapping [From, Until).
	Gaps []Gap
	// Covers put someone on duty in place of a steward for part of a shift.
	Covers []Cover
	// Holidays are the team-wide non-working days.
	Holidays []civil.Date
	// Events are moments with many users.
	Events []Event

	// OnDuty is who serves on Today, covers included.
	OnDuty []Duty
	// Unfilled are the gaps open on Today: seats nobody holds.
	Unfilled []Gap
	// Next is the next handoff after Today, nil when none is scheduled.
	Next *Handoff

	// Links to subscribe to calendars; empty strings mean no link.
	Links Links

	// Health is the "Support health" section as HTML, written into the
	// page as it is, after the shifts and dates; "" leaves it out and the
	// page is as it was without it. The caller vouches for it: it is
	// health.Report.HTML's section (inline SVG and tables, every value
	// escaped, no script, nothing that makes a request), which the page's
	// Content-Security-Policy allows as it stands. It is a string, not a
	// health.Report, so that the page does not depend on how the report
	// is made.
	Health string
}

// Person is an engineer as the page names one.
type Person struct {
	Handle string // GitHub handle, without @
	Name   string // display name
}

// Shift is one steward's turn, [Start, End): they hand off on End.
type Shift struct {
	Person
	Start, End civil.Date
	// Confirmed is true when roster.yaml lists the shift, false when the
	// rotation rules project it.
	Confirmed bool
}

// Gap is a span of one seat nobody can fill, [Start, End).
type Gap struct {
	Start, End civil.Date
}

// Cover puts Who on duty in place of For from From through To, both
// inclusive, as roster.yaml's overrides write them.
type Cover struct {
	Who, For Person
	From, To civil.Date
}

// Event is a moment with many users on one hub, [From, To).
type Event struct {
	Name, Hub string
	From, To  civil.Date
}

// Duty is one steward on duty on Today.
type Duty struct {
	Person
	// Until is the day this duty ends: the handoff, or the day after a
	// cover's last day.
	Until     civil.Date
	Confirmed bool
	// CoveringFor is set when Person serves as a cover for this steward.
	CoveringFor *Person
}

// Handoff is a day on which the stewards change.
type Handoff struct {
	Date                      civil.Date
	Joining, Leaving, Staying []Person
}

// Links are calendar subscriptions the page offers.
type Links struct {
	// Team is the URL of the calendar of every shift.
	Team string
	// PersonBase, when set, gives each engineer a link to
	// PersonBase + HANDLE + ".ics", the calendar of their own shifts.
	PersonBase string
}
