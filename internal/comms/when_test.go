package comms

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/workdays"
)

func names(ps []Person) string {
	if len(ps) == 0 {
		return "-"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Name
	}
	return strings.Join(s, ",")
}

// A quarter (and the week after) of a two-steward rotation with handoffs
// every other Monday, a handoff on a holiday and four events: every day is
// asked what is due, and only the days below have anything.
func TestHandoffAndEventNoticesOverAQuarter(t *testing.T) {
	la, _ := time.LoadLocation("America/Los_Angeles")
	d := civil.MustParse
	cal := workdays.New(la, []civil.Date{d("2026-12-25"), d("2027-01-01")})
	p := func(n string) Person { return Person{Name: n} }
	shifts := []Shift{
		{p("A"), d("2026-10-05"), d("2026-11-02")}, {p("C"), d("2026-11-02"), d("2026-11-30")},
		{p("A"), d("2026-11-30"), d("2026-12-28")}, {p("C"), d("2026-12-28"), d("2027-01-25")},
		{p("B"), d("2026-09-21"), d("2026-10-19")}, {p("D"), d("2026-10-19"), d("2026-11-16")},
		{p("B"), d("2026-11-16"), d("2026-12-14")}, {p("D"), d("2026-12-14"), d("2027-01-01")}, // ends on a holiday
		{p("E"), d("2027-01-01"), d("2027-01-11")},
	}
	events := []Event{
		{"Workshop", "hub-a", d("2026-12-01"), d("2026-12-04")},  // starts on a Tuesday
		{"Weekend", "hub-b", d("2026-11-14"), d("2026-11-16")},   // Saturday and Sunday only
		{"New year", "hub-c", d("2027-01-04"), d("2027-01-06")},  // the day before is a holiday
		{"Monday", "hub-d", d("2026-10-12"), d("2026-10-13")},    // the working day before is a Friday
		{"Christmas", "hub-e", d("2026-12-24"), d("2026-12-27")}, // starts the day before a holiday
	}
	var got []string
	for day := d("2026-10-01"); day.Before(d("2027-01-09")); day = day.AddDays(1) {
		if h, ok := HandoffOn(day, shifts, cal); ok {
			got = append(got, fmt.Sprintf("%s handoff of %s: joins %s; stays %s; leaves %s", day, h.Date, names(h.Joining), names(h.Staying), names(h.Leaving)))
		}
		for _, n := range EventNoticesOn(day, events, cal) {
			kind := map[EventNoticeKind]string{EventTomorrow: "tomorrow", EventToday: "today"}[n.Kind]
			got = append(got, fmt.Sprintf("%s event %s: %s", day, kind, n.Event.Name))
		}
	}
	want := []string{
		"2026-10-05 handoff of 2026-10-05: joins A; stays B; leaves -",
		"2026-10-09 event tomorrow: Monday",
		"2026-10-12 event today: Monday",
		"2026-10-19 handoff of 2026-10-19: joins D; stays A; leaves B",
		"2026-11-02 handoff of 2026-11-02: joins C; stays D; leaves A",
		"2026-11-13 event tomorrow: Weekend",
		"2026-11-16 handoff of 2026-11-16: joins B; stays C; leaves D",
		"2026-11-30 handoff of 2026-11-30: joins A; stays B; leaves C",
		"2026-11-30 event tomorrow: Workshop",
		"2026-12-01 event today: Workshop",
		"2026-12-14 handoff of 2026-12-14: joins D; stays A; leaves B",
		"2026-12-23 event tomorrow: Christmas",
		"2026-12-24 event today: Christmas",
		"2026-12-28 handoff of 2026-12-28: joins C; stays D; leaves A",
		"2026-12-31 event tomorrow: New year",
		"2027-01-04 handoff of 2027-01-01: joins E; stays C; leaves D",
		"2027-01-04 event today: New year",
	}
	if !slices.Equal(got, want) {
		t.Errorf("notices over the quarter:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

func TestBackToBackShiftsStay(t *testing.T) {
	d := civil.MustParse
	cal := workdays.New(time.UTC, nil)
	a := Person{Name: "A"}
	h, ok := HandoffOn(d("2026-11-02"), []Shift{{a, d("2026-10-05"), d("2026-11-02")}, {a, d("2026-11-02"), d("2026-11-30")}}, cal)
	if ok || names(h.Staying) != "A" {
		t.Errorf("a steward serving on is not a handoff: %v %+v", ok, h)
	}
}
