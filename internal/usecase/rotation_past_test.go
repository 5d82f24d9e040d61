package usecase_test

import (
	"context"
	"strings"
	"testing"
)

// Issue #17: once a shift has started, a roster edit that changes it is
// flagged by check-roster as rewriting the past; a change to the future
// is not.
func TestCheckRosterFlagsRewritingThePast(t *testing.T) {
	w := newRotWorld(t, "2026-11-26")
	ctx := context.Background()
	// grace has served since 11-09: giving her shift to ewd rewrites it.
	past := strings.Replace(string(w.roster), "{github: grace, start: 2026-11-09", "{github: ewd, start: 2026-11-09", 1)
	openRosterPR(t, w, "rewrite-past", past)
	res, err := w.rot.CheckRoster(ctx, "main", "rewrite-past", 0)
	if err != nil {
		t.Fatal(err)
	}
	// The messages quote the roster, which may be a fork's: they reach the
	// comment escaped, and read as written.
	read := strings.NewReplacer(`\`, "", "\u200b", "").Replace(res.Summary)
	if res.Errors != 0 || !strings.Contains(read, "rewrites the past: Grace Hopper (@grace)'s shift from 2026-11-09 (until 2026-12-07) has started") {
		t.Errorf("result %+v\n%s", res, res.Summary)
	}
	// A cover next month changes only the future.
	future := string(w.roster) + "overrides:\n  - {github: ewd, for: kjohnson, from: 2026-12-01, to: 2026-12-04}\n"
	openRosterPR(t, w, "cover-future", future)
	res, err = w.rot.CheckRoster(ctx, "main", "cover-future", 0)
	if err != nil {
		t.Fatal(err)
	}
	if read := strings.NewReplacer(`\`, "", "\u200b", "").Replace(res.Summary); strings.Contains(read, "rewrites the past") || !strings.Contains(read, "New cover: edsger dijkstra (@ewd) stands in for Katherine Johnson") {
		t.Errorf("a future cover:\n%s", res.Summary)
	}
}
