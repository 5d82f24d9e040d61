package health

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// Chart is one picture of the report for the team page: an inline SVG
// (role="img", with a title, a description and a viewBox, 100 % wide so it
// scales to a phone) and the same figures as an HTML table for screen
// readers and print. Neither holds a script, a style sheet, a font or an
// image, nor refers to anything but its own #fragments; the series differ
// by pattern, dash and marker as well as by shade, so they print in black
// and white.
type Chart struct {
	ID    string
	Title string
	// SVG and Table are HTML to include as they are.
	SVG, Table string

	chart svgChart
	table htmlTable
}

// The charts' frame, in viewBox units.
const (
	chartW, chartH           = 640, 300
	padLeft, padRight        = 52, 16
	padTop, padBottom        = 48, 40
	plotW, plotH             = chartW - padLeft - padRight, chartH - padTop - padBottom
	barShare                 = 0.6
	maxXLabels               = 12
	idPrefix                 = "steward-health-"
	inkDark, inkMid, inkPale = "#222", "#666", "#ddd"
)

type svgText struct {
	X, Y   string
	Anchor string
	Text   string
	Bold   bool
}

type svgRect struct{ X, Y, W, H, Fill string }

type svgLine struct {
	Points string
	Dash   string
	Width  string
}

type svgMarker struct {
	X, Y   string
	Square bool
	// SX and SY are the square's corner.
	SX, SY string
}

type svgGrid struct{ Y, X1, X2 string }

type svgChart struct {
	ID, Title, Desc string
	W, H            int
	Patterns        bool
	Grid            []svgGrid
	Refs            []svgLine
	Rects           []svgRect
	Lines           []svgLine
	Markers         []svgMarker
	Texts           []svgText
}

type htmlTable struct {
	Caption string
	Head    []string
	Rows    [][]string
}

// render writes a templ component (section.templ) as a string; templ
// escaped every value it was given.
func render(c templ.Component) (string, error) {
	var b strings.Builder
	if err := c.Render(context.Background(), &b); err != nil {
		return "", err
	}
	return b.String(), nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// nl ends a line of the section's source.
var nl = templ.Raw("\n")

func f1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// Charts returns the report's three charts: tickets received a week
// stacked by priority; the share of first responses on time against the
// 100 % line; the median and p90 first-response time against the target.
func (r Report) Charts() ([]Chart, error) {
	var out []Chart
	for _, mk := range []func() (svgChart, htmlTable){r.ticketsChart, r.onTimeChart, r.timesChart} {
		c, t := mk()
		svg, err := render(svgChartView(c))
		if err != nil {
			return nil, fmt.Errorf("drawing %s: %w", c.Title, err)
		}
		table, err := render(tableView(t))
		if err != nil {
			return nil, fmt.Errorf("tabulating %s: %w", c.Title, err)
		}
		out = append(out, Chart{ID: c.ID, Title: c.Title, SVG: svg, Table: table, chart: c, table: t})
	}
	return out, nil
}

// band is the centre of week i's column and a bar's width.
func (r Report) band(i int) (centre, bar float64) {
	w := float64(plotW) / float64(max(len(r.Weeks), 1))
	return padLeft + w*(float64(i)+0.5), w * barShare
}

func yAt(v, top float64) float64 { return padTop + plotH*(1-v/top) }

// axes draws the grid at 0, half and top, its labels, and the weeks'
// labels (at most maxXLabels of them, the current week marked *).
func (r Report) axes(c *svgChart, top float64, unit string) {
	for _, v := range []float64{0, top / 2, top} {
		y := f1(yAt(v, top))
		c.Grid = append(c.Grid, svgGrid{Y: y, X1: f1(padLeft), X2: f1(chartW - padRight)})
		c.Texts = append(c.Texts, svgText{X: f1(padLeft - 6), Y: f1(yAt(v, top) + 4), Anchor: "end", Text: strconv.FormatFloat(v, 'f', -1, 64) + unit})
	}
	every := (len(r.Weeks) + maxXLabels - 1) / maxXLabels
	for i, wk := range r.Weeks {
		if (len(r.Weeks)-1-i)%max(every, 1) != 0 {
			continue
		}
		x, _ := r.band(i)
		label := shortDate(wk)
		if wk.Partial {
			label += "*"
		}
		c.Texts = append(c.Texts, svgText{X: f1(x), Y: f1(chartH - padBottom + 18), Anchor: "middle", Text: label})
	}
}

// legend places labelled swatches along the top.
func legend(c *svgChart, items []svgRect, labels []string) {
	x := float64(padLeft)
	for i, it := range items {
		it.X, it.Y, it.W, it.H = f1(x), "14", "14", "14"
		c.Rects = append(c.Rects, it)
		c.Texts = append(c.Texts, svgText{X: f1(x + 20), Y: "26", Anchor: "start", Text: labels[i]})
		x += 28 + 8*float64(len(labels[i]))
	}
}

func (r Report) span() string {
	if len(r.Weeks) == 0 {
		return ""
	}
	return fmt.Sprintf("from the week of %s to the week of %s (the current week so far)", r.Weeks[0].Start, r.Weeks[len(r.Weeks)-1].Start)
}

func (r Report) ticketsChart() (svgChart, htmlTable) {
	c := svgChart{ID: idPrefix + "tickets", Title: "Tickets received a week, by priority", W: chartW, H: chartH, Patterns: true}
	fills := []string{inkPale, "url(#" + c.ID + "-dots)", "url(#" + c.ID + "-hatch)", inkDark, "#fff"}
	names := []string{"Low", "Medium", "High", "Urgent", "Other"}
	other := false
	most := 0
	for _, wk := range r.Weeks {
		most = max(most, wk.Received.Total)
		other = other || wk.Received.Other > 0
	}
	if !other {
		fills, names = fills[:4], names[:4]
	}
	top := float64(niceMax(most))
	r.axes(&c, top, "")
	t := htmlTable{Caption: c.Title, Head: append(append([]string{"Week"}, names...), "Total")}
	for i, wk := range r.Weeks {
		rc := wk.Received
		parts := []int{rc.Low, rc.Medium, rc.High, rc.Urgent, rc.Other}[:len(names)]
		x, bw := r.band(i)
		base := 0
		row := []string{weekLabel(wk)}
		for k, n := range parts {
			row = append(row, strconv.Itoa(n))
			if n == 0 {
				continue
			}
			y0, y1 := yAt(float64(base), top), yAt(float64(base+n), top)
			c.Rects = append(c.Rects, svgRect{X: f1(x - bw/2), Y: f1(y1), W: f1(bw), H: f1(y0 - y1), Fill: fills[k]})
			base += n
		}
		c.Texts = append(c.Texts, svgText{X: f1(x), Y: f1(yAt(float64(rc.Total), top) - 5), Anchor: "middle", Text: strconv.Itoa(rc.Total), Bold: true})
		t.Rows = append(t.Rows, append(row, strconv.Itoa(rc.Total)))
	}
	var sw []svgRect
	for _, f := range fills {
		sw = append(sw, svgRect{Fill: f})
	}
	legend(&c, sw, names)
	c.Desc = fmt.Sprintf("Bars of the tickets received each week %s, stacked from the bottom: %s; the total is written above each bar. The table beside it gives the same figures.",
		r.span(), strings.Join(names, ", "))
	return c, t
}

func (r Report) onTimeChart() (svgChart, htmlTable) {
	target := r.days(r.Targets.FirstResponse)
	c := svgChart{ID: idPrefix + "on-time", Title: "First response within " + target + ", % of tickets due", W: chartW, H: chartH}
	r.axes(&c, 100, " %")
	c.Refs = append(c.Refs, svgLine{Points: fmt.Sprintf("%s,%s %s,%s", f1(padLeft), f1(yAt(100, 100)), f1(chartW-padRight), f1(yAt(100, 100))), Dash: "6 4", Width: "2"})
	t := htmlTable{Caption: c.Title, Head: []string{"Week", "On time", "Due", "Share"}}
	var run []string
	flush := func() {
		if len(run) > 1 {
			c.Lines = append(c.Lines, svgLine{Points: strings.Join(run, " "), Width: "2"})
		}
		run = nil
	}
	for i, wk := range r.Weeks {
		fr := wk.FirstResponse
		x, _ := r.band(i)
		t.Rows = append(t.Rows, []string{weekLabel(wk), strconv.Itoa(fr.Met), strconv.Itoa(fr.Met + fr.Missed), num(fr.PercentMet, " %")})
		if fr.PercentMet == nil {
			flush()
			c.Texts = append(c.Texts, svgText{X: f1(x), Y: f1(yAt(0, 100) - 6), Anchor: "middle", Text: "—"})
			continue
		}
		p := *fr.PercentMet
		y := yAt(p, 100)
		run = append(run, f1(x)+","+f1(y))
		c.Markers = append(c.Markers, svgMarker{X: f1(x), Y: f1(y)})
		ty := y - 9
		if p >= 95 {
			ty = y + 18 // below the point, clear of the 100 % line
		}
		c.Texts = append(c.Texts, svgText{X: f1(x), Y: f1(ty), Anchor: "middle", Text: strconv.FormatFloat(math.Round(p), 'f', -1, 64) + "%"})
	}
	flush()
	legend(&c, []svgRect{{Fill: inkDark}}, []string{"on time (the dashed line is 100 %; — is a week with none due)"})
	c.Desc = fmt.Sprintf("A line of the share of tickets first answered within %s, each week %s, against a dashed line at 100 %%; a week with no ticket due has no point. The table beside it gives the same figures.",
		target, r.span())
	return c, t
}

func (r Report) timesChart() (svgChart, htmlTable) {
	targetH := float64(24 * r.Targets.FirstResponse)
	c := svgChart{ID: idPrefix + "response-time", Title: "First-response time, median and p90, working hours", W: chartW, H: chartH}
	most := targetH
	for _, wk := range r.Weeks {
		if p := wk.FirstResponse.P90Hours; p != nil {
			most = max(most, *p)
		}
	}
	top := float64(niceMax(int(math.Ceil(most))))
	r.axes(&c, top, " h")
	c.Refs = append(c.Refs, svgLine{Points: fmt.Sprintf("%s,%s %s,%s", f1(padLeft), f1(yAt(targetH, top)), f1(chartW-padRight), f1(yAt(targetH, top))), Dash: "2 3", Width: "1"})
	c.Texts = append(c.Texts, svgText{X: f1(chartW - padRight), Y: f1(yAt(targetH, top) - 4), Anchor: "end", Text: fmt.Sprintf("target %s h", strconv.FormatFloat(targetH, 'f', -1, 64))})
	t := htmlTable{Caption: c.Title, Head: []string{"Week", "Answered", "Median", "p90"}}
	// p90 first, so that a median dot equal to it shows inside its square.
	for _, k := range []int{1, 0} {
		series := func(f FirstResponse) *float64 { return f.MedianHours }
		if k == 1 {
			series = func(f FirstResponse) *float64 { return f.P90Hours }
		}
		var run []string
		flush := func() {
			if len(run) > 1 {
				l := svgLine{Points: strings.Join(run, " "), Width: "2"}
				if k == 1 {
					l.Dash = "7 4"
				}
				c.Lines = append(c.Lines, l)
			}
			run = nil
		}
		for i, wk := range r.Weeks {
			v := series(wk.FirstResponse)
			if v == nil {
				flush()
				continue
			}
			x, _ := r.band(i)
			y := yAt(min(*v, top), top)
			run = append(run, f1(x)+","+f1(y))
			c.Markers = append(c.Markers, svgMarker{X: f1(x), Y: f1(y), Square: k == 1, SX: f1(x - 4), SY: f1(y - 4)})
		}
		flush()
	}
	for _, wk := range r.Weeks {
		fr := wk.FirstResponse
		t.Rows = append(t.Rows, []string{weekLabel(wk), strconv.Itoa(fr.Answered), num(fr.MedianHours, " h"), num(fr.P90Hours, " h")})
	}
	legend(&c, []svgRect{{Fill: inkDark}, {Fill: "#fff"}}, []string{"median: solid line, dots", "p90: dashed line, squares"})
	c.Desc = fmt.Sprintf("Two lines, each week %s: the median first-response time in working hours (solid, dots) and the 90th percentile (dashed, squares), against a dotted line at the target of %s hours. The table beside it gives the same figures.",
		r.span(), strconv.FormatFloat(targetH, 'f', -1, 64))
	return c, t
}

// sectionData is what the section shows.
type sectionData struct {
	Intro  string
	Charts []Chart
	Hubs   htmlTable
	Notes  []string
}

// HTML returns the report as the team page's "Support health" section:
// the three charts, each with its table, and the hubs' table. Hub names
// are escaped by templ like every other value. The result is HTML to
// include as it is.
func (r Report) HTML() (string, error) {
	charts, err := r.Charts()
	if err != nil {
		return "", err
	}
	hubs := htmlTable{Caption: fmt.Sprintf("The %d hubs with the most tickets", len(r.Hubs)),
		Head: []string{"Hub", "Received", "First response on time", "Median", "p90", "Updates on time", "Resolved", "Median to resolve"}}
	for _, h := range r.Hubs {
		f := h.Figures
		hubs.Rows = append(hubs.Rows, []string{clean(h.Name.Unescaped()), strconv.Itoa(f.Received.Total), f.firstShare(), num(f.FirstResponse.MedianHours, " h"),
			num(f.FirstResponse.P90Hours, " h"), f.updateShare(), strconv.Itoa(f.Resolved.Count), num(f.Resolved.MedianDays, " d")})
	}
	return render(sectionView(sectionData{
		Intro: fmt.Sprintf("The last %d weeks in %s; first response within %s, an update every %s.",
			len(r.Weeks), r.Timezone, r.days(r.Targets.FirstResponse), r.days(r.Targets.UpdateEvery)),
		Charts: charts, Hubs: hubs, Notes: strings.Split(r.notes(), "\n"),
	}))
}
