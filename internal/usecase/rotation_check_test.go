package usecase_test

import (
	"context"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/usecase"
)

// openRosterPR pushes content to a new branch and opens a pull request.
func openRosterPR(t *testing.T, w *rotWorld, branch, content string) int {
	t.Helper()
	n, err := w.g.OpenPull("open-infra", "support", "ada", "main", branch, "Roster edit", "", map[string]string{"roster.yaml": content})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestARosterPullRequestGetsACheckAndOneComment(t *testing.T) {
	w := newRotWorld(t, "2026-11-26")
	ctx := context.Background()
	// Two errors and three warnings in one push (aturing's shifts lose their engineer).
	broken := strings.Replace(string(w.roster), "    github: aturing\n", "    github: ADA-L\n", 1)
	broken = strings.Replace(broken, "  max_away_days: 5 ", "  max_away_days: -5", 1)
	broken = strings.Replace(broken, "{github: grace, start: 2026-11-09", "{github: gracie, start: 2026-11-09", 1)
	n := openRosterPR(t, w, "edit-roster", broken)
	res, err := w.rot.CheckRoster(ctx, "main", "edit-roster", 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 2 || res.Warnings != 3 || res.PullRequest != n {
		t.Errorf("result %+v", res)
	}
	runs := w.g.CheckRuns("open-infra", "support")
	if len(runs) != 1 || runs[0]["conclusion"] != "failure" || runs[0]["name"] != rosterpr.CheckName {
		t.Fatalf("check runs %+v", runs)
	}
	_, probs := roster.Parse("roster.yaml", []byte(broken))
	notes := runs[0]["annotations"].([]map[string]any)
	if len(notes) != len(probs) {
		t.Fatalf("%d annotations for %d problems", len(notes), len(probs))
	}
	for i, p := range probs {
		a := notes[i]
		if a["path"] != "roster.yaml" || int(a["start_line"].(float64)) != p.Line || a["message"] != p.Message {
			t.Errorf("annotation %d = %v, want line %d %q", i, a, p.Line, p.Message)
		}
	}
	comments := func() []string {
		for _, is := range w.g.Issues("open-infra", "support") {
			if is.Number == n {
				return is.Comments
			}
		}
		return nil
	}
	if c := comments(); len(c) != 1 || !strings.Contains(c[0], "2 error(s), 3 warning(s)") || !strings.Contains(c[0], "Fix the errors to see how the schedule changes") {
		t.Fatalf("comments %q", c)
	}

	// The author fixes the errors, and makes Ada away for December.
	fixed := strings.Replace(string(w.roster), "    timezone: Europe/London\n", "    timezone: Europe/London\n    away: [{from: 2026-12-01, to: 2026-12-31}]\n", 1)
	commitOn(t, w, "edit-roster", fixed)
	if _, err := w.rot.CheckRoster(ctx, "main", "edit-roster", 0); err != nil {
		t.Fatal(err)
	}
	c := comments()
	if len(c) != 1 {
		t.Fatalf("%d comments: a later push must edit the one comment", len(c))
	}
	for _, want := range []string{"roster.yaml is valid", "| 2026-12-07 | Ada Lovelace (\\@\u200bada\\-l) until 2027-01-04 | Donald Knuth (\\@\u200bdknuth) until 2027-01-04 |"} {
		if !strings.Contains(c[0], want) {
			t.Errorf("the comment lacks %q:\n%s", want, c[0])
		}
	}
	if runs := w.g.CheckRuns("open-infra", "support"); runs[len(runs)-1]["conclusion"] != "success" {
		t.Errorf("the fixed roster's check: %v", runs[len(runs)-1]["conclusion"])
	}
	// The same push checked again writes no new comment.
	w.g.Ledger().Reset()
	w.rot.CheckRoster(ctx, "main", "edit-roster", n)
	if w.g.Ledger().Count(sandbox.Route("POST /repos/{owner}/{repo}/issues/{issue_number}/comments"))+
		w.g.Ledger().Count(sandbox.Route("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")) != 0 {
		t.Errorf("an unchanged check rewrote the comment:\n%s", w.g.Ledger())
	}
}

func TestManyProblemsAreAnnotatedFiftyAtATime(t *testing.T) {
	w := newRotWorld(t, "2026-11-26")
	var b strings.Builder
	b.WriteString(string(w.roster))
	b.WriteString("extra_a: 1\n")
	for i := range 60 {
		b.WriteString("extra_" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ": 1\n")
	}
	openRosterPR(t, w, "many", b.String())
	res, err := w.rot.CheckRoster(context.Background(), "main", "many", 0)
	if err != nil || res.Errors != 61 {
		t.Fatalf("%+v %v", res, err)
	}
	runs := w.g.CheckRuns("open-infra", "support")
	if n := len(runs[0]["annotations"].([]map[string]any)); n != 61 {
		t.Errorf("%d annotations, want 61", n)
	}
}

func TestMembershipSyncIsIdempotent(t *testing.T) {
	w := newRotWorld(t, "2026-11-30")
	w.g.AddTeam("open-infra", "support-stewards", "ewd", "grace")
	w.fd.AddGroup(sandbox.FDGroup{ID: 43000000123, Name: "Support Stewards", AgentIDs: []int64{43000106}})
	r, _ := roster.Parse("roster.yaml", w.roster)
	m := usecase.Membership{Team: gh.Teams{C: w.ghc}, Groups: freshdesk.Groups{C: w.fdc}}
	ctx := context.Background()
	res, err := m.Sync(ctx, r, civil.MustParse("2026-11-30"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.TeamAdded, ",") != "kjohnson" || strings.Join(res.TeamRemoved, ",") != "ewd" || !res.GroupChanged {
		t.Errorf("first run: %+v", res)
	}
	if got := w.g.TeamMembers("open-infra", "support-stewards"); strings.Join(got, ",") != "grace,kjohnson" {
		t.Errorf("team %v", got)
	}
	if g, _ := w.fd.Group(43000000123); len(g.AgentIDs) != 2 || g.AgentIDs[0] != 43000108 || g.AgentIDs[1] != 43000109 {
		t.Errorf("group %v", g.AgentIDs)
	}
	w.g.Ledger().Reset()
	w.fd.Ledger().Reset()
	res, err = m.Sync(ctx, r, civil.MustParse("2026-11-30"))
	if err != nil || len(res.TeamAdded)+len(res.TeamRemoved) != 0 || res.GroupChanged {
		t.Errorf("second run: %+v %v", res, err)
	}
	if w.g.Ledger().Count(sandbox.Writes)+w.fd.Ledger().Count(sandbox.Writes) != 0 {
		t.Errorf("the second run wrote")
	}
	// At the handoff, Ada replaces Grace.
	res, _ = m.Sync(ctx, r, civil.MustParse("2026-12-07"))
	if strings.Join(res.TeamAdded, ",") != "ada-l" || strings.Join(res.TeamRemoved, ",") != "grace" {
		t.Errorf("at the handoff: %+v", res)
	}
}
