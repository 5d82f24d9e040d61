package rotation

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// eight is issue #17's scenario: eight engineers, two stewards, four-week
// shifts handing off every two weeks, over a quarter.
const eight = `version: 1
team: T
timezone: UTC
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
  - {name: Bob, github: bob}
  - {name: Cy, github: cy}
  - {name: Dee, github: dee}
  - {name: Eve, github: eve}
  - {name: Fay, github: fay}
  - {name: Gus, github: gus}
  - {name: Hal, github: hal}
`

// The held-out-style check of issue #17: a partial cover (02-08..02-20)
// inside another's shift leaves no gap, and handoffs stay every 14 days on
// the same weekday, as without it.
func TestAQuarterWithAPartialCoverKeepsTheCadence(t *testing.T) {
	from, until := civil.MustParse("2026-01-05"), civil.MustParse("2026-04-06")
	plain := Compute(parse(t, eight), from, until)
	// cy serves [01-19, 02-16) and dee [02-02, 03-02): hal covers 02-08..02-20,
	// which reaches into dee's turn too when written for cy; cover dee.
	r := parse(t, eight+"overrides:\n  - {github: hal, for: dee, from: 2026-02-08, to: 2026-02-20, note: dee at a conference}\n")
	s := Compute(r, from, until)
	if len(s.Gaps) != 0 {
		t.Fatalf("gaps: %v", s.Gaps)
	}
	if !slices.Equal(s.Shifts, plain.Shifts) {
		t.Fatalf("the cover moved shifts:\n%s\nwant:\n%s", render(s), render(plain))
	}
	var handoffs []civil.Date
	for _, sh := range s.Shifts {
		if sh.Start.After(from) && !slices.Contains(handoffs, sh.Start) {
			handoffs = append(handoffs, sh.Start)
		}
	}
	if len(handoffs) < 6 {
		t.Fatalf("only %d handoffs in a quarter: %v", len(handoffs), handoffs)
	}
	for i, h := range handoffs {
		if h.Weekday() != time.Monday || (i > 0 && h.Sub(handoffs[i-1]) != 14) {
			t.Errorf("handoff %s (a %s) after %s", h, h.Weekday(), handoffs[max(i-1, 0)])
		}
	}
	for d := from; d.Before(until); d = d.AddDays(1) {
		var want, got []string
		inCover := !d.Before(civil.MustParse("2026-02-08")) && !d.After(civil.MustParse("2026-02-20"))
		for _, sh := range plain.OnDuty(d) {
			if sh.GitHub == "dee" && inCover {
				sh.GitHub = "hal"
			}
			want = append(want, sh.GitHub)
		}
		for _, sh := range s.OnDuty(d) {
			got = append(got, sh.GitHub)
		}
		if len(got) != 2 || !slices.Equal(got, want) {
			t.Errorf("%s: on duty %v, want %v", d, got, want)
		}
	}
	if got := s.CoversIn(civil.MustParse("2026-02-20"), civil.MustParse("2026-02-21")); len(got) != 1 || got[0].End != civil.MustParse("2026-02-21") {
		t.Errorf("CoversIn on the cover's last day = %+v", got)
	}
	if got := s.CoversIn(civil.MustParse("2026-02-21"), civil.MustParse("2026-03-01")); len(got) != 0 {
		t.Errorf("CoversIn after the cover = %+v", got)
	}
}

// What the issue measured on main: the same stand-in written as a shift
// breaks the cadence, and validate now says so at its line.
func TestAPartialShiftIsAWarningThatPointsToOverrides(t *testing.T) {
	_, probs := roster.Parse("r.yaml", []byte(eight+"shifts:\n  - {github: cy, start: 2026-01-19, end: 2026-02-16}\n  - {github: hal, start: 2026-02-08, end: 2026-02-20}\n"))
	var got []string
	for _, p := range probs.Warnings() {
		got = append(got, p.String())
	}
	want := "r.yaml:16:5: warning: shifts[1]: 12 days is not a whole number of handoffs (every 2w) up to the tenure (4w): every projected handoff after it moves to another day; keep the shift whole and write who stands in for part of it under overrides (steward cover)"
	if !slices.Contains(got, want) {
		t.Errorf("warnings:\n%s\nwant among them:\n%s", strings.Join(got, "\n"), want)
	}
}

func TestWhoAppliesCoversAndMarksAwayStewards(t *testing.T) {
	// The bootstrap confirmed as written, dee's shift included: then the
	// absence no longer skips dee, it leaves the seat without its steward.
	const confirmed = "shifts:\n  - {github: ada, start: 2026-01-05, end: 2026-01-19}\n  - {github: bob, start: 2026-01-05, end: 2026-02-02}\n" +
		"  - {github: cy, start: 2026-01-19, end: 2026-02-16}\n  - {github: dee, start: 2026-02-02, end: 2026-03-02}\n"
	r := parse(t, strings.Replace(eight, "{name: Dee, github: dee}", "{name: Dee, github: dee, away: [{from: 2026-02-08, to: 2026-02-20, note: conference}]}", 1)+confirmed)
	st := Who(r, civil.MustParse("2026-02-10"))
	if len(st.Away) != 1 || st.Away[0].GitHub != "dee" || st.Away[0].To != civil.MustParse("2026-02-20") {
		t.Errorf("away = %+v", st.Away)
	}
	r = parse(t, strings.Replace(eight, "{name: Dee, github: dee}", "{name: Dee, github: dee, away: [{from: 2026-02-08, to: 2026-02-20}]}", 1)+confirmed+
		"overrides:\n  - {github: hal, for: dee, from: 2026-02-08, to: 2026-02-20}\n")
	st = Who(r, civil.MustParse("2026-02-10"))
	if len(st.Away) != 0 {
		t.Errorf("a covered steward is still marked away: %+v", st.Away)
	}
	var who []string
	for _, s := range st.OnDuty {
		who = append(who, s.GitHub+"/"+s.Covering)
	}
	if strings.Join(who, " ") != "cy/ hal/dee" {
		t.Errorf("on duty = %v", who)
	}
	if st.Next == nil || st.Next.Date != civil.MustParse("2026-02-16") {
		t.Errorf("the cover moved the next handoff: %+v", st.Next)
	}
	before := Who(r, civil.MustParse("2026-01-01"))
	if before.Starts != civil.MustParse("2026-01-05") || len(before.OnDuty) != 0 {
		t.Errorf("before the start: %+v", before)
	}
}

func TestRewritesPast(t *testing.T) {
	base := parse(t, eight)
	today := civil.MustParse("2026-02-10")
	// Removing Bob from the rotation changes his current shift: the past.
	head := parse(t, strings.Replace(eight, "{name: Bob, github: bob}", "{name: Bob, github: bob, support_rotation: false}", 1))
	d := RewritesPast(base, head, today)
	if d.Empty() || len(PastWarnings(d)) == 0 {
		t.Fatalf("no past rewritten: %+v", d)
	}
	// A new engineer who joins next month changes nothing that has started.
	head = parse(t, eight+"  - {name: Ivy, github: ivy, joined: 2026-03-01}\n")
	if d := RewritesPast(base, head, today); !d.Empty() {
		t.Errorf("a future change flagged: %v", PastWarnings(d))
	}
	// A cover that has begun, then removed.
	covered := parse(t, eight+"overrides:\n  - {github: hal, for: dee, from: 2026-02-08, to: 2026-02-20}\n")
	if w := PastWarnings(RewritesPast(covered, base, today)); len(w) != 1 || !strings.Contains(w[0], "has started: removing it rewrites") {
		t.Errorf("removing a started cover: %v", w)
	}
	if w := PastWarnings(RewritesPast(base, covered, civil.MustParse("2026-02-01"))); len(w) != 0 {
		t.Errorf("adding a future cover: %v", w)
	}
}

func TestReminderDueTheWorkingDayBeforeAndOnTheDay(t *testing.T) {
	weekdays := func(d civil.Date) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }
	handoff := civil.MustParse("2026-02-16") // a Monday
	for d, want := range map[string]bool{
		"2026-02-12": false, "2026-02-13": true, "2026-02-14": false, "2026-02-15": false, "2026-02-16": true, "2026-02-17": false,
	} {
		if got := ReminderDue(handoff, civil.MustParse(d), weekdays); got != want {
			t.Errorf("%s: %v, want %v", d, got, want)
		}
	}
}
