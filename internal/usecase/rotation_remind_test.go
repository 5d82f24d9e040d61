package usecase_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
)

func weekdays(d civil.Date) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }

// Issue #17: an unmerged rotation pull request is reminded the working day
// before its handoff and on the day, once each day.
func TestAnUnmergedRotationPullRequestIsReminded(t *testing.T) {
	w := newRotWorld(t, "2026-11-30")
	ctx := context.Background()
	if _, err := w.rot.Rotate(ctx, false); err != nil { // proposes the 2026-12-07 handoff
		t.Fatal(err)
	}
	comments := func() []string { return w.pulls()[0].Comments }
	for _, day := range []string{"2026-11-30", "2026-12-03"} {
		w.rot.Today = civil.MustParse(day)
		if res, err := w.rot.RemindUnmerged(ctx, weekdays); err != nil || len(res) != 0 {
			t.Fatalf("%s: %+v %v", day, res, err)
		}
	}
	if len(comments()) != 0 {
		t.Fatalf("reminded too early: %q", comments())
	}
	for _, day := range []string{"2026-12-04", "2026-12-04", "2026-12-07"} { // Friday twice, then Monday
		w.rot.Today = civil.MustParse(day)
		if _, err := w.rot.RemindUnmerged(ctx, weekdays); err != nil {
			t.Fatal(err)
		}
	}
	c := comments()
	if len(c) != 2 || !strings.Contains(c[0], "@ada-l @grace: this handoff is on 2026-12-07 and this pull request is not merged") ||
		!strings.Contains(c[1], "this handoff is today") || !strings.Contains(c[1], "follow roster.yaml on the base branch") {
		t.Errorf("comments %q", c)
	}
}
