package usecase_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/sandbox"
)

func TestACoverOpensOnePullRequestAskingBoth(t *testing.T) {
	w := newRotWorld(t, "2026-11-30")
	ctx := context.Background()
	plan := func(data []byte) (rosterpr.Change, error) {
		return rosterpr.PlanCover(rosterpr.CoverRequest{Today: w.rot.Today, Path: "roster.yaml", RosterBefore: data,
			Cover: roster.Override{GitHub: "EWD", For: "kjohnson", From: civil.MustParse("2026-12-01"), To: civil.MustParse("2026-12-04")}})
	}
	res, err := w.rot.ProposeChange(ctx, plan)
	if err != nil || !res.Created {
		t.Fatalf("%+v %v", res, err)
	}
	prs := w.pulls()
	if len(prs) != 1 {
		t.Fatalf("%d pull requests", len(prs))
	}
	pr := prs[0]
	if pr.Title != "Support Stewards: edsger dijkstra covers Katherine Johnson, 2026-12-01 to 2026-12-04" ||
		pr.Head != "steward/cover-ewd-for-kjohnson-2026-12-01" || strings.Join(pr.Reviewers, ",") != "ewd,kjohnson" {
		t.Errorf("pull request %q from %s, reviewers %v", pr.Title, pr.Head, pr.Reviewers)
	}
	golden(t, "cover-body.md", pr.Body)
	got, _ := w.g.File("open-infra", "support", pr.Head, "roster.yaml")
	if added := addedLines(string(w.roster), got); added != "overrides:\n  - {github: ewd, for: kjohnson, from: 2026-12-01, to: 2026-12-04}\n" {
		t.Errorf("the roster changed by:\n%s", added)
	}
	// Asked again: the open pull request already says it; nothing written.
	w.g.Ledger().Reset()
	res, err = w.rot.ProposeChange(ctx, plan)
	if err != nil || res.Created || res.PullRequest != pr.Number {
		t.Fatalf("second time: %+v %v", res, err)
	}
	if n := w.g.Ledger().Count(sandbox.Writes); n != 0 {
		t.Errorf("the second time wrote %d times", n)
	}
}

func TestASwapRewritesTwoHandlesOnTheBranch(t *testing.T) {
	w := newRotWorld(t, "2026-10-20") // before both shifts start: a swap changes only the future
	res, err := w.rot.ProposeChange(context.Background(), func(data []byte) (rosterpr.Change, error) {
		return rosterpr.PlanSwap(rosterpr.SwapRequest{A: "aturing", B: "grace", ADay: civil.MustParse("2026-10-26"), BDay: civil.MustParse("2026-11-09"),
			Today: w.rot.Today, Path: "roster.yaml", RosterBefore: data})
	})
	if err != nil || !res.Created {
		t.Fatalf("%+v %v", res, err)
	}
	pr := w.pulls()[0]
	got, _ := w.g.File("open-infra", "support", pr.Head, "roster.yaml")
	want := strings.Replace(strings.Replace(string(w.roster),
		"{github: aturing, start: 2026-10-26", "{github: grace, start: 2026-10-26", 1),
		"{github: grace, start: 2026-11-09", "{github: aturing, start: 2026-11-09", 1)
	if got != want {
		t.Errorf("the branch's roster is not the sample with two handles swapped:\n%s", got)
	}
	if strings.Join(pr.Reviewers, ",") != "aturing,grace" || !strings.Contains(pr.Body, "| 2026-11-09 | Grace Hopper (\\@\u200bgrace) until 2026-12-07 | Alan Turing (\\@\u200baturing) until 2026-12-07 |") {
		t.Errorf("reviewers %v, body:\n%s", pr.Reviewers, pr.Body)
	}
}

// A change to what has started is refused: the past stays as it was.
func TestASwapOrCoverOfThePastIsRefused(t *testing.T) {
	sample, _ := os.ReadFile("../../roster.yaml")
	today := civil.MustParse("2026-11-30")
	_, err := rosterpr.PlanSwap(rosterpr.SwapRequest{A: "aturing", B: "grace", ADay: civil.MustParse("2026-10-26"), BDay: civil.MustParse("2026-11-09"),
		Today: today, Path: "roster.yaml", RosterBefore: sample})
	if err == nil || !strings.Contains(err.Error(), "rewrites the past") {
		t.Errorf("a swap of started shifts: %v", err)
	}
	if _, err := rosterpr.PlanSwap(rosterpr.SwapRequest{A: "grace", B: "Grace", Today: today, Path: "roster.yaml", RosterBefore: sample}); err == nil ||
		!strings.Contains(err.Error(), "cannot swap with themselves") {
		t.Errorf("a swap with oneself: %v", err)
	}
	for _, tc := range []struct {
		from, to, want string
	}{
		{"2026-11-10", "2026-11-12", "rewrites the past"},
		{"2000-01-01", "2199-12-31", "longer than 50 years"},
		{"2027-12-01", "2027-12-03", "is not a steward on any day"},
	} {
		_, err := rosterpr.PlanCover(rosterpr.CoverRequest{Cover: roster.Override{GitHub: "ewd", For: "grace", From: civil.MustParse(tc.from), To: civil.MustParse(tc.to)},
			Today: today, Path: "roster.yaml", RosterBefore: sample})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("cover %s..%s: %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
}
