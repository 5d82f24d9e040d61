package gh

import (
	"testing"

	"github.com/support-steward/steward/internal/port"
)

// The kept list follows what changed: an issue that still has the label
// replaces its old self, a new one joins in number order, and one whose
// label was removed leaves.
func TestMergeFollowsTheChanges(t *testing.T) {
	kept := []port.Issue{{Number: 1, Title: "a", Labels: []string{"support"}}, {Number: 2, Labels: []string{"support"}}, {Number: 4, Labels: []string{"support"}}}
	changed := []port.Issue{{Number: 1, Title: "a2", Labels: []string{"Support"}}, {Number: 2, Labels: []string{"bug"}}, {Number: 3, Labels: []string{"support"}}, {Number: 9}}
	got := merge(kept, changed, "support")
	var numbers []int
	for _, is := range got {
		numbers = append(numbers, is.Number)
	}
	if len(got) != 3 || numbers[0] != 1 || got[0].Title != "a2" || numbers[1] != 3 || numbers[2] != 4 {
		t.Errorf("merged %+v", got)
	}
	if len(kept) != 3 || kept[0].Title != "a" {
		t.Error("merge changed the kept list in place")
	}
}
