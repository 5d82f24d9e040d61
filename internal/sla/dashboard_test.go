package sla

import (
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/workdays"
)

// An away steward with nobody covering is marked on the dashboard, with the
// command that covers them.
func TestTheDashboardMarksAnAwayStewardAndOffersACover(t *testing.T) {
	r, probs := roster.Parse("roster.yaml", []byte(`version: 1
team: T
timezone: UTC
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-03-02}
engineers:
  - {name: Ana, github: ana, away: [{from: 2026-03-04, to: 2026-03-06, note: conference}]}
  - {name: Ben, github: ben}
  - {name: Cy, github: cy}
`))
	if r == nil {
		t.Fatal(probs)
	}
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	b := Board{Now: now, Status: rotation.Who(r, r.Today(now)), Roster: r, Calendar: workdays.New(r.Location(), nil), Policy: Policy{1, 2}}
	body, _ := b.Render()
	want := "> ⚠️ Ana (@ana) is away through 2026-03-06 (conference) and nobody covers: steward cover HANDLE --for ana --from 2026-03-04 --to 2026-03-06."
	if !strings.Contains(body, want) {
		t.Errorf("dashboard lacks %q:\n%s", want, body)
	}
}
