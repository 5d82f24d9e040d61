package rosterpr

import (
	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// pastProblems flags a roster change that rewrites who was, or is, on duty
// (rotation.RewritesPast), as warnings on the head roster: at the shifts
// list for shifts, at overrides for covers.
func pastProblems(file string, base, head *roster.Roster, today civil.Date) roster.Problems {
	d := rotation.RewritesPast(base, head, today)
	if d.Empty() {
		return nil
	}
	var out roster.Problems
	at := func(path, msg string) {
		line, col := head.Line(path)
		out = append(out, roster.Problem{File: file, Line: line, Col: col, Path: path, Severity: roster.Warning,
			Message: "rewrites the past: " + msg})
	}
	for _, w := range rotation.PastWarnings(rotation.Diff{Removed: d.Removed, Added: d.Added}) {
		at("shifts", w)
	}
	for _, w := range rotation.PastWarnings(rotation.Diff{CoversAdded: d.CoversAdded, CoversRemoved: d.CoversRemoved}) {
		at("overrides", w)
	}
	return out
}
