// Package rosterpr is what steward's pull requests about roster.yaml say,
// computed without I/O: the rotation pull request's files, body and hidden
// marker, the roster check's report and schedule diff, the plan of a swap
// or a cover, and the preview of a rotation. internal/usecase opens and
// keeps those pull requests through port.Repo (rotate.go, checkroster.go).
package rosterpr

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/untrusted"
)

// Marker is what a rotation pull request proposes, kept hidden in
// its body so the next run knows the pull request again.
type Marker struct {
	Handoff string         `json:"handoff"`
	Shifts  []roster.Shift `json:"shifts"`
	Base    string         `json:"base"`
	// Head is the branch's head after steward's last commit: when it has
	// moved, people have pushed, and steward leaves their work alone.
	Head      string   `json:"head,omitempty"`
	Reviewers []string `json:"reviewers,omitempty"`
}

var markerRE = regexp.MustCompile(`<!-- steward:rotation (\{.*?\}) -->`)

func (m Marker) String() string {
	b, _ := json.Marshal(m)
	return "<!-- steward:rotation " + strings.ReplaceAll(string(b), "--", `-\u002d`) + " -->"
}

// Same reports whether two markers propose the same shifts.
func (m Marker) Same(o Marker) bool {
	if m.Handoff != o.Handoff || len(m.Shifts) != len(o.Shifts) {
		return false
	}
	for i := range m.Shifts {
		a, b := m.Shifts[i], o.Shifts[i]
		if !strings.EqualFold(a.GitHub, b.GitHub) || a.Start != b.Start || a.End != b.End {
			return false
		}
	}
	return true
}

// ParseMarker finds a rotation pull request's marker in the body steward
// wrote: the last one, where Body puts it, so nothing quoted above it (a
// title in the checklist) can stand in for it.
func ParseMarker(body string) (Marker, bool) {
	all := markerRE.FindAllStringSubmatch(body, -1)
	if all == nil {
		return Marker{}, false
	}
	m := all[len(all)-1]
	var p Marker
	return p, json.Unmarshal([]byte(m[1]), &p) == nil
}

// Checklist is what the leaver hands over.
type Checklist struct {
	Leaver  string
	Issues  []ChecklistIssue
	Tickets []ChecklistTicket
}

// ChecklistIssue is an open support issue assigned to the leaver.
type ChecklistIssue struct {
	Number int
	Title  untrusted.Text // a ticket's subject, or what a person titled it
}

// ChecklistTicket is an open ticket of the leaver's, by link only: ticket
// content stays in FreshDesk.
type ChecklistTicket struct {
	ID       int64
	URL      string
	Priority string
}

func person(s rotation.Shift) string { return fmt.Sprintf("%s (@%s)", s.Name, s.GitHub) }

// Body renders the rotation pull request's description.
func Body(p rotation.Proposal, lists []Checklist, calendarURL string, m Marker) string {
	var b strings.Builder
	h := p.Handoff
	fmt.Fprintf(&b, "## Support Steward handoff on %s\n\n| | Steward | Shift |\n|---|---|---|\n", h.Date)
	for _, s := range h.Joining {
		fmt.Fprintf(&b, "| Joins | %s | %s to %s |\n", person(s), s.Start, s.End)
	}
	for _, s := range h.Staying {
		fmt.Fprintf(&b, "| Stays | %s | until %s |\n", person(s), s.End)
	}
	for _, s := range h.Leaving {
		fmt.Fprintf(&b, "| Leaves | %s | served %s to %s |\n", person(s), s.Start, s.End)
	}
	for _, g := range p.Gaps {
		fmt.Fprintf(&b, "\n⚠️ A seat is unfilled from %s until %s: nobody on the roster is available.\n", g.Start, g.End)
	}
	if a := p.After; a != nil {
		fmt.Fprintf(&b, "\nThe handoff after this one is on %s: %s.\n", a.Date, describe(*a))
	}
	b.WriteString("\nMerging confirms the new shift in `roster.yaml`; only its `shifts` list changes. " +
		"To swap with someone, edit `shifts` in this pull request: steward checks every change.\n")
	for _, c := range lists {
		fmt.Fprintf(&b, "\n### Hand-over from @%s\n\n", c.Leaver)
		for _, is := range c.Issues {
			fmt.Fprintf(&b, "- [ ] #%d %s\n", is.Number, is.Title.Markdown())
		}
		for _, t := range c.Tickets {
			fmt.Fprintf(&b, "- [ ] [FreshDesk ticket #%d](%s) (%s)\n", t.ID, t.URL, t.Priority)
		}
		if len(c.Issues)+len(c.Tickets) == 0 {
			b.WriteString("- [ ] No open support issue or ticket is assigned to you: nothing to hand over\n")
		}
		var joiners []string
		for _, s := range h.Joining {
			joiners = append(joiners, "@"+s.GitHub)
		}
		if len(joiners) > 0 {
			fmt.Fprintf(&b, "- [ ] Walk %s through anything in flight\n", strings.Join(joiners, " and "))
		}
	}
	if calendarURL != "" {
		fmt.Fprintf(&b, "\n📅 [The Support Steward calendar](%s)\n", calendarURL)
	} else {
		b.WriteString("\n📅 `steward schedule --format ics` prints the Support Steward calendar.\n")
	}
	b.WriteString("\n" + m.String() + "\n")
	return b.String()
}

func describe(h rotation.Handoff) string {
	if len(h.Joining)+len(h.Leaving) == 0 {
		return "no change"
	}
	return h.Sentence()
}

// CheckMarker finds the roster-check comment again on later pushes.
const CheckMarker = "<!-- steward:roster-check -->"

// CheckReport renders the outcome of a roster check as Markdown: every
// problem, then how the schedule changes.
func CheckReport(path string, probs roster.Problems, diff *rotation.Diff) (title, summary string) {
	errs, warns := len(probs.Errors()), len(probs.Warnings())
	switch {
	case errs > 0:
		title = fmt.Sprintf("%s: %d error(s), %d warning(s)", path, errs, warns)
	case warns > 0:
		title = fmt.Sprintf("%s is valid, with %d warning(s)", path, warns)
	default:
		title = path + " is valid"
	}
	var b strings.Builder
	for _, p := range probs {
		// The roster may be a fork's: its values, quoted in messages, are
		// escaped.
		fmt.Fprintf(&b, "- **%s** line %d: %s: %s\n", p.Severity, p.Line, untrusted.Of(p.Path).Markdown(), untrusted.Of(p.Message).Markdown())
	}
	if len(probs) > 0 {
		b.WriteString("\n")
	}
	if diff != nil {
		diff.WriteMarkdown(&b)
	} else {
		b.WriteString("Fix the errors to see how the schedule changes.\n")
	}
	return title, b.String()
}
