// Package calendar owns the iCalendar (RFC 5545) rendering of a steward
// schedule: one all-day event per shift, one per gap and one per cover
// (categorised "Cover", the covered shift's event left as it is).
package calendar

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/support-steward/steward/internal/rotation"
)

// Options describe the calendar as a whole.
type Options struct {
	// Name is the calendar's display name.
	Name string
	// Domain makes UIDs globally unique, e.g. the roster's repository.
	Domain string
	// Stamp is the DTSTAMP of every event: when this rendering was made.
	Stamp time.Time
	// Refresh asks subscribing clients to poll this often (0: client default).
	Refresh time.Duration
}

// Write renders s as an iCalendar feed: CRLF lines folded at 75 octets.
func Write(w io.Writer, s rotation.Schedule, o Options) error {
	cal := ics.NewCalendarFor("steward")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetName(o.Name)
	if o.Refresh > 0 {
		d := fmt.Sprintf("PT%dM", int(o.Refresh.Minutes()))
		cal.SetRefreshInterval(d)
		cal.SetXPublishedTTL(d)
	}
	domain := o.Domain
	if domain == "" {
		domain = "steward"
	}
	for _, sh := range s.Shifts {
		ev := cal.AddEvent(fmt.Sprintf("%s-%s@%s", sh.Start.Compact(), strings.ToLower(sh.GitHub), domain))
		ev.SetDtStampTime(o.Stamp)
		ev.SetAllDayStartAt(sh.Start.UTC())
		ev.SetAllDayEndAt(sh.End.UTC())
		ev.SetSummary("Support Steward: " + sh.Name)
		status, word := ics.ObjectStatusTentative, "projected from the rotation rules"
		if sh.Confirmed {
			status, word = ics.ObjectStatusConfirmed, "confirmed in roster.yaml"
		}
		ev.SetStatus(status)
		ev.SetDescription(fmt.Sprintf("%s (@%s) is Support Steward from %s until %s; %s.", sh.Name, sh.GitHub, sh.Start, sh.End, word))
		ev.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
		ev.AddCategory("Support Steward")
	}
	for _, g := range s.Gaps {
		ev := cal.AddEvent(fmt.Sprintf("%s-unfilled-%d@%s", g.Start.Compact(), g.Seat, domain))
		ev.SetDtStampTime(o.Stamp)
		ev.SetAllDayStartAt(g.Start.UTC())
		ev.SetAllDayEndAt(g.End.UTC())
		ev.SetSummary("Support Steward: unfilled")
		ev.SetStatus(ics.ObjectStatusTentative)
		ev.SetDescription(fmt.Sprintf("Nobody on the roster is available for this steward seat from %s until %s.", g.Start, g.End))
		ev.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
		ev.AddCategory("Support Steward")
	}
	for _, c := range s.Covers {
		ev := cal.AddEvent(fmt.Sprintf("%s-cover-%s-for-%s@%s", c.Start.Compact(), strings.ToLower(c.GitHub), strings.ToLower(c.For), domain))
		ev.SetDtStampTime(o.Stamp)
		ev.SetAllDayStartAt(c.Start.UTC())
		ev.SetAllDayEndAt(c.End.UTC())
		ev.SetSummary(fmt.Sprintf("Support Steward cover: %s for %s", c.Name, c.ForName))
		ev.SetStatus(ics.ObjectStatusConfirmed)
		desc := fmt.Sprintf("%s (@%s) is Support Steward in place of %s (@%s) from %s until %s; the rotation's shifts and handoffs do not move.",
			c.Name, c.GitHub, c.ForName, c.For, c.Start, c.End)
		// The note stays in roster.yaml: a feed is often public, and notes
		// say why someone is away.
		ev.SetDescription(desc)
		ev.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
		ev.AddCategory("Support Steward")
		ev.AddCategory("Cover")
	}
	return cal.SerializeTo(w, ics.WithNewLine("\r\n"))
}
