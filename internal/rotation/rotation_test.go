package rotation

import (
	"fmt"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

func parse(t testing.TB, yaml string) *roster.Roster {
	t.Helper()
	r, probs := roster.Parse("t.yaml", []byte(yaml))
	if r == nil {
		t.Fatal(probs)
	}
	return r
}

func render(s Schedule) string {
	var b strings.Builder
	for _, sh := range s.Shifts {
		c := ""
		if sh.Confirmed {
			c = " confirmed"
		}
		fmt.Fprintf(&b, "%s..%s %s%s\n", sh.Start, sh.End, sh.GitHub, c)
	}
	for _, g := range s.Gaps {
		fmt.Fprintf(&b, "%s..%s GAP\n", g.Start, g.End)
	}
	return b.String()
}

func TestRulesByExample(t *testing.T) {
	tests := []struct {
		name, roster string
		from, until  string
		want         string
	}{
		{"bootstrap fills seats alphabetically, seat i for (i+1) handoffs", `
support: {team_size: 2, tenure: 2w, handoff_every: 1w, start: 2026-01-05}
engineers:
  - {name: carol, github: c}
  - {name: Bob, github: zz}
  - {name: ada, github: a}
`, "2026-01-01", "2026-02-02", `2026-01-05..2026-01-12 a
2026-01-05..2026-01-19 zz
2026-01-12..2026-01-26 c
2026-01-19..2026-02-02 a
2026-01-26..2026-02-09 zz
`},
		{"nobody available: the seat keeps its window and the gap is reported", `
support: {team_size: 2, tenure: 2w, handoff_every: 1w, start: 2026-01-05, max_away_days: 0}
engineers:
  - {name: A, github: a, away: [{from: 2026-01-12, to: 2026-01-21}]}
  - {name: B, github: b}
`, "2026-01-05", "2026-02-09", `2026-01-05..2026-01-12 a
2026-01-05..2026-01-19 b
2026-01-19..2026-02-02 b
2026-01-26..2026-02-09 a
2026-02-02..2026-02-16 b
2026-01-12..2026-01-26 GAP
`},
		{"a gap is retried at the next handoff and filled for the rest of the window", `
support: {team_size: 2, tenure: 2w, handoff_every: 1w, start: 2026-01-05, max_away_days: 0}
engineers:
  - {name: A, github: a, away: [{from: 2026-01-12, to: 2026-01-14}]}
  - {name: B, github: b}
`, "2026-01-05", "2026-02-02", `2026-01-05..2026-01-12 a
2026-01-05..2026-01-19 b
2026-01-19..2026-02-02 a
2026-01-19..2026-01-26 b
2026-01-26..2026-02-09 b
2026-01-12..2026-01-19 GAP
`},
		{"continuing: confirmed shifts win, an empty seat is filled with a full tenure at the latest start; ties go to the name", `
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
  - {name: Bob, github: bob}
  - {name: Cy, github: cy}
shifts:
  - {github: CY, start: 2026-03-02, end: 2026-03-23}
`, "2026-03-01", "2026-05-01", `2026-03-02..2026-03-30 ada
2026-03-02..2026-03-23 cy confirmed
2026-03-23..2026-04-20 bob
2026-03-30..2026-04-27 ada
2026-04-20..2026-05-18 cy
2026-04-27..2026-05-25 bob
`},
		{"a new hire counts from joined, so waits for those who served before", `
support: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
  - {name: Bob, github: bob}
  - {name: Aaron, github: aaron, joined: 2026-01-13}
`, "2026-01-05", "2026-02-09", `2026-01-05..2026-01-12 ada
2026-01-12..2026-01-19 bob
2026-01-19..2026-01-26 ada
2026-01-26..2026-02-02 bob
2026-02-02..2026-02-09 aaron
`},
		{"left is the first day off the team; shifts must end by it", `
support: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada, left: 2026-01-19}
  - {name: Bob, github: bob}
`, "2026-01-05", "2026-02-02", `2026-01-05..2026-01-12 ada
2026-01-12..2026-01-19 bob
2026-01-19..2026-01-26 bob
2026-01-26..2026-02-02 bob
`},
		{"support_rotation false never serves; a handoff with nobody else repeats the leaver", `
support: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada, support_rotation: false}
  - {name: Bob, github: bob}
`, "2026-01-05", "2026-01-19", `2026-01-05..2026-01-12 bob
2026-01-12..2026-01-19 bob
`},
		{"away days up to max_away_days do not skip", `
support: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05, max_away_days: 2}
engineers:
  - {name: Ada, github: ada, away: [{from: 2026-01-05, to: 2026-01-06}]}
  - {name: Bob, github: bob, away: [{from: 2026-01-12, to: 2026-01-14}]}
`, "2026-01-05", "2026-01-26", `2026-01-05..2026-01-12 ada
2026-01-12..2026-01-19 ada
2026-01-19..2026-01-26 bob
`},
		{"the range selects overlapping shifts only", `
support: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
`, "2026-01-13", "2026-01-19", `2026-01-12..2026-01-19 ada
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parse(t, "version: 1\nteam: t\ntimezone: UTC"+tt.roster)
			got := render(Compute(r, civil.MustParse(tt.from), civil.MustParse(tt.until)))
			if got != tt.want {
				t.Errorf("got:\n%swant:\n%s", got, tt.want)
			}
		})
	}
}

func TestSameRosterSameScheduleWhateverTheRange(t *testing.T) {
	r := parse(t, "version: 1\nteam: t\ntimezone: UTC\nsupport: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\n  - {name: B, github: b}\n  - {name: C, github: c, away: [{from: 2026-03-01, to: 2026-04-10}]}\n")
	whole := Compute(r, civil.MustParse("2026-01-01"), civil.MustParse("2027-01-01"))
	part := Compute(r, civil.MustParse("2026-06-01"), civil.MustParse("2026-07-01"))
	for _, p := range part.Shifts {
		found := false
		for _, w := range whole.Shifts {
			found = found || w == p
		}
		if !found {
			t.Errorf("shift %+v of the narrow range is not in the wide one", p)
		}
	}
}

func TestWho(t *testing.T) {
	r := parse(t, "version: 1\nteam: t\ntimezone: UTC\nsupport: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}\nengineers:\n  - {name: Ada, github: ada}\n  - {name: Bob, github: bob}\n  - {name: Cy, github: cy}\n")
	st := Who(r, civil.MustParse("2026-01-20"))
	// Bootstrap: ada [01-05, 01-19), bob [01-05, 02-02), cy [01-19, 02-16).
	if render(Schedule{Shifts: st.OnDuty}) != "2026-01-05..2026-02-02 bob\n2026-01-19..2026-02-16 cy\n" {
		t.Errorf("on duty:\n%s", render(Schedule{Shifts: st.OnDuty}))
	}
	h := st.Next
	if h == nil || h.Date != civil.MustParse("2026-02-02") ||
		len(h.Joining) != 1 || h.Joining[0].GitHub != "ada" ||
		len(h.Leaving) != 1 || h.Leaving[0].GitHub != "bob" ||
		len(h.Staying) != 1 || h.Staying[0].GitHub != "cy" {
		t.Errorf("next handoff = %+v", h)
	}
}
