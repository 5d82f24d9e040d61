package comms

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	ada   = Person{Name: "Ada Lovelace", Slack: "U0ADA00001"}
	grace = Person{Name: "Grace Hopper", Slack: "U0GRACE001"}
	alan  = Person{Name: "Alan Turing"} // no slack id: named, not mentioned
	la, _ = time.LoadLocation("America/Los_Angeles")
	t42   = Ticket{ID: 42, URL: "https://acme.freshdesk.com/a/tickets/42",
		Subject: "Login fails for jane.doe@example.org, call +1 (555) 123-4567 <urgent> & soon", Priority: "High", Hub: "example-hub"}
)

func TestMessagesGolden(t *testing.T) {
	due := time.Date(2026, 11, 3, 23, 0, 0, 0, time.UTC)
	cases := []struct{ name, text string }{
		{"thread parent", ThreadParent(t42, []Person{ada, grace})},
		{"thread parent, a gap and no hub", ThreadParent(Ticket{ID: 7, URL: "https://acme.freshdesk.com/a/tickets/7", Subject: "Slow|notebooks"}, nil)},
		{"issue opened, asked", IssueOpened(Link{URL: "https://github.com/acme/support/issues/12", Label: "acme/support#12"}, []Person{alan})},
		{"issue opened, nobody asked", IssueOpened(Link{URL: "https://github.com/acme/support/issues/12", Label: "acme/support#12"}, nil)},
		{"asked", Asked(grace, "kubernetes skills; asked least recently")},
		{"first response missed", FirstResponseMissed(due, la, []Person{ada, grace})},
		{"update due", UpdateDue(due.Add(-50*time.Hour), due, la, []Person{ada})},
		{"update due, never updated", UpdateDue(time.Time{}, due, la, nil)},
		{"reopened", Reopened(due, la)},
		{"resolved", Resolved("Fixed the login redirect; told jane.doe@example.org.", []Link{
			{URL: "https://github.com/acme/support/issues/12", Label: "acme/support#12"},
			{URL: "https://github.com/acme/hub/pull/99", Label: "acme/hub#99"}})},
		{"resolved, no summary", Resolved("", nil)},
		{"handoff, one of each", HandoffMessage(Handoff{Date: civil.MustParse("2026-11-16"), Joining: []Person{grace}, Staying: []Person{ada}, Leaving: []Person{alan},
			PullRequest: Link{URL: "https://github.com/acme/support/pull/31", Label: "Rotation: Grace Hopper joins on 2026-11-16"}})},
		{"handoff, two join and two leave", HandoffMessage(Handoff{Date: civil.MustParse("2026-11-16"), Joining: []Person{grace, alan}, Leaving: []Person{ada, {Name: "Barbara Liskov"}}})},
		{"handoff, nobody joins", HandoffMessage(Handoff{Date: civil.MustParse("2026-11-16"), Staying: []Person{ada}, Leaving: []Person{grace}})},
		{"event, the working day before", EventMessage(EventNotice{EventTomorrow, Event{Name: "Workshop", Hub: "example-hub", From: civil.MustParse("2026-12-01"), To: civil.MustParse("2026-12-04")}},
			[]Ticket{t42, {ID: 43, URL: "https://acme.freshdesk.com/a/tickets/43", Subject: "Kernel dies", Priority: "Urgent"}}, []Person{ada, grace})},
		{"event, its first day, one day long, no tickets", EventMessage(EventNotice{EventToday, Event{Name: "Hackathon", Hub: "other-hub", From: civil.MustParse("2026-12-01"), To: civil.MustParse("2026-12-02")}}, nil, nil)},
	}
	var b strings.Builder
	for _, c := range cases {
		b.WriteString("== " + c.name + "\n" + c.text + "\n\n")
	}
	golden(t, "testdata/messages.golden", b.String())
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestNoPersonalDataReachesTheChannel(t *testing.T) {
	for _, text := range []string{ThreadParent(t42, nil), EventMessage(EventNotice{Event: Event{Name: "E", Hub: "h"}}, []Ticket{t42}, nil),
		Resolved("mailed jane.doe@example.org and rang 020 7946 0018", nil)} {
		for _, bad := range []string{"jane.doe", "example.org", "555", "7946"} {
			if strings.Contains(text, bad) {
				t.Errorf("%q reached the channel:\n%s", bad, text)
			}
		}
	}
}
