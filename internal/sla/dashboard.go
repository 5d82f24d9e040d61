package sla

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/untrusted"
	"github.com/support-steward/steward/internal/workdays"
)

// DashboardMarker identifies the one dashboard issue.
const DashboardMarker = "<!-- steward:dashboard -->"

// DashboardLabel marks the one dashboard issue, found by listing (the
// dashboard keeper and the Slack journal both look for it).
const DashboardLabel = "support-dashboard"

// OpenTicket is a ticket on the dashboard: no subject, no requester, only
// what may be shown on GitHub.
type OpenTicket struct {
	Ticket
	Priority int
	Hub      untrusted.Text // the company's name in FreshDesk
	HubDown  bool
	URL      string
	Issue    int // the mirrored issue, 0 if none
}

// Attention is a support issue that needs someone.
type Attention struct {
	Number int
	Title  untrusted.Text
	Why    string
}

// Board is everything the dashboard shows.
type Board struct {
	Now      time.Time
	Status   rotation.Status
	Roster   *roster.Roster
	Calendar *workdays.Calendar
	Policy   Policy
	Tickets  []OpenTicket
	Issues   []Attention
	// Sections are further Markdown sections for the end of the dashboard
	// (the fairness report).
	Sections []string
}

// Lapse is a promise broken. It is raised once in each period it stays
// broken (Period 1, 2, ...), each time to a wider audience (Escalation):
// on its issue when the ticket is mirrored, on the dashboard otherwise.
type Lapse struct {
	Ticket int64
	Issue  int // 0: the ticket is not mirrored
	Target Target
	// Period counts update_every-long periods since the target was due,
	// from 1.
	Period int
}

// Marker identifies the lapse's reminder for its period, so it is posted
// once per period, never twice. Period 1 keeps the first version's marker.
func (l Lapse) Marker() string {
	m := fmt.Sprintf("<!-- steward:lapse ticket=%d kind=%s due=%s", l.Ticket, l.Target.Kind, l.Target.Due.UTC().Format(time.RFC3339))
	if l.Period > 1 {
		m += fmt.Sprintf(" period=%d", l.Period)
	}
	return m + " -->"
}

// Top reports whether a ticket goes first: its hub has an event now, it is
// Urgent, or it is tagged hub-down.
func Top(t OpenTicket, events []roster.Event) bool {
	if t.Priority >= 4 || t.HubDown {
		return true
	}
	for _, e := range events {
		if e.ForHub(t.Hub.Unescaped()) {
			return true
		}
	}
	return false
}

var stateMark = map[State]string{OK: "✅ on time", DueSoon: "⏰ due soon", Overdue: "⛔ overdue", Stopped: "⏸ waiting on the requester"}

// Render writes the dashboard body. Ages are in whole days and due times
// absolute, so an unchanged support queue renders the same bytes all day.
func (b Board) Render() (string, []Lapse) {
	var s strings.Builder
	s.WriteString(DashboardMarker + "\n# Support dashboard\n\n")
	s.WriteString("_Kept by steward: this issue is edited in place, so watching it makes no noise. Due times are in each steward's time zone._\n\n")
	fmt.Fprintf(&s, "**Stewards on duty:** %s\n\n", b.Status.OnDutySentence())
	for _, a := range b.Status.Away {
		fmt.Fprintf(&s, "> ⚠️ %s.\n\n", b.Status.AwaySentence(a))
	}
	if h := b.Status.Next; h != nil {
		fmt.Fprintf(&s, "**Next handoff:** %s: %s.\n\n", h.Date, h.Sentence())
	}
	events := b.Roster.EventsOn(b.Roster.Today(b.Now))
	for _, e := range events {
		fmt.Fprintf(&s, "> 🎪 **Event now: %s** (%s), until %s. Its hub's tickets come first.\n\n", e.Name, e.Hub, e.To)
	}

	type row struct {
		t   OpenTicket
		tg  Target
		top bool
	}
	var rows []row
	var lapses []Lapse
	for _, t := range b.Tickets {
		tg := Evaluate(t.Ticket, b.Policy, b.Calendar, b.Now)
		if tg.State == Finished {
			continue
		}
		rows = append(rows, row{t, tg, Top(t, events)})
		if tg.State == Overdue {
			lapses = append(lapses, Lapse{Ticket: t.ID, Issue: t.Issue, Target: tg, Period: LapsePeriod(tg, b.Policy, b.Calendar, b.Now)})
		}
	}
	urgency := map[State]int{Overdue: 0, DueSoon: 1, OK: 2, Stopped: 3}
	slices.SortStableFunc(rows, func(x, y row) int {
		return cmp.Or(-cmp.Compare(boolInt(x.top), boolInt(y.top)), -cmp.Compare(x.t.Priority, y.t.Priority),
			cmp.Compare(urgency[x.tg.State], urgency[y.tg.State]), x.tg.Due.Compare(y.tg.Due), cmp.Compare(x.t.ID, y.t.ID))
	})
	fmt.Fprintf(&s, "## Open tickets (%d)\n\n", len(rows))
	if len(rows) == 0 {
		s.WriteString("None: every ticket is answered and resolved.\n\n")
	} else {
		s.WriteString("| Ticket | Priority | Hub | Age | Next promise |")
		for _, sh := range b.Status.OnDuty {
			fmt.Fprintf(&s, " Due for @%s |", sh.GitHub)
		}
		s.WriteString(" State |\n|---|---|---|---|---|")
		for range b.Status.OnDuty {
			s.WriteString("---|")
		}
		s.WriteString("---|\n")
		for _, r := range rows {
			ticket := fmt.Sprintf("[#%d](%s)", r.t.ID, r.t.URL)
			if r.t.Issue != 0 {
				ticket += fmt.Sprintf(" · #%d", r.t.Issue)
			}
			if r.top {
				ticket = "🔥 " + ticket
			}
			hub := r.t.Hub.Markdown()
			if hub == "" {
				hub = "—"
			}
			promise := map[Kind]string{FirstResponse: "first response", Update: "update"}[r.tg.Kind]
			if promise == "" {
				promise = "—"
			}
			fmt.Fprintf(&s, "| %s | %s | %s | %s | %s |", ticket, PriorityName(r.t.Priority), hub, age(r.t.Created, b.Now, b.Roster), promise)
			for _, sh := range b.Status.OnDuty {
				fmt.Fprintf(&s, " %s |", due(r.tg, b.Roster, sh.GitHub))
			}
			fmt.Fprintf(&s, " %s |\n", stateMark[r.tg.State])
		}
		s.WriteString("\n")
	}
	fmt.Fprintf(&s, "## Support issues needing someone (%d)\n\n", len(b.Issues))
	if len(b.Issues) == 0 {
		s.WriteString("None.\n")
	}
	for _, a := range b.Issues {
		fmt.Fprintf(&s, "- #%d %s: %s\n", a.Number, a.Title.Markdown(), a.Why)
	}
	if ig := b.Roster.Integrations.GitHub; ig != nil && ig.Project != nil {
		fmt.Fprintf(&s, "\n_On the sprint board, a closed support issue's item goes to %s and is archived once the issue has been closed for %d days (`integrations.github.project.archive_after`): find it in the board's archive._\n",
			ig.Project.Done(), ig.Project.ArchiveAfterDays())
	}
	for _, sec := range b.Sections {
		s.WriteString("\n" + sec)
	}
	return s.String(), lapses
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func age(created, now time.Time, r *roster.Roster) string {
	days := r.Today(now).Sub(r.Today(created))
	switch days {
	case 0:
		return "today"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}

// due shows the due moment in the steward's own time zone.
func due(tg Target, r *roster.Roster, handle string) string {
	if tg.Due.IsZero() {
		return "—"
	}
	loc := r.Location()
	if e, ok := r.Engineer(handle); ok && !e.Timezone.IsZero() {
		loc = e.Timezone.Loc
	}
	return tg.Due.In(loc).Format("Mon Jan 2 15:04 MST")
}
