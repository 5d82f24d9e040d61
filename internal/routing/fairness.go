package routing

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// Fairness is how the support work was spread over a window: steward shifts
// from the roster, support issues from the assignment history.
type Fairness struct {
	Since civil.Date `json:"since"`
	Today civil.Date `json:"today"`
	Rows  []Share    `json:"engineers"`
	// MinAsked and MaxAsked are the spread of asks among the engineers
	// routing may ask (routing not false, on the team today).
	MinAsked int `json:"min_asked"`
	MaxAsked int `json:"max_asked"`
	// Next is who routing would ask next for an issue with no skills, or
	// why nobody.
	Next    string `json:"next,omitempty"`
	NextWhy string `json:"next_why"`
}

// Share is one engineer's part.
type Share struct {
	GitHub     string     `json:"github"`
	Name       string     `json:"name"`
	Shifts     int        `json:"shifts"`
	DaysOnDuty int        `json:"days_on_duty"`
	Asked      int        `json:"asked"`
	Taken      int        `json:"taken"`
	Declined   int        `json:"declined"`
	Open       int        `json:"open"`
	LastAsked  *time.Time `json:"last_asked,omitempty"`
	Routable   bool       `json:"routable"`
}

// Spread computes the fairness report for [since, today]. sched holds the
// shifts overlapping that window (covers included as the rotation gives
// them); h holds the asks and declines within it and the open issues now.
func Spread(r *roster.Roster, sched rotation.Schedule, h History, since, today civil.Date) Fairness {
	f := Fairness{Since: since, Today: today}
	end := today.AddDays(1)
	rows := map[string]*Share{}
	for _, e := range r.Engineers {
		k := key(e.GitHub)
		s := &Share{GitHub: e.GitHub, Name: e.Name, Asked: h.Asks[k], Declined: h.Declines[k], Open: h.Open[k],
			Routable: e.Routable() && e.OnTeam(today)}
		s.Taken = max(s.Asked-s.Declined, 0)
		if t, ok := h.LastAsked[k]; ok && !t.IsZero() {
			s.LastAsked = &t
		}
		rows[k] = s
	}
	for _, sh := range sched.Shifts {
		s, ok := rows[key(sh.GitHub)]
		lo, hi := civil.Max(sh.Start, since), civil.Min(sh.End, end)
		if !ok || !lo.Before(hi) {
			continue
		}
		s.Shifts++
		s.DaysOnDuty += hi.Sub(lo)
	}
	first := true
	for _, e := range r.Engineers {
		s := rows[key(e.GitHub)]
		f.Rows = append(f.Rows, *s)
		if !s.Routable {
			continue
		}
		if first {
			f.MinAsked, f.MaxAsked, first = s.Asked, s.Asked, false
		}
		f.MinAsked, f.MaxAsked = min(f.MinAsked, s.Asked), max(f.MaxAsked, s.Asked)
	}
	slices.SortStableFunc(f.Rows, func(a, b Share) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.GitHub, b.GitHub))
	})
	if c, err := Choose(r, today, h, Request{}); err != nil {
		f.NextWhy = err.Error()
	} else {
		f.Next, f.NextWhy = c.GitHub, c.Reason
	}
	return f
}

func key(handle string) string { return strings.ToLower(handle) }

// WriteJSON writes the report as JSON.
func (f Fairness) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// WriteText writes the report as an aligned table.
func (f Fairness) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Support work from %s to %s\n\n", f.Since, f.Today)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENGINEER\tSHIFTS\tDAYS ON DUTY\tASKED\tTAKEN\tDECLINED\tOPEN\tLAST ASKED")
	for _, s := range f.Rows {
		fmt.Fprintf(tw, "%s (@%s)%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", s.Name, s.GitHub, optOut(s), s.Shifts, s.DaysOnDuty, s.Asked, s.Taken, s.Declined, s.Open, lastAsked(s))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s\n", f.summary())
	return err
}

// WriteMarkdown writes the report as a Markdown section (for the dashboard
// and the job summary).
func (f Fairness) WriteMarkdown(w io.Writer) error {
	fmt.Fprintf(w, "## Fairness since %s\n\n", f.Since)
	fmt.Fprintln(w, "| Engineer | Shifts | Days on duty | Asked | Taken | Declined | Open | Last asked |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---|")
	for _, s := range f.Rows {
		fmt.Fprintf(w, "| %s (@%s)%s | %d | %d | %d | %d | %d | %d | %s |\n", s.Name, s.GitHub, optOut(s), s.Shifts, s.DaysOnDuty, s.Asked, s.Taken, s.Declined, s.Open, lastAsked(s))
	}
	_, err := fmt.Fprintf(w, "\n%s\n", f.summary())
	return err
}

func optOut(s Share) string {
	if !s.Routable {
		return " ¹"
	}
	return ""
}

func lastAsked(s Share) string {
	if s.LastAsked == nil {
		return "never"
	}
	return s.LastAsked.Format("2006-01-02 15:04")
}

func (f Fairness) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Spread of asks among those routing may ask: %d to %d.", f.MinAsked, f.MaxAsked)
	if f.Next != "" {
		fmt.Fprintf(&b, " Next to be asked: @%s, who %s.", f.Next, f.NextWhy)
	} else {
		fmt.Fprintf(&b, " Nobody can be asked next: %s.", f.NextWhy)
	}
	b.WriteString("\n¹ not asked by routing (routing: false, or not on the team today).")
	return b.String()
}
