package health

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteMarkdown writes the report as a GitHub Markdown section (the
// dashboard issue, a job summary): the weekly table, two Mermaid charts
// GitHub draws itself, the hubs and the notes. Hub names, event names and
// handles go through untrusted's Markdown escaper; the charts carry only
// steward's own words and numbers.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Support health\n\n_The last %d weeks in %s; first response within %s, an update every %s._\n\n",
		len(r.Weeks), r.Timezone, r.days(r.Targets.FirstResponse), r.days(r.Targets.UpdateEvery))
	b.WriteString("| Week | Received | L/M/H/U | Event | Hub down | First response on time | Median | p90 | Updates on time | Resolved | Median to resolve | Stewards |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	row := func(label string, f Figures, stewards string) {
		fmt.Fprintf(&b, "| %s | %d | %s | %d | %d | %s | %s | %s | %s | %d | %s | %s |\n", label, f.Received.Total, f.priorities(), f.Received.Event, f.Received.HubDown,
			f.firstShare(), num(f.FirstResponse.MedianHours, " h"), num(f.FirstResponse.P90Hours, " h"), f.updateShare(), f.Resolved.Count, num(f.Resolved.MedianDays, " d"), stewards)
	}
	for _, wk := range r.Weeks {
		row(weekLabel(wk), wk.Figures, stewardNames(wk, mdText))
	}
	row("**All**", r.Total, "")
	b.WriteString("\n")

	var events []string
	for _, wk := range r.Weeks {
		for _, e := range wk.Events {
			events = append(events, fmt.Sprintf("- %s: %s on %s, %s until %s", wk.Start, mdText(e.Name), mdText(e.Hub), e.From, e.To))
		}
	}
	if len(events) > 0 {
		b.WriteString("Events:\n\n" + strings.Join(events, "\n") + "\n\n")
	}
	var holidays []string
	for _, wk := range r.Weeks {
		for _, h := range wk.Holidays {
			holidays = append(holidays, h.String())
		}
	}
	if len(holidays) > 0 {
		b.WriteString("Holidays (no working time): " + strings.Join(holidays, ", ") + "\n\n")
	}

	b.WriteString(r.mermaid())

	if len(r.Hubs) > 0 {
		fmt.Fprintf(&b, "### The %d hubs with the most tickets\n\n", len(r.Hubs))
		b.WriteString("| Hub | Received | First response on time | Median | p90 | Updates on time | Resolved | Median to resolve |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, h := range r.Hubs {
			f := h.Figures
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %d | %s |\n", mdText(h.Name.Unescaped()), f.Received.Total, f.firstShare(),
				num(f.FirstResponse.MedianHours, " h"), num(f.FirstResponse.P90Hours, " h"), f.updateShare(), f.Resolved.Count, num(f.Resolved.MedianDays, " d"))
		}
		b.WriteString("\n")
	}
	for _, line := range strings.Split(r.notes(), "\n") {
		b.WriteString("_" + strings.ReplaceAll(line, "*", `\*`) + "_  \n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaid is two xychart-beta charts: tickets received a week (bars) and
// the share answered on time (a line on a 0 to 100 axis, over the weeks
// that had tickets due: a week with none has no point rather than a false
// 0).
func (r Report) mermaid() string {
	var b strings.Builder
	var labels, counts []string
	top := 0
	for _, wk := range r.Weeks {
		labels = append(labels, strconv.Quote(shortDate(wk)))
		counts = append(counts, strconv.Itoa(wk.Received.Total))
		top = max(top, wk.Received.Total)
	}
	fmt.Fprintf(&b, "```mermaid\nxychart-beta\n    title \"Tickets received a week\"\n    x-axis [%s]\n    y-axis \"Tickets\" 0 --> %d\n    bar [%s]\n```\n\n",
		strings.Join(labels, ", "), niceMax(top), strings.Join(counts, ", "))
	labels = labels[:0]
	var pcts []string
	for _, wk := range r.Weeks {
		if p := wk.FirstResponse.PercentMet; p != nil {
			labels = append(labels, strconv.Quote(shortDate(wk)))
			pcts = append(pcts, strconv.FormatFloat(*p, 'f', -1, 64))
		}
	}
	if len(pcts) > 0 {
		fmt.Fprintf(&b, "```mermaid\nxychart-beta\n    title \"First response within %s (%%)\"\n    x-axis [%s]\n    y-axis \"%%\" 0 --> 100\n    line [%s]\n```\n\n",
			r.days(r.Targets.FirstResponse), strings.Join(labels, ", "), strings.Join(pcts, ", "))
	}
	return b.String()
}

// shortDate labels a week on a chart by its first day, "Sep 14".
func shortDate(w Week) string { return w.Start.UTC().Format("Jan 2") }

// niceMax is a round axis maximum at or above n: 5, 7, 10, 12, 25, 30...
// (a multiple of 1, 2 or 5 times a power of ten, at most ten steps).
func niceMax(n int) int {
	if n <= 4 {
		return 4
	}
	// An even top: the middle grid line of a count is a whole number.
	for step := 2; ; step *= 10 {
		for _, m := range []int{1, 2, 5} {
			if s := m * step; n <= 10*s {
				return (n + s - 1) / s * s
			}
		}
	}
}
