package usecase_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/usecase"
)

// Thursday 2026-11-26, 10:00 in Los Angeles.
var triageNow = time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

type triageWorld struct {
	t     *testing.T
	clock *sandbox.ManualClock
	g     *sandbox.GitHub
	fd    *sandbox.Freshdesk
	r     *roster.Roster
	ghc   *gh.Client
	fdc   *freshdesk.Client
	fdURL string
	ghURL string
}

func newTriageWorld(t *testing.T) *triageWorld {
	t.Helper()
	r, _, err := roster.Load("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r.Events = append(r.Events, roster.Event{Name: "Thanksgiving hackathon", Hub: "example-hub", From: civil.MustParse("2026-11-25"), To: civil.MustParse("2026-11-28")})
	clock := sandbox.NewManualClock(triageNow)
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
	return &triageWorld{t: t, clock: clock, g: g, fd: fd, r: r, ghc: ghc, fdc: fdc, fdURL: fdSrv.URL, ghURL: ghSrv.URL}
}

func (w *triageWorld) triage() *usecase.Triage {
	return triageOver(w.t, w.ghc, w.fdc, w.r, w.clock.Now())
}

// triageOver is the triage use case over the sandboxes' clients (fdc
// optional).
func triageOver(t *testing.T, ghc *gh.Client, fdc *freshdesk.Client, r *roster.Roster, now time.Time) *usecase.Triage {
	issues, err := ghc.Issues("open-infra/support")
	if err != nil {
		t.Fatal(err)
	}
	tr := &usecase.Triage{Issues: issues, Roster: r, Label: "support", Now: now}
	if fdc != nil {
		tr.Desk = freshdesk.Tickets{C: fdc}
	}
	return tr
}

// seed makes a support queue of mixed priorities, ages and states, and
// mirrors the engineering tickets as the sync would.
func (w *triageWorld) seed() {
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
	a := w.mirror(s.Render)
	if r, err := a.Sync(context.Background(), s.Config, "support", 30*24*time.Hour, false); err != nil || r.Failed() > 0 {
		w.t.Fatalf("mirror: %v %+v", err, r.Outcomes)
	}
}

// mirror is the sync use case over the sandboxes, without a board.
func (w *triageWorld) mirror(r mirror.Render) *usecase.Mirror {
	issues, err := w.ghc.Issues("open-infra/support")
	if err != nil {
		w.t.Fatal(err)
	}
	return &usecase.Mirror{Issues: issues, Desk: freshdesk.Tickets{C: w.fdc}, Render: r, Now: w.clock.Now()}
}

func TestDashboardAndLapses(t *testing.T) {
	w := newTriageWorld(t)
	w.seed()
	ctx := context.Background()
	edits, comments := 0, 0
	var first usecase.RemindResult
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
	w := newTriageWorld(t)
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

// barrier holds each replica's assigning request until both replicas have
// reached theirs (or a second has passed): both have read the issue as
// unassigned, then both write, as two replicas without anything shared can.
type barrier struct {
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *barrier) transport() http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/assignees") {
			b.arrived <- struct{}{}
			if len(b.arrived) == cap(b.arrived) {
				b.once.Do(func() { close(b.release) })
			}
			select {
			case <-b.release:
			case <-time.After(time.Second):
			}
		}
		return http.DefaultTransport.RoundTrip(r)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Issue #12, defect 5, across replicas (deploy/kubernetes.yaml runs two,
// nothing shared): two replicas route one issue at the same moment, each
// having read a different roster (one already has an edit that takes the
// other's choice off the team). Both see it unassigned and both assign.
// The double assignment is found and settled the same way by both: one
// engineer stays, asked once.
func TestTwoReplicasRoutingAtOnceLeaveOneAssignee(t *testing.T) {
	w := newTriageWorld(t)
	n := w.g.CreateIssue("open-infra", "support", "grace", "Cluster autoscaler stuck", "", "support", "kubernetes")
	ctx := context.Background()
	dry, err := w.triage().Route(ctx, n, true)
	if err != nil || dry.Choice == nil {
		t.Fatalf("%+v %v", dry, err)
	}
	// Replica B's roster: A's choice left the team today.
	rb := *w.r
	rb.Engineers = slices.Clone(w.r.Engineers)
	for i := range rb.Engineers {
		if rb.Engineers[i].GitHub == dry.Choice.GitHub {
			rb.Engineers[i].Left = w.r.Today(w.clock.Now())
		}
	}
	b := &barrier{arrived: make(chan struct{}, 2), release: make(chan struct{})}
	replica := func(r *roster.Roster) *usecase.Triage {
		ghc, err := gh.New(gh.Config{APIURL: w.ghURL, Token: "tok", Clock: w.clock, Transport: b.transport()})
		if err != nil {
			t.Fatal(err)
		}
		return triageOver(t, ghc, nil, r, w.clock.Now())
	}
	results := make([]usecase.RouteResult, 2)
	var wg sync.WaitGroup
	for i, r := range []*roster.Roster{w.r, &rb} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := replica(r).Route(ctx, n, false)
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	if len(b.arrived) != 2 {
		t.Fatalf("%d replicas assigned; the race did not happen", len(b.arrived))
	}
	is := w.g.Issues("open-infra", "support")[n-1]
	if len(is.Assignees) != 1 {
		t.Fatalf("assignees %v after two replicas routed at once, want one", is.Assignees)
	}
	issues, err := w.ghc.Issues("open-infra/support")
	if err != nil {
		t.Fatal(err)
	}
	events, err := issues.Events(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	assigned := 0
	for _, e := range events {
		if e.Event == "assigned" {
			assigned++
		}
	}
	if assigned != 2 {
		t.Fatalf("%d engineers were assigned; the test needs the replicas to choose two", assigned)
	}
	asks := 0
	for _, c := range is.Comments {
		if strings.Contains(c, "could you take this support issue") {
			asks++
			if !strings.HasPrefix(c, "@"+is.Assignees[0]+",") {
				t.Errorf("the ask names someone else than the assignee %s: %q", is.Assignees[0], c)
			}
		}
	}
	if asks != 1 {
		t.Errorf("%d ask comments, want 1: %q", asks, is.Comments)
	}
	stood := 0
	for _, r := range results {
		if r.Choice != nil {
			stood++
		}
	}
	if stood != 1 {
		t.Errorf("%d replicas say their choice stands: %+v", stood, results)
	}
}

func TestSettleKeepsTheEarliestAssignmentOfTheCurrentRun(t *testing.T) {
	ev := func(id int64, min int, kind, actor, who string) port.IssueEvent {
		return port.IssueEvent{ID: id, Created: triageNow.Add(time.Duration(min) * time.Minute), Event: kind, Actor: actor, Assignee: who}
	}
	bot := "steward[bot]"
	for _, tc := range []struct {
		name     string
		events   []port.IssueEvent
		mine     string
		withdraw string
		kept     bool
	}{
		{"alone", []port.IssueEvent{ev(1, 0, "assigned", bot, "ada")}, "ada", "", true},
		{"two picks: the first stays", []port.IssueEvent{ev(2, 0, "assigned", bot, "bob"), ev(1, 0, "assigned", bot, "ada")}, "bob", "bob", false},
		{"two picks, seen by the other", []port.IssueEvent{ev(1, 0, "assigned", bot, "ada"), ev(2, 0, "assigned", bot, "bob")}, "ada", "bob", true},
		{"a person first: steward withdraws", []port.IssueEvent{ev(1, 0, "assigned", "grace", "grace"), ev(2, 1, "assigned", bot, "ada")}, "ada", "ada", false},
		{"an earlier run does not count", []port.IssueEvent{ev(1, 0, "assigned", bot, "bob"), ev(2, 1, "unassigned", "bob", "bob"), ev(3, 2, "assigned", bot, "ada")}, "ada", "", true},
		{"withdrawn already", []port.IssueEvent{ev(1, 0, "assigned", bot, "ada"), ev(2, 0, "assigned", bot, "bob"), ev(3, 1, "unassigned", bot, "bob")}, "bob", "", false},
	} {
		withdraw, kept := usecase.Settle(tc.events, tc.mine)
		if strings.Join(withdraw, ",") != tc.withdraw || kept != tc.kept {
			t.Errorf("%s: withdraw %v, kept %v; want %q, %v", tc.name, withdraw, kept, tc.withdraw, tc.kept)
		}
	}
}

// Two runs that both found no dashboard open one each; the next run keeps
// the oldest and closes the other, whichever run it is.
func TestASecondDashboardIsClosed(t *testing.T) {
	w := newTriageWorld(t)
	first := w.g.CreateIssue("open-infra", "support", "steward[bot]", "Support dashboard", "<!-- steward:dashboard -->\nold", usecase.DashboardLabel)
	second := w.g.CreateIssue("open-infra", "support", "steward[bot]", "Support dashboard", "<!-- steward:dashboard -->\nold", usecase.DashboardLabel)
	res, err := w.triage().Remind(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	issues := w.g.Issues("open-infra", "support")
	if res.Dashboard != first || issues[first-1].State != "open" || issues[second-1].State != "closed" {
		t.Errorf("dashboard #%d; #%d %s, #%d %s", res.Dashboard, first, issues[first-1].State, second, issues[second-1].State)
	}
	if !strings.HasPrefix(issues[first-1].Body, "<!-- steward:dashboard -->") || issues[first-1].Body == "<!-- steward:dashboard -->\nold" {
		t.Errorf("the kept dashboard was not brought up to date: %q", issues[first-1].Body)
	}
}

// A replica that stopped between assigning and settling leaves two of
// steward's picks; the next run withdraws the later one. Two engineers a
// person assigned are left alone.
func TestALeftoverDoubleAssignmentIsSettledByTheNextRun(t *testing.T) {
	w := newTriageWorld(t)
	ctx := context.Background()
	n := w.g.CreateIssue("open-infra", "support", "grace", "Quota", "", "support")
	ports := w.triage().Issues
	if err := ports.Assign(ctx, n, []string{"ada-l"}); err != nil {
		t.Fatal(err)
	}
	ports.Comment(ctx, n, "@ada-l, could you take this support issue?\n\n<!-- steward:asked @ada-l -->")
	w.clock.Advance(time.Second)
	if err := ports.Assign(ctx, n, []string{"bliskov"}); err != nil {
		t.Fatal(err)
	}
	pair := w.g.CreateIssue("open-infra", "support", "grace", "Pairing on it", "", "support")
	w.g.HumanUpdate("open-infra", "support", pair, "grace", func(c *sandbox.IssueChange) { c.Assignees = []string{"ewd", "dknuth"} })
	results, err := w.triage().RouteAll(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	issues := w.g.Issues("open-infra", "support")
	if got := issues[n-1].Assignees; len(got) != 1 || got[0] != "ada-l" {
		t.Errorf("#%d assignees %v, want [ada-l]; results %+v", n, got, results)
	}
	if got := issues[pair-1].Assignees; len(got) != 2 {
		t.Errorf("a person's two assignees became %v", got)
	}
}

// TestLapsesEscalateOncePerPeriod runs the reminders every hour for a
// month over two neglected tickets, one mirrored and assigned, one
// without an issue. Each is raised exactly once per update_every period,
// to the engineer asked, then the stewards, then the team; the one without
// an issue is raised on the dashboard, where a comment notifies.
func TestLapsesEscalateOncePerPeriod(t *testing.T) {
	w := newTriageWorld(t)
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
	a := w.mirror(s.Render)
	if r, err := a.Sync(context.Background(), s.Config, "support", 30*24*time.Hour, false); err != nil || r.Failed() > 0 {
		t.Fatalf("mirror: %v", err)
	}
	w.g.HumanUpdate("open-infra", "support", 1, "grace", func(c *sandbox.IssueChange) { c.Assignees = []string{"yuvipanda"} })

	ctx := context.Background()
	w.clock.Set(at("2026-11-26 08:00"))
	for w.clock.Now().Before(at("2026-12-26 08:00")) {
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
	// Fri, Tue, Thu, Mon 12-21, Wed 12-23 (12-24 and 12-25 are holidays,
	// so that period runs to Tue 12-29) -> 11 periods in a month. From
	// Mon 12-21 Alan Turing is on winter leave: the team is who is around.
	everyone := "@ada-l @aturing @bliskov @cshannon @dknuth @ewd @fran-allen @grace @kjohnson"
	want := []string{"@yuvipanda", "@grace @kjohnson"}
	for len(want) < 9 {
		want = append(want, everyone)
	}
	want = append(want, strings.Replace(everyone, " @aturing", "", 1), strings.Replace(everyone, " @aturing", "", 1))
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

// The journal and other records go on the dashboard the remind run keeps:
// the oldest open issue that is a dashboard (labelled, and its body
// steward's), never a labelled issue a person wrote; with open, one is
// opened when there is none, and reading opens none.
func TestTheDashboardOtherPartsUseIsTheOneRemindKeeps(t *testing.T) {
	w := newTriageWorld(t)
	ctx := context.Background()
	if n, err := w.triage().Dashboard(ctx, false); err != nil || n != 0 || len(w.g.Issues("open-infra", "support")) != 0 {
		t.Fatalf("reading without a dashboard: #%d %v", n, err)
	}
	w.g.CreateIssue("open-infra", "support", "someone", "Support dashboard?", "not the dashboard", usecase.DashboardLabel)
	low := w.g.CreateIssue("open-infra", "support", "steward[bot]", "Support dashboard", "<!-- steward:dashboard -->\n", usecase.DashboardLabel)
	w.g.CreateIssue("open-infra", "support", "steward[bot]", "Support dashboard", "<!-- steward:dashboard -->\n", usecase.DashboardLabel)
	if n, err := w.triage().Dashboard(ctx, true); err != nil || n != low {
		t.Errorf("dashboard #%d (%v), want #%d, the lowest-numbered one", n, err, low)
	}
	w2 := newTriageWorld(t)
	n, err := w2.triage().Dashboard(ctx, true)
	if err != nil || n == 0 || !strings.HasPrefix(w2.g.Issues("open-infra", "support")[n-1].Body, "<!-- steward:dashboard -->") {
		t.Errorf("opening: #%d %v", n, err)
	}
}

// Issue #27: with FreshDesk, the dashboard carries the support health
// report from the tickets it reads anyway (no second list), with the
// weekly table and a chart GitHub draws (Mermaid), and the run saves the
// report and the replies it read in STEWARD_CACHE_DIR for the team page
// and the next run. A repeated run does not edit the dashboard again.
func TestTheDashboardShowsSupportHealth(t *testing.T) {
	w := newTriageWorld(t)
	w.seed()
	dir := t.TempDir()
	run := func() usecase.RemindResult {
		tr := w.triage()
		tr.Health = &usecase.Health{Desk: freshdesk.Tickets{C: w.fdc}, Roster: w.r, Now: w.clock.Now(), CacheDir: dir}
		w.fd.Ledger().Reset()
		res, err := tr.Remind(context.Background(), false)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := run()
	if res.Health == nil || res.Health.Listing {
		t.Fatalf("health: %+v, want made from the dashboard's own read", res.Health)
	}
	if n := w.fd.Ledger().Count(sandbox.Route("GET /api/v2/tickets")); n != 1 {
		t.Errorf("the ticket list was read %d times", n)
	}
	// A company is named once a run, whether the dashboard or the report
	// needed it first.
	named := map[string]int{}
	for _, r := range w.fd.Ledger().Requests() {
		if r.Route == "GET /api/v2/companies/{id}" {
			if named[r.Path]++; named[r.Path] > 1 {
				t.Errorf("%s read twice in one run", r.Path)
			}
		}
	}
	for _, want := range []string{"## Support health", "| Week | Received |", "```mermaid\nxychart-beta"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("the dashboard lacks %q:\n%s", want, res.Body)
		}
	}
	if _, ok, err := health.LoadReport(dir); !ok || err != nil {
		t.Errorf("no saved report: %v", err)
	}
	w.clock.Advance(time.Minute)
	if again := run(); again.DashboardEdits != 0 {
		t.Errorf("a repeated run edited the dashboard %d times", again.DashboardEdits)
	}
}
