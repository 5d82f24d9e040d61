package rotation

import (
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

func sampleRoster(t *testing.T) *roster.Roster {
	t.Helper()
	r, _, err := roster.Load("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestProposeTheNextHandoff(t *testing.T) {
	r := sampleRoster(t)
	if _, err := Propose(r, civil.MustParse("2026-11-26"), 7); err == nil || !strings.Contains(err.Error(), "2026-12-07, more than 7 days away") {
		t.Errorf("eleven days ahead with a 7-day lead: %v", err)
	}
	p, err := Propose(r, civil.MustParse("2026-11-30"), 7)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title() != "Support Stewards: Ada Lovelace joins, Grace Hopper leaves on 2026-12-07" {
		t.Errorf("title %q", p.Title())
	}
	if len(p.NewShifts) != 1 || p.NewShifts[0] != (roster.Shift{GitHub: "ada-l", Start: civil.MustParse("2026-12-07"), End: civil.MustParse("2027-01-04")}) {
		t.Errorf("new shifts %+v", p.NewShifts)
	}
	if p.After == nil || p.After.Date != civil.MustParse("2026-12-21") || p.After.Joining[0].GitHub != "dknuth" {
		t.Errorf("the handoff after: %+v", p.After)
	}
	// Once confirmed, there is nothing to propose.
	r.Shifts = append(r.Shifts, p.NewShifts...)
	if _, err := Propose(r, civil.MustParse("2026-11-30"), 7); err == nil || !strings.Contains(err.Error(), "already confirmed") {
		t.Errorf("after confirming: %v", err)
	}
}

func TestCompareSchedules(t *testing.T) {
	base := sampleRoster(t)
	head := sampleRoster(t)
	// Ada goes away for all of December: her shift moves to someone else.
	i := 0
	head.Engineers[i].Away = append(head.Engineers[i].Away, roster.AwayPeriod{From: civil.MustParse("2026-12-01"), To: civil.MustParse("2026-12-31")})
	from, until := civil.MustParse("2026-11-26"), civil.MustParse("2027-03-01")
	d := Compare(Compute(base, from, until), Compute(head, from, until), from, until)
	if d.Empty() || d.Removed[0].GitHub != "ada-l" {
		t.Fatalf("diff %+v", d)
	}
	var b strings.Builder
	d.WriteMarkdown(&b)
	for _, want := range []string{"| 2026-12-07 | Ada Lovelace (\\@\u200bada\\-l) until 2027-01-04 | Donald Knuth (\\@\u200bdknuth) until 2027-01-04 |", "| 2027-01-04 | Barbara Liskov (\\@\u200bbliskov) until 2027-02-01 | Ada Lovelace (\\@\u200bada\\-l) until 2027-02-01 |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, b.String())
		}
	}
	if same := Compare(Compute(base, from, until), Compute(base, from, until), from, until); !same.Empty() {
		t.Errorf("a roster against itself: %+v", same)
	}
}

func TestProposeSaysWhenNobodyCanJoin(t *testing.T) {
	r, probs := roster.Parse("t.yaml", []byte("version: 1\nteam: t\ntimezone: UTC\nsupport: {team_size: 2, tenure: 2w, handoff_every: 1w, start: 2026-01-05, max_away_days: 0}\nengineers:\n  - {name: A, github: a, away: [{from: 2026-01-12, to: 2026-01-21}]}\n  - {name: B, github: b}\n"))
	if r == nil {
		t.Fatal(probs)
	}
	// At 2026-01-12 A leaves seat 0 and nobody can take it: a gap.
	if _, err := Propose(r, civil.MustParse("2026-01-08"), 7); err == nil || !strings.Contains(err.Error(), "nobody joins at the handoff on 2026-01-12") {
		t.Errorf("%v", err)
	}
}
