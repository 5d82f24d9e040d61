package gh_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/sla"
)

func TestJournalKeepsEntriesByKeyOnTheOneDashboard(t *testing.T) {
	g, c, _ := start(t, sandbox.GitHubOptions{})
	ctx := context.Background()
	opened, dashboard := 0, 0
	j := gh.Journal{C: c, Owner: "acme", Repo: "support", Dashboard: func(_ context.Context, open bool) (int, error) {
		if dashboard == 0 && open {
			opened++ // as the dashboard's keeper opens it
			dashboard = g.CreateIssue("acme", "support", "steward-bot", "Support dashboard", sla.DashboardMarker+"\n", sla.DashboardLabel)
		}
		return dashboard, nil
	}}
	if got, err := j.Entries(ctx, "slack:handoff:2026-11-16:C0TICKETS1"); err != nil || len(got) != 0 {
		t.Fatalf("empty journal: %v %v", got, err)
	}
	if n := g.Ledger().Count(sandbox.Writes); n != 0 {
		t.Errorf("reading an empty journal wrote %d time(s): no dashboard is opened just to read", n)
	}
	for _, e := range [][2]string{{"a", "C1 1.1"}, {"b", "C2 2.2 --> <b>"}, {"a", "dropped C1 1.1"}} {
		if err := j.Add(ctx, e[0], e[1]); err != nil {
			t.Fatal(err)
		}
	}
	got, err := j.Entries(ctx, "a")
	if err != nil || !slices.Equal(got, []string{"C1 1.1", "dropped C1 1.1"}) {
		t.Errorf("entries of a: %q %v", got, err)
	}
	if got, _ := j.Entries(ctx, "b"); !slices.Equal(got, []string{"C2 2.2 --> <b>"}) {
		t.Errorf("entries of b: %q (an entry that looks like markup must come back as written)", got)
	}
	var dashboards int
	for _, is := range g.Issues("acme", "support") {
		if slices.Contains(is.Labels, sla.DashboardLabel) {
			dashboards++
			if !strings.HasPrefix(is.Body, sla.DashboardMarker) {
				t.Errorf("the dashboard opened for the journal is not one the remind run recognises: %q", is.Body)
			}
		}
	}
	if dashboards != 1 || opened != 1 {
		t.Errorf("%d dashboards (%d opened through Open), want 1", dashboards, opened)
	}

	// An unchanged journal costs no counted request: every read is a 304.
	g.Ledger().Reset()
	if _, err := j.Entries(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if n := g.Ledger().Count(func(r sandbox.Request) bool { return r.Status != 304 }); n != 0 {
		t.Errorf("re-reading an unchanged journal: %d request(s) not answered 304:\n%s", n, g.Ledger())
	}
}

func TestSupportIssuesAndWhoWasAssignedWhen(t *testing.T) {
	g, c, clock := start(t, sandbox.GitHubOptions{})
	ctx := context.Background()
	n := g.CreateIssue("acme", "support", "steward-bot", "Hub down", "<!-- steward:freshdesk {\"ticket\":7} -->", "support")
	g.CreateIssue("acme", "support", "steward-bot", "Not support", "body", "bug")
	clock.Advance(time.Hour)
	g.HumanUpdate("acme", "support", n, "steward-bot", func(c *sandbox.IssueChange) { c.Assignees = []string{"ada"} })
	s := gh.SupportIssues{C: c, Owner: "acme", Repo: "support"}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Number != n || !list[0].Open || !strings.HasSuffix(list[0].URL, "/acme/support/issues/1") ||
		!slices.Equal(list[0].Assignees, []string{"ada"}) || list[0].Created.IsZero() {
		t.Fatalf("support issues: %+v", list)
	}
	as, err := s.Assignments(ctx, n)
	if err != nil || len(as) != 1 || as[0].Login != "ada" || !as[0].At.Equal(t0.Add(time.Hour)) {
		t.Errorf("assignments: %+v %v", as, err)
	}
}

func TestRotationPullFindsTheHandoffsPullRequest(t *testing.T) {
	_, c, _ := start(t, sandbox.GitHubOptions{})
	ctx := context.Background()
	if _, _, found, err := gh.RotationPull(ctx, c, "acme", "support", "2026-12-07"); found || err != nil {
		t.Fatalf("no pull yet: found %v, %v", found, err)
	}
	ref, _, err := gh.RESTOf(c).Git.GetRef(ctx, "acme", "support", "heads/main")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"steward/rotation-2026-11-23", "steward/rotation-2026-12-07"} {
		if _, _, err := gh.RESTOf(c).Git.CreateRef(ctx, "acme", "support", &github.Reference{Ref: github.String("refs/heads/" + b), Object: ref.Object}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := gh.RESTOf(c).PullRequests.Create(ctx, "acme", "support", &github.NewPullRequest{Title: github.String(b), Head: github.String(b), Base: github.String("main")}); err != nil {
			t.Fatal(err)
		}
	}
	url, n, found, err := gh.RotationPull(ctx, c, "acme", "support", "2026-12-07")
	if err != nil || !found || n != 2 || !strings.HasSuffix(url, "/acme/support/pull/2") {
		t.Errorf("%q #%d %v %v", url, n, found, err)
	}
}
