package page

import (
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

func TestFromRotationMarksCoversAndTheStandIn(t *testing.T) {
	r, probs := roster.Parse("roster.yaml", []byte(`version: 1
team: T
timezone: UTC
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-03-02}
engineers:
  - {name: Ana, github: ana}
  - {name: Ben, github: ben}
  - {name: Cy, github: cy}
overrides:
  - {github: cy, for: ana, from: 2026-03-04, to: 2026-03-06, note: conference}
`))
	if r == nil {
		t.Fatal(probs)
	}
	today := civil.MustParse("2026-03-05")
	from, until := DefaultRange(today)
	m := FromRotation(r, today, from, until, Links{})
	if len(m.Covers) != 1 || m.Covers[0].Who.Handle != "cy" || m.Covers[0].For.Name != "Ana" ||
		m.Covers[0].From != civil.MustParse("2026-03-04") || m.Covers[0].To != civil.MustParse("2026-03-06") {
		t.Fatalf("covers %+v", m.Covers)
	}
	var standIn *Duty
	for i, d := range m.OnDuty {
		if d.Handle == "cy" {
			standIn = &m.OnDuty[i]
		}
		if d.Handle == "ana" {
			t.Errorf("ana is covered today but shown on duty: %+v", m.OnDuty)
		}
	}
	if standIn == nil || standIn.CoveringFor == nil || standIn.CoveringFor.Name != "Ana" || standIn.Until != civil.MustParse("2026-03-07") {
		t.Errorf("on duty %+v", m.OnDuty)
	}
	// The shifts themselves do not move: ana still holds her bar.
	found := false
	for _, s := range m.Shifts {
		found = found || s.Handle == "ana"
	}
	if !found {
		t.Error("the covered shift left the timeline")
	}
}
