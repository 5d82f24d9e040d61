package rosterpr

import (
	"os"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
)

// The roster check on pull requests reports the schedule's warnings, as
// validate does: a cover that does nothing, a handoff on a holiday. Found
// by a fresh-eye review: only validate ran them.
func TestTheRosterCheckSaysWhatValidateSays(t *testing.T) {
	sample, err := os.ReadFile("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	head := string(sample) + "overrides:\n  - {github: grace, for: bliskov, from: 2026-12-14, to: 2026-12-16}\n"
	res, probs := Check("roster.yaml", []byte(head), sample, civil.MustParse("2026-12-07"))
	var cover, holiday bool
	for _, p := range probs {
		cover = cover || strings.HasPrefix(p.Path, "overrides[0]")
		holiday = holiday || strings.HasPrefix(p.Path, "holidays[")
	}
	if !cover || !holiday || res.Warnings < 3 || !strings.Contains(res.Title, "warning") {
		t.Errorf("the check left out the schedule's warnings: %+v\n%v", res, probs)
	}
}
