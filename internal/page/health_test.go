package page

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/untrusted"
	"github.com/support-steward/steward/internal/workdays"
)

// healthSection is the support health section of browserRoster's team on
// the browser model's day (Friday 2026-11-27, noon in Berlin): eight weeks
// of made-up tickets of every priority, some answered late, some not yet,
// on three hubs, one of which has a name written to break out of the page.
// The page only places the section: its figures are health's to test.
func healthSection(t testing.TB) string {
	t.Helper()
	r, probs := roster.Parse("roster.yaml", []byte(browserRoster))
	if r == nil {
		t.Fatal(probs)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, r.Location())
	hubs := []untrusted.Text{untrusted.Of("Acme Hub"), untrusted.Of(`<b>Beta</b> & "Co"`), untrusted.Of("Uni Bootcamp")}
	var tickets []health.Ticket
	start := now.AddDate(0, 0, -52)
	for i := range 48 {
		created := start.Add(time.Duration(i) * 26 * time.Hour)
		tk := health.Ticket{
			ID: int64(1000 + i), Priority: i%4 + 1, Status: 2, Created: created, Updated: created,
			Hub: hubs[i%len(hubs)], HubDown: i%11 == 0,
		}
		if i%7 != 6 { // every seventh is never answered
			first := created.Add(time.Duration(2+(i*5)%40) * time.Hour)
			if first.Before(now) {
				tk.FirstResponded, tk.AgentResponded, tk.Updated = first, first, first
			}
		}
		if i%4 == 1 && !tk.FirstResponded.IsZero() {
			if done := tk.FirstResponded.Add(30 * time.Hour); done.Before(now) {
				tk.Status, tk.Resolved, tk.StatusUpdated, tk.Updated = 4, done, done, done
			}
		}
		tickets = append(tickets, tk)
	}
	rep := health.Build(health.Input{
		Now: now, Weeks: 8, Roster: r,
		Calendar: workdays.New(r.Location(), r.Holidays),
		Policy:   sla.Policy{FirstResponse: r.SLA.FirstResponseDays(), UpdateEvery: r.SLA.UpdateEveryDays()},
		Tickets:  tickets,
	})
	section, err := rep.HTML()
	if err != nil {
		t.Fatal(err)
	}
	return string(section)
}

// healthModel is the browser model with its support health section.
func healthModel(t testing.TB) Model {
	m := browserModel(t)
	m.Health = healthSection(t)
	return m
}

func TestHealthSectionGolden(t *testing.T) {
	golden(t, "health.html", render(t, healthModel(t)))
}

// The section is written whole, once, inside <main> after the shifts and
// dates, with its own style element; without it the page has neither.
func TestHealthSectionIsPlacedWhole(t *testing.T) {
	section := healthSection(t)
	with, without := render(t, healthModel(t)), render(t, browserModel(t))

	if n := strings.Count(with, section); n != 1 {
		t.Fatalf("the section is in the page %d times, want once, as given", n)
	}
	at := strings.Index(with, section)
	for _, before := range []string{`<section id="timeline"`, `<section id="agenda"`, `<section id="dates"`, "<main>"} {
		if i := strings.Index(with, before); i < 0 || i > at {
			t.Errorf("%s is not before the section", before)
		}
	}
	if end := strings.Index(with, "</main>"); end < at+len(section) {
		t.Error("the section is not inside <main>")
	}
	if strings.Replace(with, section+"\n", "", 1) != strings.Replace(without, "</style>\n", "</style>\n"+healthStyleElement+"\n", 1) {
		t.Error("with the section, the page differs from the page without it by more than the section and its style")
	}
	if strings.Contains(without, "support-health") || strings.Count(without, "<style>") != 1 {
		t.Error("the page without a section styles or mentions one")
	}
}

var (
	urlRefs     = regexp.MustCompile(`url\([^)]*\)`)
	handlerAttr = regexp.MustCompile(`\son[a-z]+\s*=`)
)

// What the section needs is what the page's Content-Security-Policy
// already allows: no script, no style sheet or style attribute to widen
// it for, no reference outside the document (the SVG patterns are
// url(#fragment)s of its own).
func TestHealthSectionNeedsNothingTheCSPForbids(t *testing.T) {
	section := strings.ToLower(healthSection(t))
	for _, bad := range []string{"<script", "<style", "style=", "<link", "<img", "<image", "<use", "<foreignobject", "href=", "src=", "@import", "http:", "https:"} {
		if strings.Contains(section, bad) {
			t.Errorf("the section holds %q", bad)
		}
	}
	if h := handlerAttr.FindString(section); h != "" {
		t.Errorf("an event handler in the section: %q", h)
	}
	for _, u := range urlRefs.FindAllString(section, -1) {
		if !strings.HasPrefix(u, "url(#") {
			t.Errorf("the section refers outside itself: %s", u)
		}
	}
	if !strings.Contains(section, `url(#steward-health-tickets-hatch)`) {
		t.Error("no pattern fill found: the check of url() references checks nothing")
	}
	if strings.Contains(healthSection(t), `<b>Beta</b>`) || !strings.Contains(healthSection(t), `&lt;b&gt;Beta&lt;/b&gt; &amp; &#34;Co&#34;`) {
		t.Error("the hostile hub name is not escaped as text")
	}
	if want := "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"; csp != want {
		t.Errorf("the page's policy changed: %q", csp)
	}
}
