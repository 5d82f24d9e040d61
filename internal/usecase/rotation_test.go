package usecase_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/usecase"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/sandbox"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "rotation", name)
	if *update {
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n%s", path, got)
	}
}

type rotWorld struct {
	t      *testing.T
	g      *sandbox.GitHub
	fd     *sandbox.Freshdesk
	clock  *sandbox.ManualClock
	rot    *usecase.Rotator
	ghc    *gh.Client
	fdc    *freshdesk.Client
	roster []byte
	fdURL  string
}

func newRotWorld(t *testing.T, today string) *rotWorld {
	t.Helper()
	sample, err := os.ReadFile("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := sandbox.NewManualClock(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC))
	// A GitHub Enterprise Server: links must name its web host, not github.com.
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"tok": "steward[bot]"}, Clock: clock, WebURL: "https://ghe.example.com"})
	g.AddRepo("open-infra", "support", "main", map[string]string{"roster.yaml": string(sample), "README.md": "# support\n"})
	r, _ := roster.Parse("roster.yaml", sample)
	for _, e := range r.Engineers {
		g.AddUser(e.GitHub)
	}
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "k", Clock: clock})
	ghSrv, fdSrv := httptest.NewServer(g), httptest.NewServer(fd)
	t.Cleanup(ghSrv.Close)
	t.Cleanup(fdSrv.Close)
	ghc, err := gh.New(gh.Config{APIURL: ghSrv.URL, WebURL: "https://ghe.example.com", Token: "tok", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	fdc, _ := freshdesk.New(freshdesk.Config{BaseURL: fdSrv.URL, APIKey: "k", Clock: clock})
	w := &rotWorld{t: t, g: g, fd: fd, clock: clock, roster: sample, fdURL: fdSrv.URL, ghc: ghc, fdc: fdc}
	w.rot = &usecase.Rotator{GitHub: gh.RepoOf(ghc, "open-infra/support"), Issues: gh.RepoOf(ghc, "open-infra/support"),
		Tickets: freshdesk.AgentTickets{C: fdc}, WebURL: ghc.WebURL(), Today: civil.MustParse(today), Lead: 7,
		Repo: rosterpr.Repo{Owner: "open-infra", Name: "support", Path: "roster.yaml", CalendarPath: "calendar/support-stewards.ics",
			Issues: "open-infra/support", SupportLabel: "support"}}
	return w
}

func (w *rotWorld) pulls() []sandbox.Issue {
	var out []sandbox.Issue
	for _, is := range w.g.Issues("open-infra", "support") {
		if is.IsPull {
			out = append(out, is)
		}
	}
	return out
}

func TestRotateOpensOnePullRequestAndKeepsIt(t *testing.T) {
	w := newRotWorld(t, "2026-11-30")
	w.g.CreateIssue("open-infra", "support", "someone", "Hub slow at UBC", "", "support")
	w.g.HumanUpdate("open-infra", "support", 1, "grace", func(c *sandbox.IssueChange) { c.Assignees = []string{"grace"} })
	w.fd.AddTicket(sandbox.FDTicket{Subject: "private subject", ResponderID: 43000108, Priority: sandbox.PriorityHigh})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "someone else's", ResponderID: 43000101})
	w.clock.Advance(time.Hour) // the ticket search catches up

	ctx := context.Background()
	res, err := w.rot.Rotate(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.PullRequest != 2 {
		t.Fatalf("result %+v", res)
	}
	prs := w.pulls()
	if len(prs) != 1 {
		t.Fatalf("%d pull requests", len(prs))
	}
	pr := prs[0]
	if pr.Title != "Support Stewards: Ada Lovelace joins, Grace Hopper leaves on 2026-12-07" || pr.Head != "steward/rotation-2026-12-07" || pr.Base != "main" {
		t.Errorf("pull request %q %s -> %s", pr.Title, pr.Head, pr.Base)
	}
	if strings.Join(pr.Reviewers, ",") != "ada-l,grace" {
		t.Errorf("reviewers %v", pr.Reviewers)
	}
	golden(t, "pr-body.md", strings.ReplaceAll(pr.Body, w.fdURL, "https://openinfra.freshdesk.com"))
	if strings.Contains(pr.Body, "private subject") {
		t.Error("a ticket's subject reached the pull request")
	}
	// The diff touches only the shifts list: one line added.
	got, _ := w.g.File("open-infra", "support", "steward/rotation-2026-12-07", "roster.yaml")
	golden(t, "roster-diff.txt", addedLines(string(w.roster), got))
	if ics, ok := w.g.File("open-infra", "support", "steward/rotation-2026-12-07", "calendar/support-stewards.ics"); !ok ||
		!strings.Contains(ics, "SUMMARY:Support Steward: Ada Lovelace") || !strings.Contains(ics, "STATUS:CONFIRMED") {
		t.Errorf("calendar on the branch: %v %.200s", ok, ics)
	}

	// Running again: the same pull request, nothing written.
	w.g.Ledger().Reset()
	res, err = w.rot.Rotate(ctx, false)
	if err != nil || res.Created || res.Updated || res.PullRequest != 2 {
		t.Fatalf("second run: %+v %v", res, err)
	}
	if n := w.g.Ledger().Count(sandbox.Writes); n != 0 {
		t.Errorf("the second run wrote %d times:\n%s", n, w.g.Ledger())
	}
	if len(w.pulls()) != 1 {
		t.Error("a second pull request")
	}
}

// addedLines returns the lines of after that before lacks, checking that
// nothing else changed.
func addedLines(before, after string) string {
	b, a := strings.SplitAfter(before, "\n"), strings.SplitAfter(after, "\n")
	i := 0
	for i < len(b) && i < len(a) && a[i] == b[i] {
		i++
	}
	j := 0
	for j < len(b)-i && j < len(a)-i && a[len(a)-1-j] == b[len(b)-1-j] {
		j++
	}
	if i+j != len(b) {
		return "MORE THAN AN INSERTION CHANGED\n"
	}
	return strings.Join(a[i:len(a)-j], "")
}

func TestRotateRebasesWhenTheBaseMoves(t *testing.T) {
	w := newRotWorld(t, "2026-11-30")
	ctx := context.Background()
	if _, err := w.rot.Rotate(ctx, false); err != nil {
		t.Fatal(err)
	}
	// Someone adds a holiday on main.
	changed := strings.Replace(string(w.roster), "holidays: [2026-12-24,", "holidays: [2026-12-23, 2026-12-24,", 1)
	commitOnMain(t, w, changed)
	res, err := w.rot.Rotate(ctx, false)
	if err != nil || !res.Updated {
		t.Fatalf("%+v %v", res, err)
	}
	got, _ := w.g.File("open-infra", "support", "steward/rotation-2026-12-07", "roster.yaml")
	if !strings.Contains(got, "2026-12-23") || !strings.Contains(got, "{github: ada-l, start: 2026-12-07, end: 2027-01-04}") {
		t.Errorf("the branch was not rebased:\n%s", got)
	}
	if len(w.pulls()) != 1 {
		t.Error("a second pull request")
	}
}

func commitOnMain(t *testing.T, w *rotWorld, content string) { commitOn(t, w, "main", content) }

func TestAClosedProposalIsNotReopened(t *testing.T) {
	w := newRotWorld(t, "2026-11-30")
	ctx := context.Background()
	w.rot.Rotate(ctx, false)
	w.g.HumanUpdate("open-infra", "support", 1, "grace", func(c *sandbox.IssueChange) { c.State = "closed" })
	res, err := w.rot.Rotate(ctx, false)
	if err != nil || !res.Declined || !strings.Contains(res.Message, "The handoff on 2026-12-07 stays unconfirmed: the team closed #1") {
		t.Fatalf("%+v %v", res, err)
	}
	if len(w.pulls()) != 1 || w.pulls()[0].State != "closed" {
		t.Error("the closed pull request was reopened or replaced")
	}
	// A different proposal for the same handoff (Ada is away now) gets a
	// new pull request.
	changed := strings.Replace(string(w.roster), "    timezone: Europe/London\n", "    timezone: Europe/London\n    away: [{from: 2026-12-01, to: 2026-12-31}]\n", 1)
	commitOnMain(t, w, changed)
	res, err = w.rot.Rotate(ctx, false)
	if err != nil || !res.Created || len(w.pulls()) != 2 || w.pulls()[1].Head != "steward/rotation-2026-12-07-2" {
		t.Fatalf("a changed proposal: %+v %v", res, err)
	}
}

func TestPeoplesCommitsOnTheBranchAreLeftAlone(t *testing.T) {
	w := newRotWorld(t, "2026-11-30")
	ctx := context.Background()
	w.rot.Rotate(ctx, false)
	swapped := strings.Replace(mustFile(t, w, "steward/rotation-2026-12-07"), "{github: ada-l, start: 2026-12-07", "{github: ewd, start: 2026-12-07", 1)
	commitOn(t, w, "steward/rotation-2026-12-07", swapped)
	w.g.Ledger().Reset()
	res, err := w.rot.Rotate(ctx, false)
	if err != nil || !strings.Contains(res.Message, "leaves it as they made it") || w.g.Ledger().Count(sandbox.Writes) != 0 {
		t.Errorf("%+v %v\n%s", res, err, w.g.Ledger())
	}
}

func TestNothingToProposeSaysWhy(t *testing.T) {
	w := newRotWorld(t, "2026-11-26")
	res, err := w.rot.Rotate(context.Background(), false)
	if err != nil || !strings.Contains(res.Message, "more than 7 days away") || len(w.pulls()) != 0 {
		t.Errorf("%+v %v", res, err)
	}
}
