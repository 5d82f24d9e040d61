package rotation

import (
	"fmt"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// Proposal is the next handoff, ready to be confirmed in roster.yaml.
type Proposal struct {
	Handoff Handoff
	// NewShifts are the projected shifts starting at the handoff that
	// roster.yaml does not confirm yet.
	NewShifts []roster.Shift
	// Gaps are seats nobody can fill from the handoff on.
	Gaps []Gap
	// After is the handoff after this one, if any.
	After *Handoff
}

// NoProposal says why there is nothing to propose.
type NoProposal struct{ Reason string }

func (n NoProposal) Error() string { return n.Reason }

// Propose returns the next handoff after today when it falls within lead
// days and is not confirmed yet; otherwise a NoProposal saying why.
func Propose(r *roster.Roster, today civil.Date, lead int) (Proposal, error) {
	st := Who(r, today)
	h := st.Next
	if h == nil {
		return Proposal{}, NoProposal{"no handoff is scheduled"}
	}
	if h.Date.Sub(today) > lead {
		return Proposal{}, NoProposal{fmt.Sprintf("the next handoff is on %s, more than %d days away", h.Date, lead)}
	}
	p := Proposal{Handoff: *h}
	for _, s := range h.Joining {
		if !s.Confirmed {
			p.NewShifts = append(p.NewShifts, roster.Shift{GitHub: s.GitHub, Start: s.Start, End: s.End})
		}
	}
	s := Compute(r, h.Date, h.Date.AddDays(1))
	for _, g := range s.Gaps {
		if g.Start == h.Date {
			p.Gaps = append(p.Gaps, g)
		}
	}
	switch {
	case len(p.NewShifts) == 0 && len(h.Joining) == 0:
		return Proposal{}, NoProposal{fmt.Sprintf("nobody joins at the handoff on %s: nobody on the roster is available for the seat (a gap)", h.Date)}
	case len(p.NewShifts) == 0:
		return Proposal{}, NoProposal{fmt.Sprintf("the handoff on %s is already confirmed in roster.yaml", h.Date)}
	}
	p.After = Who(r, h.Date).Next
	return p, nil
}

// Title is the pull request's title, e.g.
// "Support Stewards: Ada Lovelace joins, Grace Hopper leaves on 2026-12-07".
func (p Proposal) Title() string {
	var parts []string
	if j := names(p.Handoff.Joining); j != "" {
		parts = append(parts, j+verb(len(p.Handoff.Joining), " joins", " join"))
	}
	if l := names(p.Handoff.Leaving); l != "" {
		parts = append(parts, l+verb(len(p.Handoff.Leaving), " leaves", " leave"))
	}
	return fmt.Sprintf("Support Stewards: %s on %s", strings.Join(parts, ", "), p.Handoff.Date)
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func names(shifts []Shift) string {
	var n []string
	for _, s := range shifts {
		n = append(n, s.Name)
	}
	switch len(n) {
	case 0:
		return ""
	case 1:
		return n[0]
	}
	return strings.Join(n[:len(n)-1], ", ") + " and " + n[len(n)-1]
}
