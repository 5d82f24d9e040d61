package health

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/support-steward/steward/internal/untrusted"
)

// WriteJSON writes the report as JSON, the contract (see Report).
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// num writes a figure, or "—" when there is none.
func num(p *float64, unit string) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64) + unit
}

// share writes "n/of (p%)", or "—" with nothing to count.
func share(n, of int, p *float64) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%d/%d (%s)", n, of, num(p, "%"))
}

func (f Figures) firstShare() string {
	fr := f.FirstResponse
	return share(fr.Met, fr.Met+fr.Missed, fr.PercentMet)
}

func (f Figures) updateShare() string {
	u := f.Updates
	s := share(u.OnTime, u.TicketDays, u.PercentOnTime)
	if u.Unknown > 0 {
		s += fmt.Sprintf(" +%d?", u.Unknown)
	}
	return s
}

func (f Figures) priorities() string {
	rc := f.Received
	s := fmt.Sprintf("%d/%d/%d/%d", rc.Low, rc.Medium, rc.High, rc.Urgent)
	if rc.Other > 0 {
		s += fmt.Sprintf(" +%d", rc.Other)
	}
	return s
}

func weekLabel(w Week) string {
	if w.Partial {
		return w.Start.String() + "*"
	}
	return w.Start.String()
}

func (r Report) days(n int) string {
	if n == 1 {
		return "1 working day"
	}
	return fmt.Sprintf("%d working days", n)
}

// stewardNames are the week's stewards as handles, a cover as "dee for
// bob", each through esc.
func stewardNames(w Week, esc func(string) string) string {
	var parts []string
	for _, s := range w.Stewards {
		p := esc(s.GitHub)
		if s.Covering != "" {
			p += " for " + esc(s.Covering)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

// clean replaces control characters (a terminal's escape sequences) and
// bidirectional overrides in text from outside with U+FFFD, whatever the
// sink: untrusted's escapers leave them in.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.Is(unicode.Cf, r):
			// Format characters (zero-width spaces, joiners, byte-order
			// marks) are invisible: shown, so a name of them is not blank.
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if utf8.RuneCountInString(s) > maxNameRunes {
		s = string([]rune(s)[:maxNameRunes]) + "…"
	}
	return s
}

// maxNameRunes cuts a name in every rendering: a hub's name is whatever
// its company was called, and one of 10,000 characters would fill the
// dashboard issue (GitHub keeps 65,536).
const maxNameRunes = 100

// terminal makes text safe for a terminal (clean) and cuts it to max runes.
func terminal(s string, maxRunes int) string {
	s = clean(s)
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	return string([]rune(s)[:maxRunes]) + "…"
}

// WriteText writes the report as aligned tables for a terminal.
func (r Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Support health: %d weeks in %s (first response within %s, an update every %s)\n\n",
		len(r.Weeks), r.Timezone, r.days(r.Targets.FirstResponse), r.days(r.Targets.UpdateEvery))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "WEEK\tRECEIVED\tL/M/H/U\tEVENT\tHUB DOWN\tFIRST RESPONSE ON TIME\tMEDIAN\tP90\tUPDATES ON TIME\tRESOLVED\tMEDIAN TO RESOLVE\t")
	for _, wk := range r.Weeks {
		f := wk.Figures
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t\n", weekLabel(wk), f.Received.Total, f.priorities(), f.Received.Event, f.Received.HubDown,
			f.firstShare(), num(f.FirstResponse.MedianHours, " h"), num(f.FirstResponse.P90Hours, " h"), f.updateShare(), f.Resolved.Count, num(f.Resolved.MedianDays, " d"))
	}
	f := r.Total
	fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t\n", "ALL", f.Received.Total, f.priorities(), f.Received.Event, f.Received.HubDown,
		f.firstShare(), num(f.FirstResponse.MedianHours, " h"), num(f.FirstResponse.P90Hours, " h"), f.updateShare(), f.Resolved.Count, num(f.Resolved.MedianDays, " d"))
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nStewards, events and holidays")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, wk := range r.Weeks {
		fmt.Fprintf(tw, "  %s\t%s", weekLabel(wk), stewardNames(wk, func(s string) string { return terminal(s, 40) }))
		for _, e := range wk.Events {
			fmt.Fprintf(tw, "; event %s on %s, %s until %s", terminal(e.Name, 60), terminal(e.Hub, 60), e.From, e.To)
		}
		for _, h := range wk.Holidays {
			fmt.Fprintf(tw, "; holiday %s", h)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	if len(r.Hubs) > 0 {
		fmt.Fprintf(w, "\nThe %d hubs with the most tickets\n", len(r.Hubs))
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "HUB\tRECEIVED\tFIRST RESPONSE ON TIME\tMEDIAN\tP90\tUPDATES ON TIME\tRESOLVED\tMEDIAN TO RESOLVE")
		for _, h := range r.Hubs {
			f := h.Figures
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\n", terminal(h.Name.Unescaped(), 40), f.Received.Total, f.firstShare(),
				num(f.FirstResponse.MedianHours, " h"), num(f.FirstResponse.P90Hours, " h"), f.updateShare(), f.Resolved.Count, num(f.Resolved.MedianDays, " d"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\n%s\n", r.notes())
	return err
}

// notes explain the marks the tables use.
func (r Report) notes() string {
	var b strings.Builder
	if n := len(r.Weeks); n > 0 {
		// The day, not the time: the dashboard is edited only when its
		// figures change, not on every run.
		fmt.Fprintf(&b, "* The current week, so far (to %s).\n", r.Generated.In(r.zone()).Format(time.DateOnly))
	}
	b.WriteString("L/M/H/U: Low, Medium, High, Urgent (+ other priorities). Times in working hours (h) and working days (d), Pending excluded from first response.\n")
	b.WriteString("Updates on time: open, answered, not Pending ticket-days with a public reply within the update target.")
	if r.Replies.Unsettled > 0 {
		fmt.Fprintf(&b, "\n+N?: ticket-days left out, unknown until the conversations of %s are read (the next runs read them).", plural(r.Replies.Unsettled, "ticket"))
	}
	return b.String()
}

// mdText escapes roster or stranger text for GitHub Markdown.
func mdText(s string) string { return untrusted.Of(clean(s)).Markdown() }

func (r Report) zone() *time.Location {
	if r.loc == nil {
		return time.UTC
	}
	return r.loc
}

func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
