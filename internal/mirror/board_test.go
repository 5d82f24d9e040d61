package mirror

import (
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
)

// A closed support issue's item is Done, and archived once the issue has
// been closed for ArchiveAfter, as GitHub's auto-archive does: a project
// holds at most 50,000 items (1,200 on older ones), archived ones apart.
// An archived item leaves the board's order: nothing moves for it, and no
// move is placed after it.
func TestClosedItemsAreArchivedOnceDoneForArchiveAfter(t *testing.T) {
	now := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)
	rules := BoardRules{Open: "Todo", Done: "Done", Today: civil.Of(now), Now: now, ArchiveAfter: 14 * 24 * time.Hour}
	closed := func(n int, ago time.Duration) Issue {
		return Issue{Number: n, State: "closed", ClosedAt: now.Add(-ago), Created: now.Add(-60 * 24 * time.Hour)}
	}
	open := Issue{Number: 4, State: "open", Labels: []string{"priority: high"}, Created: now.Add(-90 * 24 * time.Hour)}
	issues := []Issue{closed(1, 20*24*time.Hour), closed(2, 13*24*time.Hour), closed(3, 14*24*time.Hour), open}
	sprint := civil.Of(now).AddDays(7)
	items := []ObservedItem{
		{ID: "i1", Issue: 1, Status: "Done"}, // at the top: out of place, but it leaves
		{ID: "i4", Issue: 4, Status: "Todo", Priority: "High", SprintEnd: sprint},
		{ID: "i3", Issue: 3, Status: "In progress"},
		{ID: "i2", Issue: 2, Status: "Done"},
	}
	got := map[string]ItemChange{}
	for _, c := range BoardChanges(rules, items, issues) {
		got[c.Item] = c
		if c.After == "i1" || c.After == "i3" {
			t.Errorf("a move after an item being archived: %+v", c)
		}
	}
	if c := got["i1"]; !c.Archive || c.Move || c.Status != "" || c.Issue != 1 {
		t.Errorf("closed 20 days, Done: %+v", c)
	}
	if c, ok := got["i2"]; ok {
		t.Errorf("closed 13 days: %+v, want nothing", c)
	}
	if c := got["i3"]; !c.Archive || c.Status != "Done" || c.Move {
		t.Errorf("closed 14 days, In progress: %+v, want Done and archived", c)
	}
	if c, ok := got["i4"]; ok && c.Archive {
		t.Errorf("an open issue archived: %+v", c)
	}
	// Once the archived ones leave, i4 is above i2: the order holds.
	if len(got) != 2 {
		t.Errorf("changes %+v, want i1 and i3 only", got)
	}

	for name, r := range map[string]BoardRules{
		"archive_after off":        {Open: "Todo", Done: "Done", Today: civil.Of(now), Now: now},
		"closed items left alone":  {Open: "Todo", Today: civil.Of(now), Now: now, ArchiveAfter: time.Hour},
		"not yet, by a whole year": {Open: "Todo", Done: "Done", Today: civil.Of(now), Now: now, ArchiveAfter: 365 * 24 * time.Hour},
	} {
		for _, c := range BoardChanges(r, items, issues) {
			if c.Archive {
				t.Errorf("%s: %+v", name, c)
			}
		}
	}
}
