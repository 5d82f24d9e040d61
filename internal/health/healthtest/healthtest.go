// Package healthtest makes support health reports for the tests of the
// packages that show one (the team page, the server, the command line),
// as a scheduled run leaves one in STEWARD_CACHE_DIR.
package healthtest

import (
	"testing"
	"time"

	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/untrusted"
	"github.com/support-steward/steward/internal/workdays"
)

// Save builds a four-week report of r's team at now, from n tickets of
// hub a day and a bit apart, each answered some hours after it came in,
// and saves it in dir.
func Save(t testing.TB, r *roster.Roster, now time.Time, dir, hub string, n int) {
	t.Helper()
	var tickets []health.Ticket
	for i := range n {
		created := now.Add(-time.Duration(i) * 33 * time.Hour)
		tk := health.Ticket{ID: int64(i + 1), Priority: i%4 + 1, Status: 2, Created: created, Updated: created, Hub: untrusted.Of(hub)}
		if reply := created.Add(time.Duration(2+i*5) * time.Hour); reply.Before(now) {
			tk.FirstResponded, tk.AgentResponded = reply, reply
		}
		tickets = append(tickets, tk)
	}
	rep := health.Build(health.Input{
		Now: now, Weeks: 4, Roster: r, Calendar: workdays.New(r.Location(), r.Holidays),
		Policy:  sla.Policy{FirstResponse: r.SLA.FirstResponseDays(), UpdateEvery: r.SLA.UpdateEveryDays()},
		Tickets: tickets,
	})
	if err := rep.Save(dir); err != nil {
		t.Fatal(err)
	}
}
