package usecase_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/sandbox"
)

// TestRoutingOverAMonthAsksEveryoneOnceBeforeAnyoneTwice runs a month of
// working days on the sandboxes' clock: two new support issues each
// morning, routed by the scheduled run; engineers close what they hold now
// and then. With support.max_open_support 3 and an engineer with
// routing: false, nobody is asked a second time while someone who could be
// asked (routable, around, not a steward on duty, under the cap) has not
// been asked once; nobody ever holds more than the cap; the opted-out
// engineer is never asked; and the stewards are asked only when nobody
// else can be.
func TestRoutingOverAMonthAsksEveryoneOnceBeforeAnyoneTwice(t *testing.T) {
	w := newTriageWorld(t)
	w.r.Events = nil
	w.r.Support.MaxOpenSupport = 3
	off := false
	w.r.Engineers = append(w.r.Engineers, roster.Engineer{Name: "Mia Manager", GitHub: "mia", Routing: &off, SupportRotation: &off})
	w.g.AddUser("mia")
	la := w.r.Location()
	ctx := context.Background()
	asks := map[string]int{}
	firstRoundDone := false
	day := time.Date(2026, 11, 30, 9, 0, 0, 0, la) // a Monday
	for d := 0; d < 31; d, day = d+1, day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		w.clock.Set(day)
		for i := range 2 {
			w.g.CreateIssue("open-infra", "support", "grace", fmt.Sprintf("Problem %d-%d", d, i), "", "support")
		}
		// Who could be asked now, and what each holds, before routing.
		open := map[string]int{}
		for _, is := range w.g.Issues("open-infra", "support") {
			if is.State == "open" {
				for _, a := range is.Assignees {
					open[a]++
				}
			}
		}
		today := w.r.Today(w.clock.Now())
		stewards := map[string]bool{}
		for _, s := range rotation.Who(w.r, today).OnDuty {
			stewards[s.GitHub] = true
		}
		results, err := w.triage().RouteAll(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range results {
			if res.Choice == nil {
				continue
			}
			who := res.Choice.GitHub
			if who == "mia" {
				t.Fatalf("%s: mia (routing: false) was asked", today)
			}
			if !firstRoundDone && asks[who] == 1 {
				var waiting []string
				for _, e := range w.r.Engineers {
					_, away := e.AwayOn(today)
					if e.Routable() && e.OnTeam(today) && !away && !stewards[e.GitHub] && open[e.GitHub] < 3 && asks[e.GitHub] == 0 {
						waiting = append(waiting, e.GitHub)
					}
				}
				if len(waiting) > 0 {
					t.Fatalf("%s: @%s asked a second time while %s were never asked", today, who, strings.Join(waiting, ", "))
				}
				firstRoundDone = true
			}
			if stewards[who] {
				for _, e := range w.r.Engineers {
					_, away := e.AwayOn(today)
					if e.Routable() && e.OnTeam(today) && !away && !stewards[e.GitHub] && open[e.GitHub] < 3 {
						t.Fatalf("%s: steward @%s asked while @%s could be (holding %d)", today, who, e.GitHub, open[e.GitHub])
					}
				}
			}
			asks[who]++
			open[who]++
		}
		for k, n := range open {
			if n > 3 {
				t.Fatalf("%s: @%s holds %d open support issues, over the cap of 3", today, k, n)
			}
		}
		// Every third day, each engineer closes the oldest issue they hold.
		if d%3 == 2 {
			done := map[string]bool{}
			for _, is := range w.g.Issues("open-infra", "support") {
				if is.State == "open" && len(is.Assignees) == 1 && !done[is.Assignees[0]] {
					done[is.Assignees[0]] = true
					w.g.HumanUpdate("open-infra", "support", is.Number, is.Assignees[0], func(c *sandbox.IssueChange) { c.State, c.StateReason = "closed", "completed" })
				}
			}
		}
	}
	if !firstRoundDone || len(asks) < 6 {
		t.Errorf("asks over the month: %v", asks)
	}
	t.Logf("asks over the month: %v", asks)
}
