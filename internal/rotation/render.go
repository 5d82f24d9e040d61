package rotation

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/support-steward/steward/internal/civil"
)

// row is a shift or a gap, for the human formats that list both in order.
type row struct {
	start, end civil.Date
	who        string
	status     string
}

func (s Schedule) rows() []row {
	rows := make([]row, 0, len(s.Shifts)+len(s.Gaps))
	for _, sh := range s.Shifts {
		status := "projected"
		if sh.Confirmed {
			status = "confirmed"
		}
		rows = append(rows, row{sh.Start, sh.End, fmt.Sprintf("%s (@%s)", sh.Name, sh.GitHub), status})
	}
	for _, g := range s.Gaps {
		rows = append(rows, row{g.Start, g.End, "— nobody available —", "GAP"})
	}
	for _, c := range s.Covers {
		rows = append(rows, row{c.Start, c.End, fmt.Sprintf("%s (@%s) covers %s (@%s)", c.Name, c.GitHub, c.ForName, c.For), "cover"})
	}
	// Stable: on the same start, shifts (appended first) come before gaps,
	// then covers.
	slices.SortStableFunc(rows, func(a, b row) int { return a.start.Compare(b.start) })
	return rows
}

// WriteJSON writes the schedule as design.md specifies:
// {"shifts":[{"github","name","start","end","confirmed"}],"gaps":[{"start","end"}]}.
func (s Schedule) WriteJSON(w io.Writer) error {
	if s.Shifts == nil {
		s.Shifts = []Shift{}
	}
	if s.Gaps == nil {
		s.Gaps = []Gap{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// WriteTable writes an aligned table for a terminal; today's rows are
// marked, and the footer names today only when a row is.
func (s Schedule) WriteTable(w io.Writer, today civil.Date) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tSTART\tEND\tSTEWARD\tSTATUS")
	marked := false
	for _, r := range s.rows() {
		mark := " "
		if covers(r.start, r.end, today) {
			mark, marked = "*", true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", mark, r.start, r.end, r.who, r.status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	foot := "\n"
	if marked {
		foot += fmt.Sprintf("* on duty on %s. ", today)
	}
	foot += "Ranges are [start, end): a steward hands off on the end date."
	if len(s.Covers) > 0 {
		foot += " A cover stands in without moving any shift."
	}
	_, err := fmt.Fprintln(w, foot)
	return err
}

// WriteMarkdown writes a Markdown table, for pull requests and summaries.
func (s Schedule) WriteMarkdown(w io.Writer, today civil.Date) error {
	var b strings.Builder
	b.WriteString("| Start | End | Steward | Status |\n|---|---|---|---|\n")
	for _, r := range s.rows() {
		who, status := r.who, r.status
		if covers(r.start, r.end, today) {
			who = "**" + who + "**"
			status += " (on duty)"
		}
		if r.status == "GAP" {
			status = "⚠️ gap"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.start, r.end, strings.ReplaceAll(who, "|", `\|`), status)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
