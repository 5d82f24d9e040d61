package rosterpr

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/calendar"
	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// Repo is where roster.yaml lives.
type Repo struct {
	Owner, Name string
	Path        string // roster.yaml's path
	Base        string // the branch pull requests merge into; "" = the default branch
	// CalendarPath, when set, is an ICS file the rotation pull request
	// regenerates.
	CalendarPath string
	// PagePath, when set, is the team-roles page it regenerates too.
	PagePath string
	// Issues is owner/name of the support issues, for hand-over checklists.
	Issues       string
	SupportLabel string
}

// Result says what a rotate run did, in a sentence and in figures.
type Result struct {
	Message     string `json:"message"`
	PullRequest int    `json:"pull_request,omitempty"`
	URL         string `json:"url,omitempty"`
	Created     bool   `json:"created,omitempty"`
	Updated     bool   `json:"updated,omitempty"`
	// Declined is true when the team closed this proposal unmerged.
	Declined bool `json:"declined,omitempty"`
}

// Files is every file the rotation pull request writes: roster.yaml (at
// r.Path, whose content rs was read from) with the new shifts appended and
// nothing else changed, the calendar and the team page when configured.
func (repo Repo) Files(rs *roster.Roster, content []byte, prop rotation.Proposal) (map[string][]byte, error) {
	shifts := append(slices.Clone(rs.Shifts), prop.NewShifts...)
	next, err := roster.SetShifts(content, shifts)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{repo.Path: next}
	if repo.CalendarPath != "" {
		nr, probs := roster.Parse(repo.Path, next)
		if nr == nil {
			return nil, probs.Errors()
		}
		from := prop.Handoff.Date.AddDays(-8 * 7)
		s := rotation.Compute(nr, from, prop.Handoff.Date.AddDays(52*7))
		var buf bytes.Buffer
		// The stamp is the handoff's day, so an unchanged proposal writes
		// the same bytes.
		if err := calendar.Write(&buf, s, calendar.Options{Name: "Support Stewards: " + nr.Team,
			Domain: repo.Owner + "." + repo.Name, Stamp: prop.Handoff.Date.UTC(), Refresh: 12 * time.Hour}); err != nil {
			return nil, err
		}
		files[repo.CalendarPath] = buf.Bytes()
	}
	if repo.PagePath != "" {
		b, err := teamPage(repo, next, prop.Handoff.Date)
		if err != nil {
			return nil, err
		}
		files[repo.PagePath] = b
	}
	return files, nil
}

// Reviewers are who a proposal asks to review: who joins and who leaves.
func Reviewers(p rotation.Proposal) []string {
	var out []string
	for _, s := range append(slices.Clone(p.Handoff.Joining), p.Handoff.Leaving...) {
		if !slices.Contains(out, s.GitHub) {
			out = append(out, s.GitHub)
		}
	}
	return out
}

// Preview is the rotation pull request steward would open, computed from
// the roster alone: no GitHub, no FreshDesk, no credentials.
type Preview struct {
	Message string `json:"message"`
	Title   string `json:"title,omitempty"`
	Body    string `json:"body,omitempty"`
	// Diff is roster.yaml's change, as lines removed (-) and added (+)
	// with a line of context either side.
	Diff string `json:"diff,omitempty"`
}

// PreviewRotation says what Rotate would propose for the roster in content
// (read from path): the same title and body, and the change to the file,
// without the hand-over checklist, which needs GitHub and FreshDesk.
func PreviewRotation(path string, content []byte, today civil.Date, lead int) (Preview, error) {
	rs, probs := roster.Parse(path, content)
	if rs == nil {
		return Preview{}, fmt.Errorf("%s is not valid; fix it first:\n%w", path, probs.Errors())
	}
	prop, err := rotation.Propose(rs, today, lead)
	var none rotation.NoProposal
	if errors.As(err, &none) {
		return Preview{Message: "No rotation pull request needed: " + none.Reason + "."}, nil
	}
	if err != nil {
		return Preview{}, err
	}
	next, err := roster.SetShifts(content, append(slices.Clone(rs.Shifts), prop.NewShifts...))
	if err != nil {
		return Preview{}, err
	}
	m := Marker{Handoff: prop.Handoff.Date.String(), Shifts: prop.NewShifts, Reviewers: Reviewers(prop)}
	return Preview{Message: fmt.Sprintf("Would open %q.", prop.Title()), Title: prop.Title(),
		Body: Body(prop, nil, "", m), Diff: lineDiff(path, string(content), string(next))}, nil
}

// lineDiff shows what changed between two versions that differ in one
// place, as a rotation's rewrite does: the common lines at both ends are
// left out but for one of context.
func lineDiff(path, a, b string) string {
	x, y := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n@@ line %d @@\n", path, path, max(pre, 1))
	line := func(sign string, s string) {
		out.WriteString(sign + strings.TrimSuffix(s, "\n") + "\n")
	}
	if pre > 0 {
		line(" ", x[pre-1])
	}
	for _, s := range x[pre : len(x)-suf] {
		line("-", s)
	}
	for _, s := range y[pre : len(y)-suf] {
		line("+", s)
	}
	if suf > 0 && len(x)-suf < len(x) && x[len(x)-suf] != "" {
		line(" ", x[len(x)-suf])
	}
	return out.String()
}
