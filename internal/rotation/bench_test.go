package rotation

import (
	"fmt"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// bigRoster is 200 engineers, some away, some joining late, some out of the
// rotation, with a year of confirmed history.
func bigRoster(b *testing.B) *roster.Roster {
	var y strings.Builder
	y.WriteString("version: 1\nteam: big\ntimezone: UTC\nsupport: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}\nengineers:\n")
	start := civil.MustParse("2026-01-05")
	for i := range 200 {
		fmt.Fprintf(&y, "  - name: Engineer %03d\n    github: eng%03d\n", (i*37)%200, i)
		if i%10 == 3 {
			fmt.Fprintf(&y, "    joined: %s\n", start.AddDays(i*11))
		}
		if i%25 == 7 {
			y.WriteString("    support_rotation: false\n")
		}
		if i%4 == 0 {
			y.WriteString("    away:\n")
			for k := range 10 {
				from := start.AddDays(i*3 + k*200)
				fmt.Fprintf(&y, "      - {from: %s, to: %s}\n", from, from.AddDays(6+i%9))
			}
		}
	}
	r, probs := roster.Parse("big.yaml", []byte(y.String()))
	if r == nil {
		b.Fatal(probs)
	}
	return confirm(b, r, start.AddDays(365))
}

func BenchmarkSchedule200Engineers10Years(b *testing.B) {
	r := bigRoster(b)
	from := r.Support.Start
	until := from.AddDays(3653)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s := Compute(r, from, until)
		if len(s.Shifts) < 260 {
			b.Fatalf("only %d shifts", len(s.Shifts))
		}
	}
}
