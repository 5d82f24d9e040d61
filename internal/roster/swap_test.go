package roster

import (
	"slices"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
)

func TestSwapShiftsRewritesOnlyTheTwoHandles(t *testing.T) {
	in := commented(t)
	out, err := SwapShifts(in, 9, 10) // grace 11-09 and kjohnson 11-23
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "swap.golden.yaml", out)
	want := strings.Replace(strings.Replace(string(in),
		"{github: grace, start: 2026-11-09", "{github: kjohnson, start: 2026-11-09", 1),
		"{github: kjohnson, start: 2026-11-23", "{github: grace, start: 2026-11-23", 1)
	if string(out) != want {
		t.Errorf("more than the two handles changed:\n%s", out)
	}
	r, probs := Parse("roster.yaml", out)
	if r == nil {
		t.Fatal(probs)
	}
}

func TestSwapShiftsKeepsQuotingCommentsAndBlockForm(t *testing.T) {
	in := []byte("shifts:\n  - github: \"ada\"   # quoted\n    start: 2026-01-05\n    end: 2026-02-02\n  - {github: 'bob', start: 2026-01-19, end: 2026-02-16} # flow\n  - {github: cy, start: 2026-02-02, end: 2026-03-02}\n")
	out, err := SwapShifts(in, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := "shifts:\n  - github: cy   # quoted\n    start: 2026-01-05\n    end: 2026-02-02\n  - {github: 'bob', start: 2026-01-19, end: 2026-02-16} # flow\n  - {github: ada, start: 2026-02-02, end: 2026-03-02}\n"
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if _, err := SwapShifts(in, 1, 1); err == nil {
		t.Error("a shift swapped with itself")
	}
	if _, err := SwapShifts(in, 0, 3); err == nil || !strings.Contains(err.Error(), "no shifts[0] and shifts[3]") {
		t.Errorf("out of range: %v", err)
	}
}

func TestSetOverridesAppendsAndKeepsEverythingElse(t *testing.T) {
	in := commented(t)
	o := Override{GitHub: "grace", For: "kjohnson", From: civil.MustParse("2026-12-01"), To: civil.MustParse("2026-12-04"), Note: "conference"}
	out, err := SetOverrides(in, []Override{o})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), string(in)) {
		t.Fatalf("the roster before the new list changed:\n%s", out)
	}
	if got := string(out[len(in):]); got != "overrides:\n  - {github: grace, for: kjohnson, from: 2026-12-01, to: 2026-12-04, note: \"conference\"}\n" {
		t.Errorf("appended:\n%s", got)
	}
	o2 := Override{GitHub: "ewd", For: "kjohnson", From: civil.MustParse("2026-12-07"), To: civil.MustParse("2026-12-08")}
	out2, err := SetOverrides(out, []Override{o, o2})
	if err != nil {
		t.Fatal(err)
	}
	added := insertedOnly(t, out, out2)
	if added != "  - {github: ewd, for: kjohnson, from: 2026-12-07, to: 2026-12-08}\n" {
		t.Errorf("second cover inserted as %q", added)
	}
	r, probs := Parse("roster.yaml", out2)
	if r == nil || !slices.Equal(r.Overrides, []Override{o, o2}) {
		t.Fatalf("read back %v: %v", r, probs)
	}
}
