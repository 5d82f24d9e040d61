package health

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
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
	SVG   template.HTML
	Table template.HTML
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

var svgTmpl = template.Must(template.New("svg").Parse(`<svg role="img" aria-labelledby="{{.ID}}-title {{.ID}}-desc" viewBox="0 0 {{.W}} {{.H}}" width="100%" font-family="sans-serif" font-size="13" fill="` + inkDark + `">
<title id="{{.ID}}-title">{{.Title}}</title>
<desc id="{{.ID}}-desc">{{.Desc}}</desc>
{{- if .Patterns}}
<defs>
<pattern id="{{.ID}}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="` + inkDark + `" stroke-width="2"/></pattern>
<pattern id="{{.ID}}-dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.2" fill="` + inkDark + `"/></pattern>
</defs>
{{- end}}
{{- range .Grid}}
<line x1="{{.X1}}" y1="{{.Y}}" x2="{{.X2}}" y2="{{.Y}}" stroke="` + inkPale + `" stroke-width="1"/>
{{- end}}
{{- range .Refs}}
<polyline points="{{.Points}}" fill="none" stroke="` + inkMid + `" stroke-width="{{.Width}}" stroke-dasharray="{{.Dash}}"/>
{{- end}}
{{- range .Rects}}
<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{.Fill}}" stroke="` + inkDark + `" stroke-width="1"/>
{{- end}}
{{- range .Lines}}
<polyline points="{{.Points}}" fill="none" stroke="` + inkDark + `" stroke-width="{{.Width}}"{{if .Dash}} stroke-dasharray="{{.Dash}}"{{end}}/>
{{- end}}
{{- range .Markers}}
{{- if .Square}}
<rect x="{{.SX}}" y="{{.SY}}" width="8" height="8" fill="#fff" stroke="` + inkDark + `" stroke-width="2"/>
{{- else}}
<circle cx="{{.X}}" cy="{{.Y}}" r="4" fill="` + inkDark + `"/>
{{- end}}
{{- end}}
{{- range .Texts}}
<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}"{{if .Bold}} font-weight="bold"{{end}}>{{.Text}}</text>
{{- end}}
</svg>`))

var tableTmpl = template.Must(template.New("table").Parse(`<table>
<caption>{{.Caption}}</caption>
<thead><tr>{{range .Head}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td>{{$c}}</td>{{end}}{{end}}</tr>
{{- end}}
</tbody>
</table>`))

func render(t *template.Template, data any) (template.HTML, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	// The template escaped every value it was given.
	return template.HTML(b.String()), nil
}

func f1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// Charts returns the report's three charts: tickets received a week
// stacked by priority; the share of first responses on time against the
// 100 % line; the median and p90 first-response time against the target.
func (r Report) Charts() ([]Chart, error) {
	var out []Chart
	for _, mk := range []func() (svgChart, htmlTable){r.ticketsChart, r.onTimeChart, r.timesChart} {
		c, t := mk()
		svg, err := render(svgTmpl, c)
		if err != nil {
			return nil, fmt.Errorf("drawing %s: %w", c.Title, err)
		}
		table, err := render(tableTmpl, t)
		if err != nil {
			return nil, fmt.Errorf("tabulating %s: %w", c.Title, err)
		}
		out = append(out, Chart{ID: c.ID, Title: c.Title, SVG: svg, Table: table})
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

var sectionTmpl = template.Must(template.New("section").Parse(`<section class="support-health" aria-labelledby="` + idPrefix + `heading">
<h2 id="` + idPrefix + `heading">Support health</h2>
<p>{{.Intro}}</p>
{{- range .Charts}}
<figure id="{{.ID}}">
{{.SVG}}
{{.Table}}
</figure>
{{- end}}
{{- if .Hubs.Rows}}
{{.HubTable}}
{{- end}}
{{- range .Notes}}
<p><small>{{.}}</small></p>
{{- end}}
</section>`))

// HTML returns the report as the team page's "Support health" section:
// the three charts, each with its table, and the hubs' table. Hub names
// are escaped by html/template like every other value.
func (r Report) HTML() (template.HTML, error) {
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
	hubTable, err := render(tableTmpl, hubs)
	if err != nil {
		return "", err
	}
	return render(sectionTmpl, struct {
		Intro    string
		Charts   []Chart
		Hubs     htmlTable
		HubTable template.HTML
		Notes    []string
	}{
		Intro: fmt.Sprintf("The last %d weeks in %s; first response within %s, an update every %s.",
			len(r.Weeks), r.Timezone, r.days(r.Targets.FirstResponse), r.days(r.Targets.UpdateEvery)),
		Charts: charts, Hubs: hubs, HubTable: hubTable, Notes: strings.Split(r.notes(), "\n"),
	})
}
