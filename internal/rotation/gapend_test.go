package rotation

import (
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// A gap open at the end of the range reports its real end, whatever range
// was asked for: schedule and who must not disagree. Found by a fresh-eye
// review: the end moved with --until.
func TestAGapsEndDoesNotDependOnTheRange(t *testing.T) {
	r, probs := roster.Parse("r.yaml", []byte(`version: 1
team: T
timezone: UTC
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-11-16}
engineers:
  - {name: Solo, github: solo}
  - {name: Gone, github: gone, away: [{from: 2026-11-20, to: 2027-03-01}]}
`))
	if r == nil {
		t.Fatal(probs)
	}
	from := civil.MustParse("2026-11-16")
	want := Gap{Start: from, End: civil.MustParse("2027-03-08")}
	for _, until := range []string{"2026-11-17", "2026-12-01", "2027-01-30", "2027-04-30"} {
		s := Compute(r, from, civil.MustParse(until))
		if len(s.Gaps) != 1 || s.Gaps[0].Start != want.Start || s.Gaps[0].End != want.End {
			t.Errorf("until %s: gaps %+v, want one %s..%s", until, s.Gaps, want.Start, want.End)
		}
	}
	st := Who(r, civil.MustParse("2026-12-01"))
	if len(st.Unfilled) != 1 || st.Unfilled[0].End != want.End {
		t.Errorf("who: unfilled %+v", st.Unfilled)
	}
	// Solo's shift ends as the next begins: Solo stays, not "joins and leaves".
	if h := st.Next; h == nil || len(h.Joining)+len(h.Leaving) != 0 || h.Sentence() != "Solo (@solo) stays" {
		t.Errorf("next handoff: %+v", h)
	}
}
