package roster

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The reproduction from issue #12: 2635249153387078802w × 7 wraps around to
// -2 days and 1317624576693539401w × 7 to the largest int64, so tenure ==
// team_size × handoff_every held and validate said "valid".
func TestOverflowingDurationsAreErrorsAtTheirPosition(t *testing.T) {
	data := strings.Replace(minimal, "tenure: 4w, handoff_every: 2w",
		"tenure: 2635249153387078802w, handoff_every: 1317624576693539401w", 1)
	r, probs := Parse("r.yaml", []byte(data))
	if r != nil {
		t.Fatal("the roster was accepted")
	}
	want := strings.Join([]string{
		`r.yaml:4:33: support.tenure: "2635249153387078802w" is out of range: write 1d to 364d (52w)`,
		`r.yaml:4:70: support.handoff_every: "1317624576693539401w" is out of range: write 1d to 364d (52w)`,
	}, "\n")
	if got := probs.Error(); got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
}

func TestRosterNumbersAndDatesAreBounded(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"tenure over 52 weeks", "tenure: 4w, handoff_every: 2w", "tenure: 106w, handoff_every: 53w",
			`r.yaml:4:33: support.tenure: "106w" is out of range: write 1d to 364d (52w)`},
		{"tenure in days over 364", "tenure: 4w, handoff_every: 2w", "tenure: 730d, handoff_every: 365d",
			`r.yaml:4:33: support.tenure: "730d" is out of range: write 1d to 364d (52w)`},
		{"a zero duration", "tenure: 4w, handoff_every: 2w", "tenure: 0d, handoff_every: 0d",
			`r.yaml:4:33: support.tenure: "0d" is out of range: write 1d to 364d (52w)`},
		{"digits beyond int64", "tenure: 4w", "tenure: 99999999999999999999999w",
			`r.yaml:4:33: support.tenure: "99999999999999999999999w" is out of range: write 1d to 364d (52w)`},
		{"team_size over 10", "team_size: 2, tenure: 4w, handoff_every: 2w", "team_size: 11, tenure: 11w, handoff_every: 1w",
			`r.yaml:4:11: support.team_size: must be 1 to 10 stewards on duty at once, found 11`},
		{"team_size far beyond int", "team_size: 2", "team_size: 9223372036854775807",
			`r.yaml:4:11: support.team_size: must be 1 to 10 stewards on duty at once, found 9223372036854775807`},
		{"a start before 1900", "start: 2026-01-05", "start: 0001-01-01",
			`r.yaml:4:63: support.start: 0001-01-01 is out of range: write a date from 1900-01-01 to 2199-12-31`},
		{"an away day after 2199", "{name: Bob, github: bob}", "{name: Bob, github: bob, away: [{from: 2026-01-01, to: 9999-12-31}]}",
			`r.yaml:7:60: engineers[1].away[0].to: 9999-12-31 is out of range: write a date from 1900-01-01 to 2199-12-31`},
		{"max_away_days over a year", "start: 2026-01-05}", "start: 2026-01-05, max_away_days: 9223372036854775807}",
			`r.yaml:4:75: support.max_away_days: must be 0 to 364 days, found 9223372036854775807`},
		{"a response target of years", "start: 2026-01-05}\n", "start: 2026-01-05}\nsla: {first_response: 100000}\n",
			`r.yaml:5:7: sla.first_response: must be 1 to 60 working days, found 100000`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(minimal, tt.from, tt.to, 1)
			if data == minimal {
				t.Fatalf("%q is not in the roster", tt.from)
			}
			r, probs := Parse("r.yaml", []byte(data))
			if r != nil {
				t.Fatal("the roster was accepted")
			}
			if got := probs.Errors()[0].String(); got != tt.want {
				t.Errorf("first error:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// A "billion laughs" roster: yaml.v3 keeps aliases as references, so the
// cost is in walking them. One mapping of 5,000 keys named by 9,000 aliases
// in ~80 kB would be 45 million keys to check (minutes); it must be refused
// at once.
func TestAliasExpansionIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(minimal)
	b.WriteString("x: &m {")
	for k := range 5000 {
		fmt.Fprintf(&b, "k%d: 0, ", k)
	}
	b.WriteString("github: ada}\nshifts: [")
	for range 9000 {
		b.WriteString("*m, ")
	}
	b.WriteString("*m]\n")
	start := time.Now()
	r, probs := Parse("r.yaml", []byte(b.String()))
	if r != nil {
		t.Fatal("accepted")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	if len(probs) > MaxProblems+1 {
		t.Errorf("%d problems, more than %d", len(probs), MaxProblems)
	}
	if !strings.Contains(probs.Error(), "counting each use of a YAML alias") {
		t.Errorf("problems do not name the alias expansion:\n%.2000s", probs.Error())
	}
}

func TestRosterSizeIsBounded(t *testing.T) {
	big := append([]byte(minimal), bytes.Repeat([]byte("# padding\n"), MaxFileBytes/10+1)...)
	r, probs := Parse("r.yaml", big)
	if r != nil || len(probs) != 1 || !strings.Contains(probs[0].String(), "r.yaml:1:1: the file is larger than 1048576 bytes") {
		t.Fatalf("got %v", probs)
	}
	var b strings.Builder
	b.WriteString(minimal + "holidays:\n")
	for i := range MaxItems["holidays"] + 1 {
		fmt.Fprintf(&b, "  - %s\n", FirstDate.AddDays(i))
	}
	r, probs = Parse("r.yaml", []byte(b.String()))
	if r != nil || probs.Errors()[0].String() != "r.yaml:9:3: holidays: 5001 items is more than the 5000 a roster may list" {
		t.Fatalf("got %v", probs.Errors())
	}
}

// Problems are capped at MaxProblems; the line saying how many more is an
// error only when an error is among them, so warnings never reject a roster.
func TestProblemsAreCappedWithoutTurningWarningsIntoErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(minimal + "shifts:\n")
	for i := range MaxProblems + 5 {
		fmt.Fprintf(&b, "  - {github: nobody%d, start: %s, end: %s}\n", i, FirstDate.AddDays(14*i), FirstDate.AddDays(14*i+14))
	}
	r, probs := Parse("r.yaml", []byte(b.String()))
	if r == nil || len(probs) != MaxProblems+1 || len(probs.Errors()) != 0 {
		t.Fatalf("accepted %v, %d problems, errors %v", r != nil, len(probs), probs.Errors())
	}
	if last := probs[MaxProblems].Message; last != "and 5 more problems: fix these first" {
		t.Errorf("last problem %q", last)
	}
}
