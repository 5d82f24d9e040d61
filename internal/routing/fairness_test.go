package routing

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/rotation"
)

func TestFairnessCountsShiftsAsksAndDeclines(t *testing.T) {
	r := team(t, "  - {name: Mia, github: mia, support_rotation: false, routing: false}\n")
	since, today := civil.MustParse("2026-01-01"), civil.MustParse("2026-02-10")
	sched := rotation.Compute(r, since, today.AddDays(1))
	at := time.Date(2026, 2, 9, 15, 4, 0, 0, time.UTC)
	h := History{
		LastAsked: map[string]time.Time{"cy": at, "dee": at.Add(-time.Hour)},
		Open:      map[string]int{"cy": 1},
		Asks:      map[string]int{"cy": 3, "dee": 1, "mia": 2},
		Declines:  map[string]int{"cy": 1},
	}
	f := Spread(r, sched, h, since, today)
	got := map[string]Share{}
	for _, s := range f.Rows {
		got[s.GitHub] = s
	}
	// ada and bob bootstrap on 2026-01-05 (sample cadence: 4w tenure,
	// 2w handoffs): ada's first shift is 2 weeks, bob's 4.
	if s := got["ada"]; s.Shifts == 0 || s.DaysOnDuty == 0 {
		t.Errorf("ada: %+v", s)
	}
	total := 0
	for _, s := range f.Rows {
		total += s.DaysOnDuty
	}
	// Two seats from 2026-01-05 to 2026-02-10 inclusive: 37 days each.
	if total != 2*37 {
		t.Errorf("days on duty add up to %d, want %d", total, 2*37)
	}
	if c := got["cy"]; c.Asked != 3 || c.Taken != 2 || c.Declined != 1 || c.Open != 1 {
		t.Errorf("cy: %+v", c)
	}
	// mia is not routable: her asks do not count in the spread (0..3 among
	// the others, who were never asked, have 0).
	if f.MinAsked != 0 || f.MaxAsked != 3 || got["mia"].Routable {
		t.Errorf("spread %d..%d, mia %+v", f.MinAsked, f.MaxAsked, got["mia"])
	}
	if f.Next == "" || f.Next == "cy" || f.Next == "dee" || f.Next == "mia" {
		t.Errorf("next: %q (%s)", f.Next, f.NextWhy)
	}
	var text, md bytes.Buffer
	if err := f.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	f.WriteMarkdown(&md)
	for _, want := range []string{"Cy (@cy)", "Mia (@mia) ¹", "Spread of asks among those routing may ask: 0 to 3.", "Next to be asked: @"} {
		if !strings.Contains(text.String(), want) || !strings.Contains(md.String(), want) {
			t.Errorf("%q missing:\n%s\n%s", want, text.String(), md.String())
		}
	}
}
