package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/page"
	"github.com/support-steward/steward/internal/roster"
)

// pageRange is the team-roles page's default range: twelve weeks from the
// Monday of today's week, or of --from's week when it is given.
func pageRange(today, from civil.Date) (civil.Date, civil.Date) {
	if !from.IsZero() {
		return page.DefaultRange(from)
	}
	return page.DefaultRange(today)
}

// writePage writes `schedule --format html`: the team-roles page, with the
// support health section when a run saved a report in STEWARD_CACHE_DIR.
// A report that cannot be read is said on stderr and the page is made
// without it: the schedule does not depend on it.
func writePage(e env, r *roster.Roster, today, from, until civil.Date, engineer, calendarURL string) error {
	if engineer != "" {
		return usagef("--engineer does not apply to --format html: the page shows the whole team (each engineer's calendar is linked with --calendar-url)")
	}
	links, err := calendarLinks(calendarURL)
	if err != nil {
		return err
	}
	m := page.FromRotation(r, today, from, until, links)
	if m.Health, err = savedHealth(e.getenv("STEWARD_CACHE_DIR")); err != nil {
		fmt.Fprintf(e.stderr, "steward schedule: %v; the page is made without its Support health section\n", err)
	}
	return page.Render(e.stdout, m)
}

// savedHealth is the support health section of the report a run saved in
// dir: "" when dir is "" or holds none.
func savedHealth(dir string) (string, error) {
	section, err := health.PageSection(dir)
	return string(section), err
}

// calendarLinks turns --calendar-url, where steward serve answers, into the
// page's subscribe links: BASE/calendar.ics and BASE/calendar/HANDLE.ics.
func calendarLinks(base string) (page.Links, error) {
	if base == "" {
		return page.Links{}, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return page.Links{}, usagef("--calendar-url %q: give the absolute http(s) address where 'steward serve' answers, e.g. https://steward.example.org/", base)
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return page.Links{Team: base + "calendar.ics", PersonBase: base + "calendar/"}, nil
}
