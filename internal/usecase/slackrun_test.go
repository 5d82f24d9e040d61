package usecase_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/sandbox"
)

// at is a moment of a day in the team's time zone.
func at(day string, hour int) time.Time {
	la, _ := time.LoadLocation("America/Los_Angeles")
	return civil.MustParse(day).Time(la).Add(time.Duration(hour) * time.Hour)
}

func slackIDs(w *slackWorld, day civil.Date) []string {
	var ids []string
	for _, s := range rotation.Who(w.roster, day).OnDuty {
		if e, ok := w.roster.Engineer(s.GitHub); ok && e.Slack != "" {
			ids = append(ids, e.Slack)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestTheStewardsGroupIsTheStewardsOnDutyCoversIncluded(t *testing.T) {
	// On 2026-10-20 Bob and Cy are on duty (Ada handed off to Cy on 10-19);
	// Fay, never a steward, covers Bob for two days.
	w := newSlackWorld(t, "overrides:\n  - {github: fay, for: bob, from: 2026-10-21, to: 2026-10-22, note: conference}\n", nil, at("2026-10-20", 10))
	group := func() []string {
		g, _ := w.slack.UserGroup(slackGroup)
		users := slices.Clone(g.Users)
		slices.Sort(users)
		return users
	}
	for _, step := range []struct {
		day  string
		want []string
	}{
		{"2026-10-20", []string{"U0BOB00001", "U0CY000001"}},
		{"2026-10-21", []string{"U0CY000001", "U0FAY00001"}},
		{"2026-10-22", []string{"U0CY000001", "U0FAY00001"}},
		{"2026-10-23", []string{"U0BOB00001", "U0CY000001"}},
	} {
		w.clock.Set(at(step.day, 9))
		res := w.runOnce()
		if got := group(); !slices.Equal(got, step.want) || !slices.Equal(got, slackIDs(w, civil.MustParse(step.day))) {
			t.Errorf("%s: the group holds %v, want %v (the stewards on duty, covers applied)", step.day, got, step.want)
		}
		if res.Group == nil || res.Group.Off {
			t.Errorf("%s: group result %+v", step.day, res.Group)
		}
		// A second run the same day: nothing new, no Slack request.
		w.clock.Advance(3 * time.Hour)
		w.slack.Ledger().Reset()
		w.runOnce()
		if n := w.slack.Ledger().Len(); n != 0 {
			t.Errorf("%s, run again: %d Slack requests:\n%s", step.day, n, w.slack.Ledger())
		}
	}
}

func TestAWorkspaceWithoutUserGroupsIsOffNotFailed(t *testing.T) {
	w := newSlackWorld(t, "", nil, at("2026-10-20", 10))
	w.slack.SetFreeWorkspace(true)
	res := w.runOnce()
	if res.Group == nil || !res.Group.Off || !strings.Contains(res.Message(), "off") {
		t.Fatalf("result %+v: want the group off, with a notice", res)
	}
	w.slack.Ledger().Reset()
	w.clock.Advance(time.Hour)
	if res := w.runOnce(); !res.Group.Off || w.slack.Ledger().Len() != 0 {
		t.Errorf("run again: %+v, %d Slack requests (asking a free workspace again every run)", res.Group, w.slack.Ledger().Len())
	}
}

// Every day of a quarter, two runs a day through the composed Slack part
// (journal on GitHub): each handoff and event told on its day, once, in
// the right channels; the second run of a day makes no Slack request.
func TestHandoffAndEventMessagesOverAQuarterThroughTheSlackRun(t *testing.T) {
	w := newSlackWorld(t, "", nil, at("2026-10-01", 8))
	// Bootstrap at 10-05: seats for 2 and 4 weeks, then one steward changes
	// every other Monday. 11-30 is a holiday: that handoff is told 12-01.
	want := []struct{ day, channel, kind string }{
		{"2026-10-05", slackTickets, "handoff"}, {"2026-10-05", slackGeneral, "handoff"},
		{"2026-10-19", slackTickets, "handoff"}, {"2026-10-19", slackGeneral, "handoff"},
		{"2026-11-02", slackTickets, "handoff"}, {"2026-11-02", slackGeneral, "handoff"},
		{"2026-11-16", slackTickets, "handoff"}, {"2026-11-16", slackGeneral, "handoff"},
		{"2026-11-18", slackTickets, "event-before"}, {"2026-11-19", slackTickets, "event-today"},
		{"2026-12-01", slackTickets, "handoff"}, {"2026-12-01", slackGeneral, "handoff"},
		// The Bootcamp starts on a Saturday: told the Friday before and the
		// Monday it is still on, a handoff day too.
		{"2026-12-11", slackTickets, "event-before"},
		{"2026-12-14", slackTickets, "handoff"}, {"2026-12-14", slackGeneral, "handoff"}, {"2026-12-14", slackTickets, "event-today"},
		{"2026-12-28", slackTickets, "handoff"}, {"2026-12-28", slackGeneral, "handoff"},
	}
	la := w.roster.Location()
	for d := civil.MustParse("2026-10-01"); d.Before(civil.MustParse("2027-01-01")); d = d.AddDays(1) {
		for run, hour := range []int{8, 15} {
			w.clock.Set(at(d.String(), hour))
			w.slack.Ledger().Reset()
			w.runOnce()
			if run == 1 && w.slack.Ledger().Len() != 0 {
				t.Errorf("%s, second run: %d Slack requests:\n%s", d, w.slack.Ledger().Len(), w.slack.Ledger())
			}
		}
	}
	var got []struct{ day, channel, kind string }
	for _, ch := range []string{slackTickets, slackGeneral} {
		for _, m := range w.slack.Parents(ch) {
			sec, _ := strconv.ParseInt(strings.Split(m.TS, ".")[0], 10, 64)
			kind := "?"
			switch {
			case strings.HasPrefix(m.Text, ":arrows_clockwise:"):
				kind = "handoff"
			case strings.HasPrefix(m.Text, ":calendar:"):
				kind = "event-before"
			case strings.HasPrefix(m.Text, ":rotating_light:"):
				kind = "event-today"
			}
			got = append(got, struct{ day, channel, kind string }{civil.Of(time.Unix(sec, 0).In(la)).String(), ch, kind})
		}
	}
	key := func(x struct{ day, channel, kind string }) string { return x.day + " " + x.channel + " " + x.kind }
	var g, wnt []string
	for _, x := range got {
		g = append(g, key(x))
	}
	for _, x := range want {
		wnt = append(wnt, key(x))
	}
	slices.Sort(g)
	slices.Sort(wnt)
	if !slices.Equal(g, wnt) {
		t.Errorf("messages:\n got %q\nwant %q", g, wnt)
	}
}

func TestAnEventNoticeListsTheHubsOpenTickets(t *testing.T) {
	w := newSlackWorld(t, "", nil, at("2026-11-18", 9))
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Kernel dies, mail jo@example.org", Priority: 3, Tags: []string{"engineering"}, CompanyID: 1,
		CreatedAt: at("2026-11-17", 9)})
	w.openIssue(id, "Kernel dies, mail jo@example.org", "Example Hub")
	w.runOnce()
	var notice string
	for _, m := range w.slack.Parents(slackTickets) {
		if strings.HasPrefix(m.Text, ":calendar:") {
			notice = m.Text
		}
	}
	for _, want := range []string{"*Workshop* on Example Hub", fmt.Sprintf("Ticket #%d>", id), "(High)"} {
		if !strings.Contains(notice, want) {
			t.Errorf("the notice lacks %q:\n%s", want, notice)
		}
	}
	if strings.Contains(notice, "jo@example.org") {
		t.Errorf("personal data reached the channel:\n%s", notice)
	}
}

// Concurrent runs, each its own process (own clients), 30% of Slack's
// answers faulted. Two runs may both post a parent; the one recorded first
// in the ticket's notes is the thread, and the other is deleted. When Slack
// refuses that delete, the second parent stays until the next run, which
// finds it in the notes and deletes it: so after every faulted round each
// parent beyond the ticket's thread is one the notes record (never one
// steward lost track of), and a clean run leaves exactly one per ticket.
func TestOneThreadPerTicketUnderConcurrentSlackRunsAndFaults(t *testing.T) {
	faults := sandbox.NewFaults(21,
		sandbox.Fault{Route: "/api/chat.delete", Rate: 0.15, Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.Drop}, AfterEffect: true},
		sandbox.Fault{Route: "/api/chat.getPermalink", Rate: 0.15, Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.Drop}, AfterEffect: true},
		sandbox.Fault{Route: "/api/", Rate: 0.3, Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.TooManyRequests, sandbox.Drop}, RetryAfter: 2 * time.Second},
		sandbox.Fault{Route: "/api/", Latency: 2 * time.Millisecond})
	w := newSlackWorld(t, "", faults, at("2026-11-03", 9))
	const n = 8
	for i := range n {
		id := w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprintf("Problem %d", i), Priority: 2, Tags: []string{"engineering"}, CreatedAt: at("2026-11-03", 8)})
		if i%2 == 0 {
			w.openIssue(id, fmt.Sprintf("Problem %d", i), "Example Hub")
		}
	}
	w.clock.Advance(time.Minute)
	failed, transient := 0, 0
	var mu sync.Mutex
	raced := func() int { return w.slack.Ledger().Count(sandbox.Route("/api/chat.delete")) }
	// At least three rounds, and more (up to twelve) until the runs did
	// race: on a loaded machine goroutines may run one after another.
	for round := 0; round < 3 || (round < 12 && raced() == 0); round++ {
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			run := w.newRun()
			go func() {
				defer wg.Done()
				if _, err := run.Run(context.Background(), w.clock.Now()); err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for id, c := range w.parents() {
			if c > 1 {
				if stray := w.unrecordedParents(id); len(stray) > 0 {
					t.Fatalf("after round %d, ticket %s has %d parents, and %v is not recorded in its notes: no run will remove it", round+1, id, c, stray)
				}
				transient++
			}
		}
	}
	// Runs may survive every fault by retrying: that faults struck is what
	// matters, not that a run failed.
	if w.slack.Ledger().Count(func(r sandbox.Request) bool { return r.Fault != "" }) == 0 {
		t.Fatal("no fault struck: the test proves nothing")
	}
	if races := raced(); races == 0 {
		t.Fatal("no second parent was removed: the runs did not race, the test proves little")
	}
	*faults = *sandbox.NewFaults(0)
	w.clock.Advance(time.Hour)
	w.runOnce()
	ps := w.parents()
	if len(ps) != n {
		t.Errorf("%d tickets have a thread, want %d: %v", len(ps), n, ps)
	}
	for id, c := range ps {
		if c != 1 {
			t.Errorf("ticket %s: %d parents", id, c)
		}
	}
	t.Logf("%d of 12 runs failed on injected faults; %d recorded second parents waited for a later run; Slack ledger:\n%s", failed, transient, w.slack.Ledger())
}
