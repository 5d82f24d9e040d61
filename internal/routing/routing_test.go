package routing

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

func team(t *testing.T, extra string) *roster.Roster {
	t.Helper()
	r, probs := roster.Parse("r.yaml", []byte(`version: 1
team: T
timezone: UTC
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada, skills: [kubernetes]}
  - {name: Bob, github: bob, skills: [kubernetes, auth]}
  - {name: Cy, github: cy, skills: [auth]}
  - {name: Dee, github: dee, skills: [kubernetes]}
  - {name: Eve, github: eve, skills: [storage]}
  - {name: Fay, github: fay, skills: [kubernetes]}
`+extra))
	if r == nil {
		t.Fatal(probs)
	}
	return r
}

func TestChooseExplainsItself(t *testing.T) {
	r := team(t, "")
	today := civil.MustParse("2026-01-07") // ada and bob are the stewards
	h := History{LastAsked: map[string]time.Time{"dee": time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}, Open: map[string]int{"fay": 2}}
	c, err := Choose(r, today, h, Request{Issue: 9, Skills: []string{"kubernetes"}})
	if err != nil {
		t.Fatal(err)
	}
	// Kubernetes people off duty: dee (asked 2026-01-02) and fay (never
	// asked, 2 open): fay, asked least recently.
	if c.GitHub != "fay" || !strings.Contains(c.Reason, "has the skills asked for (kubernetes)") || !strings.Contains(c.Reason, "has not been asked") {
		t.Errorf("%+v", c)
	}
	c, _ = Choose(r, today, h, Request{Issue: 9, Skills: []string{"kubernetes"}, Asked: []string{"fay"}})
	if c.GitHub != "dee" {
		t.Errorf("after fay unassigned herself: %+v", c)
	}
	c, _ = Choose(r, today, h, Request{Issue: 9, Skills: []string{"gpu"}})
	if !strings.Contains(c.Reason, "nobody available has gpu") {
		t.Errorf("unknown skill: %+v", c)
	}
}

func TestStewardsOnlyWhenNobodyElse(t *testing.T) {
	r := team(t, "")
	today := civil.MustParse("2026-01-07")
	var asked []string
	for range 4 { // cy, dee, eve, fay; then the stewards
		c, err := Choose(r, today, History{}, Request{Issue: 1, Asked: asked})
		if err != nil {
			t.Fatal(err)
		}
		if c.GitHub == "ada" || c.GitHub == "bob" {
			t.Fatalf("a steward was asked while %v were not", asked)
		}
		asked = append(asked, c.GitHub)
	}
	c, err := Choose(r, today, History{}, Request{Issue: 1, Asked: asked})
	if err != nil || (c.GitHub != "ada" && c.GitHub != "bob") || !strings.Contains(c.Reason, "steward on duty") {
		t.Errorf("%+v %v", c, err)
	}
	asked = append(asked, "ada", "bob")
	if _, err := Choose(r, today, History{}, Request{Issue: 1, Asked: asked}); err == nil || !strings.Contains(err.Error(), "asked about #1 already") {
		t.Errorf("everyone asked: %v", err)
	}
}

func TestAwayAndNotYetJoinedAreNotAsked(t *testing.T) {
	r := team(t, "  - {name: Gus, github: gus, joined: 2026-02-01}\n")
	r.Engineers[5].Away = []roster.AwayPeriod{{From: civil.MustParse("2026-01-05"), To: civil.MustParse("2026-01-09")}}
	today := civil.MustParse("2026-01-07")
	seen := map[string]bool{}
	var asked []string
	for {
		c, err := Choose(r, today, History{}, Request{Issue: 1, Asked: asked})
		if err != nil {
			break
		}
		seen[c.GitHub] = true
		asked = append(asked, c.GitHub)
	}
	if seen["fay"] || seen["gus"] || len(seen) != 5 {
		t.Errorf("asked %v", asked)
	}
}

// TestFairnessOver200Issues simulates a stable team answering 200 support
// issues, each asking for one skill (or none), with the history built from
// the choices themselves. The stewards on duty (ada and bob) are asked only
// when nobody else is available, so fairness is measured among the others.
func TestFairnessOver200Issues(t *testing.T) {
	r := team(t, "")
	today := civil.MustParse("2026-01-07")
	h := History{LastAsked: map[string]time.Time{}, Open: map[string]int{}}
	asks := map[string]int{}
	bySkill := map[string]map[string]int{}
	skills := []string{"kubernetes", "auth", "storage", ""}
	prev := ""
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for i := range 200 {
		sk := skills[i%len(skills)]
		var want []string
		if sk != "" {
			want = []string{sk}
		}
		c, err := Choose(r, today, h, Request{Issue: i + 1, Skills: want})
		if err != nil {
			t.Fatal(err)
		}
		if c.GitHub == prev {
			// Only allowed when nobody else could have been asked.
			t.Errorf("issue %d: %s asked twice in a row", i+1, c.GitHub)
		}
		prev = c.GitHub
		at = at.Add(37 * time.Minute)
		h.LastAsked[c.GitHub] = at
		h.Open[c.GitHub]++
		if i%3 == 0 { // some issues get closed
			for k := range h.Open {
				if h.Open[k] > 0 {
					h.Open[k]--
					break
				}
			}
		}
		asks[c.GitHub]++
		if bySkill[sk] == nil {
			bySkill[sk] = map[string]int{}
		}
		bySkill[sk][c.GitHub]++
	}
	// Among engineers with the same skills, asks differ by at most one.
	groups := map[string][]string{}
	for _, e := range r.Engineers {
		if e.GitHub == "ada" || e.GitHub == "bob" {
			if asks[e.GitHub] != 0 {
				t.Errorf("steward %s was asked %d times while others were available", e.GitHub, asks[e.GitHub])
			}
			continue
		}
		groups[fmt.Sprint(e.Skills)] = append(groups[fmt.Sprint(e.Skills)], e.GitHub)
	}
	for skills, members := range groups {
		lo, hi := 1<<30, -1
		for _, m := range members {
			lo, hi = min(lo, asks[m]), max(hi, asks[m])
		}
		if hi-lo > 1 {
			t.Errorf("engineers with skills %s were asked %v times", skills, countsOf(asks, members))
		}
	}
	t.Logf("asks per engineer over 200 issues: %v", asks)
}

func countsOf(asks map[string]int, who []string) []int {
	var out []int
	for _, w := range who {
		out = append(out, asks[w])
	}
	return out
}

func TestSkillsFromLabels(t *testing.T) {
	r := team(t, "integrations:\n  github:\n    repo: o/r\n    skill_labels: {k8s: kubernetes}\n")
	if got := Skills(r, []string{"support", "k8s", "Auth", "priority: high"}); strings.Join(got, ",") != "kubernetes,auth" {
		t.Errorf("skills %v", got)
	}
}

func TestRoutingFalseOptsOutWithoutLeavingTheRotation(t *testing.T) {
	r := team(t, "  - {name: Mia Manager, github: mia, support_rotation: false, routing: false}\n  - {name: Abe, github: abe, routing: false}\n")
	today := civil.MustParse("2026-01-07")
	var asked []string
	for {
		c, err := Choose(r, today, History{}, Request{Issue: 1, Asked: asked})
		if err != nil {
			break
		}
		asked = append(asked, c.GitHub)
	}
	if slices.Contains(asked, "mia") || slices.Contains(asked, "abe") || len(asked) != 6 {
		t.Errorf("asked %v; want the six routable engineers, never mia or abe", asked)
	}
}

func TestCapacityCapStopsAsking(t *testing.T) {
	r := team(t, "")
	r.Support.MaxOpenSupport = 2
	today := civil.MustParse("2026-01-07")
	h := History{LastAsked: map[string]time.Time{}, Open: map[string]int{"cy": 2, "dee": 2, "eve": 1, "fay": 3}}
	c, err := Choose(r, today, h, Request{Issue: 4})
	if err != nil || c.GitHub != "eve" {
		t.Fatalf("want eve, the only non-steward under the cap: %+v %v", c, err)
	}
	for _, k := range []string{"ada", "bob", "eve"} {
		h.Open[k] = 2
	}
	_, err = Choose(r, today, h, Request{Issue: 4})
	var no NoOne
	if !errors.As(err, &no) || !no.AtCapacity || !strings.Contains(no.Reason, "max_open_support") {
		t.Errorf("everyone at the cap: %v", err)
	}
}

func TestReasonsAreGrammaticalInBothPersons(t *testing.T) {
	r := team(t, "")
	today := civil.MustParse("2026-01-07")
	h := History{LastAsked: map[string]time.Time{"cy": time.Date(2026, 1, 6, 14, 30, 0, 0, time.UTC)}, Open: map[string]int{"cy": 1}}
	c, err := Choose(r, today, h, Request{Issue: 2, Skills: []string{"auth"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "has the skills asked for (auth); was asked least recently (2026-01-06 14:30); has 1 open support issue"
	if c.Reason != want {
		t.Errorf("third person:\n got %q\nwant %q", c.Reason, want)
	}
	wantYou := "have the skills asked for (auth); were asked least recently (2026-01-06 14:30); have 1 open support issue"
	if c.ReasonToYou() != wantYou {
		t.Errorf("second person:\n got %q\nwant %q", c.ReasonToYou(), wantYou)
	}
	for _, bad := range []string{"you has", "you was", "1 open support issues", "issue(s)"} {
		if strings.Contains("you "+c.ReasonToYou(), bad) || strings.Contains(c.Reason, bad) {
			t.Errorf("%q in %q / %q", bad, c.Reason, c.ReasonToYou())
		}
	}
}

// TestEveryoneOnceBeforeAnyoneTwice asks for many issues on one day, a few
// minutes apart, with the history kept to the minute: nobody under the cap
// is asked a second time before every eligible engineer was asked once.
func TestEveryoneOnceBeforeAnyoneTwice(t *testing.T) {
	r := team(t, "")
	r.Support.MaxOpenSupport = 3
	today := civil.MustParse("2026-01-07")
	h := History{LastAsked: map[string]time.Time{}, Open: map[string]int{}}
	at := time.Date(2026, 1, 7, 9, 0, 0, 0, time.UTC)
	asks := map[string]int{}
	for i := range 12 {
		c, err := Choose(r, today, h, Request{Issue: i + 1})
		if err != nil {
			t.Fatal(err)
		}
		asks[c.GitHub]++
		// Among the four non-stewards, counts never differ by more than one.
		lo, hi := 1<<30, 0
		for _, k := range []string{"cy", "dee", "eve", "fay"} {
			lo, hi = min(lo, asks[k]), max(hi, asks[k])
		}
		if hi-lo > 1 {
			t.Fatalf("after %d asks: %v", i+1, asks)
		}
		at = at.Add(5 * time.Minute)
		h.LastAsked[c.GitHub] = at
		h.Open[c.GitHub]++
	}
	// Then the cap (3) is reached by all four: the stewards are next.
	if asks["ada"]+asks["bob"] != 0 || asks["cy"] != 3 {
		t.Errorf("asks %v", asks)
	}
	c, err := Choose(r, today, h, Request{Issue: 13})
	if err != nil || (c.GitHub != "ada" && c.GitHub != "bob") {
		t.Errorf("with the others at the cap: %+v %v", c, err)
	}
}
