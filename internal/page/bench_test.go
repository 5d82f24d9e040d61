package page

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// bigTeam is 200 engineers (some away, some joining late, some out of the
// rotation), a dozen holidays and events, and the first half year
// confirmed; the page covers a year of it.
func bigTeam(tb testing.TB) (r *roster.Roster, today, from, until civil.Date) {
	tb.Helper()
	start := civil.MustParse("2026-01-05")
	var y strings.Builder
	y.WriteString("version: 1\nteam: A very large engineering team\ntimezone: America/Los_Angeles\nholidays: [")
	for i := range 12 {
		if i > 0 {
			y.WriteString(", ")
		}
		y.WriteString(start.AddDays(i*29 + 3).String())
	}
	y.WriteString("]\nsupport: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}\nengineers:\n")
	for i := range 200 {
		fmt.Fprintf(&y, "  - name: Engineer %03d with a longer name\n    github: eng-%03d\n", (i*37)%200, i)
		if i%10 == 3 {
			fmt.Fprintf(&y, "    joined: %s\n", start.AddDays(i))
		}
		if i%25 == 7 {
			y.WriteString("    support_rotation: false\n")
		}
		if i%4 == 0 {
			away := start.AddDays(i * 2)
			fmt.Fprintf(&y, "    away:\n      - {from: %s, to: %s}\n", away, away.AddDays(9))
		}
	}
	y.WriteString("events:\n")
	for i := range 12 {
		ev := start.AddDays(i*30 + 10)
		fmt.Fprintf(&y, "  - {name: Workshop number %d, hub: hub-%d, from: %s, to: %s}\n", i, i, ev, ev.AddDays(3))
	}
	r, probs := roster.Parse("big.yaml", []byte(y.String()))
	if r == nil {
		tb.Fatal(probs)
	}
	for _, s := range rotation.Compute(r, start, start.AddDays(182)).Shifts {
		r.Shifts = append(r.Shifts, roster.Shift{GitHub: s.GitHub, Start: s.Start, End: s.End})
	}
	return r, start.AddDays(190), start, start.AddDays(365)
}

// bigModel is bigTeam's page with a cover in every other shift, by the
// steward who serves two shifts later (off duty then).
func bigModel(r *roster.Roster, today, from, until civil.Date) Model {
	m := FromRotation(r, today, from, until, Links{Team: "https://steward.example.org/calendar.ics", PersonBase: "https://steward.example.org/calendar/"})
	for i := 0; i+2 < len(m.Shifts); i += 2 {
		s, by := m.Shifts[i], m.Shifts[i+2]
		m.Covers = append(m.Covers, Cover{Who: by.Person, For: s.Person, From: s.Start.AddDays(3), To: s.Start.AddDays(6)})
	}
	return m
}

func TestBigTeamPageStaysSmall(t *testing.T) {
	m := bigModel(bigTeam(t))
	if len(m.Shifts) < 26 || len(m.Covers) < 13 {
		t.Fatalf("the big team has %d shifts and %d covers: not the year it should be", len(m.Shifts), len(m.Covers))
	}
	n := len(render(t, m))
	t.Logf("200 engineers over a year: %d shifts, %d covers, %d bytes", len(m.Shifts), len(m.Covers), n)
	if n > 300<<10 {
		t.Errorf("the page is %d bytes, over 300 KB", n)
	}
}

// BenchmarkPage200EngineersYear times the page for 200 engineers over a
// year: from the roster (the schedule, who is on duty, the layout and the
// HTML), and the rendering alone.
func BenchmarkPage200EngineersYear(b *testing.B) {
	r, today, from, until := bigTeam(b)
	var buf bytes.Buffer
	b.Run("from-roster", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := Render(&buf, bigModel(r, today, from, until)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(buf.Len()), "bytes/page")
	})
	m := bigModel(r, today, from, until)
	b.Run("render", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := Render(&buf, m); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(buf.Len()), "bytes/page")
	})
}
