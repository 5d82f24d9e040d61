package triage_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/triage"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Thursday 2026-11-26, 10:00 in Los Angeles.
var now = time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

type world struct {
	t     *testing.T
	clock *sandbox.ManualClock
	g     *sandbox.GitHub
	fd    *sandbox.Freshdesk
	r     *roster.Roster
	ghc   *gh.Client
	fdc   *freshdesk.Client
	fdURL string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	r, _, err := roster.Load("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r.Events = append(r.Events, roster.Event{Name: "Thanksgiving hackathon", Hub: "example-hub", From: civil.MustParse("2026-11-25"), To: civil.MustParse("2026-11-28")})
	clock := sandbox.NewManualClock(now)
	g := sandbox.NewGitHub(sandbox.GitHubOptions{Tokens: map[string]string{"tok": "steward[bot]"}, Clock: clock})
	g.AddRepo("open-infra", "support", "main", nil)
	for _, e := range r.Engineers {
		g.AddUser(e.GitHub)
	}
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "k", Clock: clock})
	fd.AddCompany(sandbox.FDCompany{ID: 1, Name: "Example Hub"})
	fd.AddCompany(sandbox.FDCompany{ID: 2, Name: "Paleo Hub"})
	ghSrv, fdSrv := httptest.NewServer(g), httptest.NewServer(fd)
	t.Cleanup(ghSrv.Close)
	t.Cleanup(fdSrv.Close)
	ghc, _ := gh.New(gh.Config{APIURL: ghSrv.URL, Token: "tok", Clock: clock})
	fdc, _ := freshdesk.New(freshdesk.Config{BaseURL: fdSrv.URL, APIKey: "k", Clock: clock})
	return &world{t: t, clock: clock, g: g, fd: fd, r: r, ghc: ghc, fdc: fdc, fdURL: fdSrv.URL}
}

func (w *world) triage() *triage.Triage {
	return &triage.Triage{GH: w.ghc, FD: w.fdc, Roster: w.r, Owner: "open-infra", Repo: "support", Label: "support", Now: w.clock.Now()}
}

// seed makes a support queue of mixed priorities, ages and states, and
// mirrors the engineering tickets as the sync would.
func (w *world) seed() {
	la := w.r.Location()
	at := func(s string) time.Time { t, _ := time.ParseInLocation("2006-01-02 15:04", s, la); return t }
	ptr := func(t time.Time) time.Time { return t }
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Hub down", Priority: 4, Tags: []string{"engineering"}, CompanyID: 2, CreatedAt: at("2026-11-24 09:00")})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Kernel restarts", Priority: 3, CompanyID: 2, CreatedAt: at("2026-11-26 08:00")})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Quota", Priority: 2, Tags: []string{"engineering"}, CompanyID: 2, CreatedAt: at("2026-11-25 12:00")})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Waiting on them", Priority: 1, Status: 3, CompanyID: 2, CreatedAt: at("2026-11-10 12:00"),
		Stats: sandbox.FDStats{FirstRespondedAt: at("2026-11-10 13:00"), PendingSince: at("2026-11-10 13:00")}})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Done", Priority: 4, Status: 4, CreatedAt: at("2026-11-20 12:00")})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Slow notebooks", Priority: 2, Tags: []string{"engineering"}, CompanyID: 2, CreatedAt: at("2026-11-19 12:00"),
		Stats: sandbox.FDStats{FirstRespondedAt: at("2026-11-19 13:00"), AgentRespondedAt: ptr(at("2026-11-20 10:00"))}})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Hackathon hub login", Priority: 1, CompanyID: 1, CreatedAt: at("2026-11-26 07:00")})
	s, err := mirror.FromRoster(w.r)
	if err != nil {
		w.t.Fatal(err)
	}
	s.Render.TicketURL = w.fdc.AgentURL
	a := &mirror.Applier{GH: w.ghc, FD: w.fdc, Owner: "open-infra", Repo: "support", Render: s.Render, Now: w.clock.Now()}
	s.Config.Board = false
	if r, err := a.Sync(context.Background(), s.Config, "support", 30*24*time.Hour, false); err != nil || r.Failed() > 0 {
		w.t.Fatalf("mirror: %v %+v", err, r.Outcomes)
	}
}

func TestDashboardAndLapses(t *testing.T) {
	w := newWorld(t)
	w.seed()
	ctx := context.Background()
	edits, comments := 0, 0
	var first triage.RemindResult
	for i := range 10 {
		w.clock.Advance(time.Minute)
		res, err := w.triage().Remind(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = res
		}
		edits += res.DashboardEdits
		comments += res.Comments
	}
	if edits != 1 {
		t.Errorf("%d dashboard edits over ten runs, want 1", edits)
	}
	if first.Lapses != 2 || comments != 2 {
		t.Errorf("%d lapses, %d lapse comments over ten runs; want 2 and 2", first.Lapses, comments)
	}
	body := strings.ReplaceAll(first.Body, w.fdURL, "https://openinfra.freshdesk.com")
	path := filepath.Join("testdata", "dashboard.md")
	if *update {
		os.WriteFile(path, []byte(body), 0o644)
	}
	want, _ := os.ReadFile(path)
	if body != string(want) {
		t.Errorf("dashboard differs from %s (run with -update):\n%s", path, body)
	}
	// Tickets that are not mirrored show on GitHub by link only.
	for _, s := range []string{"Kernel restarts", "Waiting on them", "Hackathon hub login"} {
		if strings.Contains(body, s) {
			t.Errorf("a ticket subject (%q) reached the dashboard", s)
		}
	}
	var dashboards, lapseComments int
	for _, is := range w.g.Issues("open-infra", "support") {
		if strings.HasPrefix(is.Body, "<!-- steward:dashboard -->") {
			dashboards++
		}
		for _, c := range is.Comments {
			if strings.Contains(c, "steward:lapse") {
				lapseComments++
				if !strings.HasPrefix(c, "@grace @kjohnson:") {
					t.Errorf("a lapse comment does not mention the stewards: %q", c)
				}
			}
		}
	}
	if dashboards != 1 || lapseComments != 2 {
		t.Errorf("%d dashboards, %d lapse comments", dashboards, lapseComments)
	}
	// A new day: ages change, so the dashboard is edited once more.
	w.clock.Advance(24 * time.Hour)
	res, _ := w.triage().Remind(ctx, false)
	if res.DashboardEdits != 1 {
		t.Errorf("the next day: %d edits", res.DashboardEdits)
	}
}

func TestRoutingAsksAndAsksAgain(t *testing.T) {
	w := newWorld(t)
	n := w.g.CreateIssue("open-infra", "support", "grace", "Cluster autoscaler stuck", "", "support", "kubernetes")
	ctx := context.Background()
	res, err := w.triage().Route(ctx, n, false)
	if err != nil || res.Choice == nil {
		t.Fatalf("%+v %v", res, err)
	}
	first := res.Choice.GitHub
	is := w.g.Issues("open-infra", "support")[n-1]
	if len(is.Assignees) != 1 || is.Assignees[0] != first || len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "because you have the skills asked for (kubernetes)") {
		t.Fatalf("after routing: %+v", is)
	}
	if first == "grace" || first == "kjohnson" {
		t.Errorf("a steward on duty was asked while others were free: %s", first)
	}
	// Routing again does nothing while someone has it.
	if res, _ := w.triage().Route(ctx, n, false); !strings.Contains(res.Message, "assigned to @"+first) {
		t.Errorf("second route: %s", res.Message)
	}
	// They unassign themselves: the next one is asked, never them again.
	w.clock.Advance(time.Hour)
	w.g.HumanUpdate("open-infra", "support", n, first, func(c *sandbox.IssueChange) { c.Assignees = nil })
	results, err := w.triage().RouteAll(ctx, false)
	if err != nil || len(results) != 1 || results[0].Choice == nil || results[0].Choice.GitHub == first {
		t.Fatalf("after unassigning: %+v %v", results, err)
	}
}

// TestLapsesEscalateOncePerPeriod runs the reminders every working hour for
// three weeks over two neglected tickets, one mirrored and assigned, one
// without an issue. Each is raised exactly once per update_every period,
// to the engineer asked, then the stewards, then the team; the one without
// an issue is raised on the dashboard, where a comment notifies.
func TestLapsesEscalateOncePerPeriod(t *testing.T) {
	w := newWorld(t)
	w.r.Events = nil
	la := w.r.Location()
	at := func(s string) time.Time { t, _ := time.ParseInLocation("2006-01-02 15:04", s, la); return t }
	replied := at("2026-11-23 10:00") // Monday: the update was due Wednesday 10:00
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Slow spawns", Priority: 2, Tags: []string{"engineering"}, CompanyID: 2, CreatedAt: at("2026-11-20 09:00"),
		Stats: sandbox.FDStats{FirstRespondedAt: replied, AgentRespondedAt: replied}})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Quota question", Priority: 1, CompanyID: 2, CreatedAt: at("2026-11-20 09:00"),
		Stats: sandbox.FDStats{FirstRespondedAt: replied, AgentRespondedAt: replied}})
	s, _ := mirror.FromRoster(w.r)
	s.Render.TicketURL = w.fdc.AgentURL
	s.Config.Board = false
	a := &mirror.Applier{GH: w.ghc, FD: w.fdc, Owner: "open-infra", Repo: "support", Render: s.Render, Now: w.clock.Now()}
	if r, err := a.Sync(context.Background(), s.Config, "support", 30*24*time.Hour, false); err != nil || r.Failed() > 0 {
		t.Fatalf("mirror: %v", err)
	}
	w.g.HumanUpdate("open-infra", "support", 1, "grace", func(c *sandbox.IssueChange) { c.Assignees = []string{"yuvipanda"} })

	ctx := context.Background()
	w.clock.Set(at("2026-11-26 08:00"))
	for w.clock.Now().Before(at("2026-12-17 08:00")) {
		if _, err := w.triage().Remind(ctx, false); err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(time.Hour)
	}
	var onIssue, onDashboard []string
	for _, is := range w.g.Issues("open-infra", "support") {
		for _, c := range is.Comments {
			if !strings.Contains(c, "steward:lapse") {
				continue
			}
			head, _, _ := strings.Cut(c, ":")
			if strings.HasPrefix(is.Body, "<!-- steward:dashboard -->") {
				onDashboard = append(onDashboard, head)
			} else {
				onIssue = append(onIssue, head)
			}
		}
	}
	// Due Wed 11-25 10:00 (Thanksgiving is not a holiday in the sample);
	// periods of two working days, starting Wed, Fri, Tue, Thu, Mon, Wed,
	// Fri, Tue -> 8 periods before Thu 12-17 10:00.
	everyone := "@ada-l @aturing @bliskov @cshannon @dknuth @ewd @fran-allen @grace @kjohnson"
	want := []string{"@yuvipanda", "@grace @kjohnson"}
	for len(want) < 8 {
		want = append(want, everyone)
	}
	if strings.Join(onIssue, "|") != strings.Join(want, "|") {
		t.Errorf("reminders on the issue:\n got %q\nwant %q", onIssue, want)
	}
	// Nobody was asked about the ticket without an issue: the stewards
	// first, then the team.
	wantDash := append([]string{"@grace @kjohnson", "@grace @kjohnson"}, want[2:]...)
	if strings.Join(onDashboard, "|") != strings.Join(wantDash, "|") {
		t.Errorf("reminders on the dashboard:\n got %q\nwant %q", onDashboard, wantDash)
	}
}
