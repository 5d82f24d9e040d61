package usecase_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/usecase"
)

const healthTeam = `version: 1
team: Hub Support
timezone: America/Los_Angeles
holidays: [2026-01-19, 2026-02-16]
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2025-11-03}
engineers:
  - {name: Ada, github: ada}
  - {name: Bob, github: bob}
  - {name: Cy, github: cy}
integrations:
  freshdesk: {domain: acme}
`

func healthRoster(t testing.TB) *roster.Roster {
	t.Helper()
	r, probs := roster.Parse("roster.yaml", []byte(healthTeam))
	if r == nil {
		t.Fatal(probs)
	}
	return r
}

// deskOver is the FreshDesk port over the sandbox fd, on clock.
func deskOver(t testing.TB, fd *sandbox.Freshdesk, clock *sandbox.ManualClock) freshdesk.Tickets {
	t.Helper()
	srv := httptest.NewServer(fd)
	t.Cleanup(srv.Close)
	c, err := freshdesk.New(freshdesk.Config{BaseURL: srv.URL, APIKey: "k", Clock: clock, ListPerMinute: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return freshdesk.Tickets{C: c}
}

type healthWorld struct {
	fd    *sandbox.Freshdesk
	clock *sandbox.ManualClock
	r     *roster.Roster
	desk  freshdesk.Tickets
	now   time.Time
}

// newHealthWorld is a FreshDesk with perWeek tickets a week for twelve
// weeks before Monday 2026-03-02, on ten hubs. Three in ten have three
// public replies days apart (their conversations settle the "updates on
// time" figure); the rest one reply, resolved the next day.
func newHealthWorld(t testing.TB, perWeek int) *healthWorld {
	r := healthRoster(t)
	now := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	clock := sandbox.NewManualClock(now)
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "k", Clock: clock})
	for id := int64(1); id <= 10; id++ {
		fd.AddCompany(sandbox.FDCompany{ID: id, Name: fmt.Sprintf("Hub %d", id)})
	}
	start := time.Date(2025, 12, 8, 17, 0, 0, 0, time.UTC) // a Monday, 09:00 in Los Angeles
	for w := range 12 {
		for i := range perWeek {
			created := start.AddDate(0, 0, 7*w+i%5).Add(time.Duration(i%8) * time.Hour)
			clock.Set(created)
			id := fd.AddTicket(sandbox.FDTicket{Subject: "Help", Priority: 1 + i%4, CompanyID: int64(1 + i%10), CreatedAt: created})
			clock.Set(created.Add(2 * time.Hour))
			fd.AgentReply(id, "<p>Looking.</p>")
			last := created.Add(26 * time.Hour)
			if i%10 < 3 {
				clock.Set(created.Add(3 * 24 * time.Hour))
				fd.AgentReply(id, "<p>Still on it.</p>")
				clock.Set(created.Add(6 * 24 * time.Hour))
				fd.AgentReply(id, "<p>Fixed.</p>")
				last = created.Add(7 * 24 * time.Hour)
			}
			if last.Before(now) {
				clock.Set(last)
				fd.AgentUpdate(id, func(tk *sandbox.FDTicket) { tk.Status = sandbox.StatusResolved })
			}
		}
	}
	clock.Set(now)
	return &healthWorld{fd: fd, clock: clock, r: r, desk: deskOver(t, fd, clock), now: now}
}

func (w *healthWorld) report(t testing.TB, dir string) (health.Report, usecase.HealthCost, int, int) {
	t.Helper()
	credits, requests := w.fd.Credits(), w.fd.Ledger().Len()
	h := &usecase.Health{Desk: w.desk, Roster: w.r, Now: w.clock.Now(), CacheDir: dir}
	rep, cost, err := h.Report(context.Background(), health.DefaultWeeks, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep, cost, w.fd.Credits() - credits, w.fd.Ledger().Len() - requests
}

// Issue #27: a 12-week report of 500 tickets a week from a cold cache
// spends at most a tenth of an hour of FreshDesk's smallest paid plan
// (Growth: 200 credits a minute, so 1,200), as FreshDesk itself counts the
// credits; what the budget could not read is unknown, never guessed, and
// the next reports read it, oldest change first. A warm cache reads only
// the conversations of tickets that changed since.
func TestTheHealthReportKeepsToItsCredits(t *testing.T) {
	w := newHealthWorld(t, 500)
	dir := t.TempDir()
	rep, cold, credits, requests := w.report(t, dir)
	t.Logf("cold: %d credits, %d requests, %+v", credits, requests, cold)
	if credits > cold.Credits() || cold.Credits() > health.ReportCredits {
		t.Errorf("cold: FreshDesk counted %d credits, the report says %d, the budget is %d", credits, cold.Credits(), health.ReportCredits)
	}
	if cold.Conversations == 0 || cold.Unread == 0 || rep.Replies.Unsettled == 0 {
		t.Errorf("cold: %+v, unsettled %d: the budget should have run out with tickets left", cold, rep.Replies.Unsettled)
	}
	// The report's twelve weeks end with the current one: the history's
	// first week (2025-12-08) is before them.
	if rep.Total.Received.Total != 5500 {
		t.Errorf("received %d, want 11 weeks of 500", rep.Total.Received.Total)
	}
	_, second, credits2, _ := w.report(t, dir)
	t.Logf("second: %d credits, %+v", credits2, second)
	if credits2 > health.ReportCredits || second.Cached != cold.Conversations || second.Companies != 0 {
		t.Errorf("second: %d credits, %+v (cold read %d)", credits2, second, cold.Conversations)
	}
	for second.Unread > 0 {
		_, second, _, _ = w.report(t, dir)
	}
	// Everything read: a report now lists and reads nothing else, and
	// its figures have no unknown days left.
	rep, warm, credits3, requests3 := w.report(t, dir)
	t.Logf("warm: %d credits, %d requests, %+v", credits3, requests3, warm)
	if warm.Conversations != 0 || warm.Companies != 0 || credits3 > health.ListCredits(warm.Listed)+2 || rep.Replies.Unsettled != 0 || rep.Total.Updates.Unknown != 0 {
		t.Errorf("warm: %d credits, %+v, unsettled %d, unknown days %d", credits3, warm, rep.Replies.Unsettled, rep.Total.Updates.Unknown)
	}
	// One ticket changes: only its conversations are read again.
	w.clock.Advance(time.Hour)
	var changed int64
	for _, tk := range w.fd.Tickets() {
		if tk.Status == sandbox.StatusOpen && len(w.fd.Conversations(tk.ID)) == 3 {
			changed = tk.ID
			break
		}
	}
	w.fd.AgentReply(changed, "<p>One more thing.</p>")
	_, after, _, _ := w.report(t, dir)
	if after.Conversations != 1 {
		t.Errorf("after one change: %+v, want 1 conversation read", after)
	}
}

// What FreshDesk will not give costs the report only that part, never the
// report: a company it will not name leaves its tickets without a hub
// (and is not asked again); conversations it will not give leave their
// days unknown. And a ticket open all along but quiet since before the
// list's 90 days still counts on every day of the report it is open.
func TestTheHealthReportSurvivesWhatFreshDeskWillNotGive(t *testing.T) {
	r := healthRoster(t)
	now := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	clock := sandbox.NewManualClock(now.AddDate(0, 0, -120))
	faults := sandbox.NewFaults(1, sandbox.Fault{Route: "GET /api/v2/tickets/{id}/conversations", Rate: 1, Kinds: []sandbox.FaultKind{sandbox.ServerError}})
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "k", Clock: clock, Faults: faults})
	// Quiet: answered once 120 days ago, open, never touched since.
	quiet := fd.AddTicket(sandbox.FDTicket{Subject: "Forgotten", Priority: 2, CreatedAt: clock.Now()})
	clock.Advance(time.Hour)
	fd.AgentReply(quiet, "<p>Looking.</p>")
	// Company 99 does not exist; this ticket was answered three times,
	// days apart, so its conversations are needed.
	clock.Set(now.AddDate(0, 0, -20))
	busy := fd.AddTicket(sandbox.FDTicket{Subject: "Busy", Priority: 3, CompanyID: 99, CreatedAt: clock.Now()})
	for range 3 {
		clock.Advance(time.Hour)
		fd.AgentReply(busy, "<p>Update.</p>")
		clock.Advance(4 * 24 * time.Hour)
	}
	clock.Set(now)
	dir := t.TempDir()
	h := &usecase.Health{Desk: deskOver(t, fd, clock), Roster: r, Now: now, CacheDir: dir}
	rep, cost, err := h.Report(context.Background(), health.DefaultWeeks, nil)
	if err != nil {
		t.Fatalf("the report failed: %v", err)
	}
	if cost.Quiet != 1 || cost.Companies != 1 || cost.Unread != 1 {
		t.Errorf("cost %+v: want the quiet ticket read, company 99 asked once, the busy ticket's replies unread", cost)
	}
	// The quiet ticket is late on every finished working day of the 12
	// weeks (it was answered 120 days ago): the 11 full weeks from
	// 2025-12-15 hold 55 working days, less 2026-01-19 and 2026-02-16,
	// holidays, so 53; the current week's Monday has not ended. The busy
	// ticket adds its own late days (6) beside 4 on time and 3 unknown.
	late := rep.Total.Updates.TicketDays - rep.Total.Updates.OnTime
	if late != 53+6 || rep.Total.Updates.Unknown != 3 {
		t.Errorf("updates %+v: the quiet open ticket's days are missing", rep.Total.Updates)
	}
	if len(rep.Hubs) != 0 {
		t.Errorf("hubs %+v: an unnamed company ranked", rep.Hubs)
	}
	// The next report does not ask for company 99 again.
	_, again, err := h.Report(context.Background(), health.DefaultWeeks, nil)
	if err != nil || again.Companies != 0 {
		t.Errorf("again: %+v, %v", again, err)
	}
	if _, ok, _ := health.LoadReport(dir); ok {
		t.Error("a report that does not publish replaced the team page's")
	}
}

// Quiet open tickets are read one by one, at most a quarter of the
// report's credits' worth (100 of them): an account full of forgotten
// tickets does not spend the whole budget on them.
func TestQuietOpenTicketsHaveTheirShareOfTheCredits(t *testing.T) {
	r := healthRoster(t)
	now := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	clock := sandbox.NewManualClock(now.AddDate(0, 0, -120))
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "k", Clock: clock})
	for range 150 {
		id := fd.AddTicket(sandbox.FDTicket{Subject: "Forgotten", Priority: 2, CreatedAt: clock.Now()})
		fd.AgentReply(id, "<p>Looking.</p>")
	}
	clock.Set(now)
	before := fd.Credits()
	h := &usecase.Health{Desk: deskOver(t, fd, clock), Roster: r, Now: now}
	_, cost, err := h.Report(context.Background(), health.DefaultWeeks, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cost.Quiet != 100 || fd.Credits()-before > health.ReportCredits {
		t.Errorf("cost %+v, %d credits", cost, fd.Credits()-before)
	}
}
