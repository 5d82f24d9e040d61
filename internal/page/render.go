package page

import (
	"bytes"
	_ "embed"
	"io"
	"net/url"
	"strconv"
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"github.com/support-steward/steward/internal/civil"
)

//go:embed page.css
var pageCSS string

// staleScript reveals the "made for another day" note when the page is
// opened on a day other than Model.Today in the team's time zone: a page
// in a repository or on GitHub Pages is not regenerated every midnight,
// and a rotation pull request writes it for its handoff day. It reads
// nothing and requests nothing.
const staleScript = `(function () {
  var el = document.getElementById("stale");
  if (!el || !window.Intl) return;
  try {
    var now = new Intl.DateTimeFormat("en-CA", {timeZone: el.dataset.tz, year: "numeric", month: "2-digit", day: "2-digit"}).format(new Date());
    if (now !== el.dataset.today) el.hidden = false;
  } catch (e) {}
})();`

// csp lets the page use its own inline style and script and nothing else:
// it makes no request of its own.
const csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

// Render writes m as one self-contained HTML document. A model that cannot
// be shown (an empty or over-long range) is an error and nothing is written.
//
// The document is built with gomponents rather than html/template: the
// template engine looks methods up by name at run time, which keeps every
// exported method of the binary's types alive (issue #14, 6 MB). Every
// string from the roster goes through g.Text or an attribute, which escape
// it; g.Raw writes only the page's own CSS and script; links pass
// linkable first.
func Render(w io.Writer, m Model) error {
	v, err := layout(m)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := document(v).Render(&buf); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// nl ends a line of the page's source. The browser ignores it between
// blocks and reads it as a space between inline elements, where the page
// means one.
var nl = g.Text("\n")

// lines puts each of ns on a line of its own, skipping nil (an element
// left out).
func lines(ns ...g.Node) g.Group {
	out := make(g.Group, 0, 2*len(ns)+1)
	for _, n := range ns {
		if n != nil {
			out = append(out, nl, n)
		}
	}
	return append(out, nl)
}

func document(v *view) g.Node {
	return h.Doctype(g.Group{nl, h.HTML(h.Lang("en"), lines(
		h.Head(lines(
			h.Meta(h.Charset("utf-8")),
			h.Meta(h.Name("viewport"), h.Content("width=device-width, initial-scale=1")),
			h.Meta(g.Attr("http-equiv", "Content-Security-Policy"), h.Content(csp)),
			h.Meta(h.Name("color-scheme"), h.Content("light dark")),
			h.Meta(h.Name("generator"), h.Content("steward")),
			h.TitleEl(g.Text("Support Stewards · "+v.M.Team)),
			h.Link(h.Rel("icon"), h.Href("data:,")),
			h.StyleEl(g.Raw(pageCSS)),
		)),
		h.Body(lines(
			h.A(h.Class("skip"), h.Href("#timeline"), g.Text("Skip to the timeline")),
			top(v.M),
			h.Main(lines(now(v), timeline(v), agenda(v), dates(v))),
			h.Footer(lines(
				h.P(g.Text("Made by steward from roster.yaml. Confirmed shifts are in its "), h.Code(g.Text("shifts")),
					g.Text(" list; projected ones follow the rotation rules and can change when the roster does.")),
			)),
			h.Script(g.Raw(staleScript)),
		)),
	)), nl})
}

// day is d as a <time>, in long form.
func day(d civil.Date) g.Node { return h.Time(h.DateTime(d.String()), g.Text(long(d))) }

func top(m Model) g.Node {
	var subscribe g.Node
	if href, ok := linkable(m.Links.Team); ok {
		subscribe = h.P(h.A(h.Class("subscribe"), h.Href(href), g.Text("Subscribe to the team's calendar")))
	}
	return h.Header(h.Class("top"), lines(
		h.P(h.Class("eyebrow"), g.Text("Team roles · Support Stewards")),
		h.H1(g.Text(m.Team)),
		h.P(h.Class("meta"), g.Text("Every date is a day in "), h.Strong(g.Text(m.TimeZone)),
			g.Text(", the team's time zone. As of "), day(m.Today), g.Text(".")),
		h.P(h.Class("stale"), h.ID("stale"), g.Attr("hidden"), h.Data("today", m.Today.String()), h.Data("tz", m.TimeZone), h.Role("status"),
			g.Text("This page was made for "+long(m.Today)+", and it is another day in "+m.TimeZone+
				" now: who is on duty and the next handoff may differ from what it says. "),
			h.Code(g.Text("steward who")), g.Text(" says who serves today.")),
		subscribe,
	))
}

func now(v *view) g.Node {
	var duty g.Node = h.P(g.Text("Nobody is on duty today."))
	if len(v.Duty) > 0 || len(v.Unfilled) > 0 {
		var items []g.Node
		for _, d := range v.Duty {
			pill := d.Status
			if d.For != "" {
				pill = "cover for " + d.For
			}
			items = append(items, h.Li(h.Data("handle", d.Handle), h.Data("status", d.Status),
				h.Span(h.Class("name"), g.Text(d.Name)), g.Text(" "), h.Span(h.Class("handle"), g.Text("@"+d.Handle)), nl,
				h.Span(h.Class("pill "+d.Status), g.Text(pill)), nl,
				h.Span(h.Class("until"), g.Text(d.Until))))
		}
		for _, u := range v.Unfilled {
			items = append(items, h.Li(h.Class("unfilled"), h.Data("status", "gap"),
				h.Span(h.Class("name"), g.Text("⚠ Unfilled seat")), g.Text(" "), h.Span(h.Class("pill gap"), g.Text("gap")), g.Text(" "),
				h.Span(h.Class("until"), g.Text("nobody is available "+u))))
		}
		duty = h.Ul(h.Class("people"), lines(items...))
	}

	var handoff g.Node = h.P(g.Text("No handoff is scheduled."))
	if n := v.Next; n != nil {
		var joins g.Node = h.Span(h.Class("nobody"), g.Text("nobody: the seat is unfilled"))
		if len(n.Joining) > 0 {
			joins = names(n.Joining)
		}
		change := func(what string, ps []Person) g.Node {
			if len(ps) == 0 {
				return nil
			}
			return h.Div(h.Dt(g.Text(what)), g.Text(" "), h.Dd(names(ps)))
		}
		handoff = g.Group{
			h.P(h.Class("when"), day(n.Day), g.Text(" "), h.Span(h.Class("in"), g.Text("("+n.In+")"))), nl,
			h.Dl(h.Class("changes"), lines(
				h.Div(h.Dt(g.Text("Joins")), g.Text(" "), h.Dd(joins)),
				change("Leaves", n.Leaving),
				change("Stays", n.Staying),
			)),
		}
	}

	return h.Section(h.Class("now"), h.Aria("label", "Now and next"), lines(
		h.Div(h.Class("card"), h.ID("on-duty"), lines(h.H2(g.Text("On duty on "), day(v.M.Today)), duty)),
		h.Div(h.Class("card"), h.ID("next-handoff"), lines(h.H2(g.Text("Next handoff")), handoff)),
	))
}

// names is "Ana, Ben", each name marked with its handle.
func names(ps []Person) g.Node {
	out := make(g.Group, 0, 2*len(ps))
	for i, p := range ps {
		if i > 0 {
			out = append(out, g.Text(", "))
		}
		out = append(out, h.Span(h.Data("handle", p.Handle), g.Text(p.Name)))
	}
	return out
}

// at is the style of a band of the timeline: where it starts and how wide
// it is, percentages of the track that layout formatted from numbers.
func at(left, width string) g.Node { return h.Style("left:" + left + "%;width:" + width + "%") }

func timeline(v *view) g.Node {
	var swatches []g.Node
	for _, s := range [...]struct{ class, text string }{
		{"confirmed", "Confirmed: in roster.yaml"},
		{"projected", "Projected: by the rotation rules, may change"},
		{"cover", "Cover: someone stands in"},
		{"gap", "Gap: nobody available"},
		{"holiday", "Holiday"},
	} {
		swatches = append(swatches, h.Li(h.Span(h.Class("swatch "+s.class), h.Aria("hidden", "true")), g.Text(s.text)))
	}

	axis := g.Group{}
	for _, t := range v.Ticks {
		axis = append(axis, h.Span(h.Class("tick"), h.Style("left:"+t.Left+"%"), g.Text(t.Label)))
	}
	overlay := g.Group{}
	for _, l := range v.Grid {
		overlay = append(overlay, h.Span(h.Class("grid"), h.Style("left:"+l+"%")))
	}
	for _, b := range v.Holidays {
		overlay = append(overlay, h.Span(h.Class("hol"), at(b.Left, b.Width)))
	}
	if t := v.Today; t != nil {
		axis = append(axis, h.Span(h.Class("tick today-tick"), h.Style("left:"+t.Left+"%"), g.Text("Today")))
		overlay = append(overlay, h.Span(h.Class("today"), at(t.Left, t.Width)))
	}

	var rows []g.Node
	if len(v.Holidays) > 0 {
		hols := g.Group{}
		for _, b := range v.Holidays {
			hols = append(hols, h.Span(h.Class("bar holiday"), h.Data("kind", "holiday"), at(b.Left, b.Width), h.Title(b.Label),
				h.Span(h.Class("sr"), g.Text(b.Label))))
		}
		rows = append(rows, h.Div(h.Class("tl-row lane-row"), lines(
			h.Div(h.Class("tl-name"), h.Span(h.Class("name"), g.Text("Holidays"))),
			h.Div(h.Class("track"), hols, nl),
		)))
	}
	lanes := func(class, name string, ls [][]bar) {
		for i, lane := range ls {
			var label g.Node
			if i == 0 {
				label = h.Span(h.Class("name"), g.Text(name))
			}
			rows = append(rows, h.Div(h.Class(class), lines(
				h.Div(h.Class("tl-name"), label),
				h.Div(h.Class("track"), g.Map(lane, barNode)),
			)))
		}
	}
	lanes("tl-row lane-row", "Events", v.Events)
	lanes("tl-row lane-row gap-row", "Unfilled", v.Gaps)
	for _, r := range v.Rows {
		var cal g.Node
		if href, ok := linkable(r.Subscribe); ok {
			cal = g.Group{g.Text(" "), h.A(h.Class("cal"), h.Href(href), h.Aria("label", "Subscribe to "+r.Name+"'s shifts"), g.Text("Calendar"))}
		}
		rows = append(rows, h.Div(h.Class("tl-row person"), h.Data("handle", r.Handle), lines(
			h.Div(h.Class("tl-name"), h.Span(h.Class("name"), g.Text(r.Name)), g.Text(" "), h.Span(h.Class("handle"), g.Text("@"+r.Handle)), cal),
			h.Div(h.Class("track"), g.Map(r.Bars, barNode)),
		)))
	}
	if len(v.Rows) == 0 {
		rows = append(rows, h.Div(h.Class("tl-row"), h.Div(h.Class("tl-name")), h.Div(h.Class("track empty"), g.Text("No shifts in this range."))))
	}

	return h.Section(h.ID("timeline"), h.Aria("labelledby", "timeline-h"), lines(
		h.H2(h.ID("timeline-h"), g.Text("Timeline")),
		h.P(h.Class("range"), g.Text(v.Range+" · "+strconv.Itoa(v.Days)+" days")),
		h.Ul(h.Class("legend"), h.Aria("label", "Legend"), lines(swatches...)),
		h.P(h.Class("note"), g.Text("Dates are inclusive: a steward hands off on the day after their last.")),
		h.P(h.Class("hint"), g.Text("Swipe the timeline sideways for later weeks; every shift is also listed below it.")),
		h.Div(h.Class("scroll"), h.TabIndex("0"), h.Role("region"), h.Aria("label", "Timeline, scrolls sideways"), lines(
			h.Div(h.Class("tl"), h.Style("--days:"+strconv.Itoa(v.Days)), lines(
				h.Div(h.Class("tl-row axis"), h.Aria("hidden", "true"), lines(
					h.Div(h.Class("tl-name"), g.Text("Week of")),
					h.Div(h.Class("track"), axis, nl),
				)),
				h.Div(h.Class("tl-body"), lines(
					append([]g.Node{h.Div(h.Class("overlay"), h.Aria("hidden", "true"), overlay, nl)}, rows...)...,
				)),
			)),
		)),
	))
}

// barNode is one bar of the timeline: a shift, a cover, a gap or an event.
func barNode(b bar) g.Node {
	class := "bar " + b.Class
	if b.Clipped != "" {
		class += " clip-" + b.Clipped
	}
	if b.Outside != "" {
		class += " outside " + b.Outside
	}
	var handle, who g.Node
	if b.Handle != "" {
		handle = h.Data("handle", b.Handle)
	}
	if b.Who != "" {
		who = h.Span(h.Class("sr"), g.Text(b.Who))
	}
	covered := g.Group{}
	for _, c := range b.Covered {
		covered = append(covered, h.Span(h.Class("covered"), h.Data("kind", "covered"), at(c.Left, c.Width), h.Title(c.Label),
			h.Span(h.Class("sr"), g.Text("("+c.Label+")"))))
	}
	return h.Div(h.Class(class), h.Data("kind", b.Kind), handle, at(b.Left, b.Width), h.Title(b.Title),
		covered, nl, h.Span(h.Class("txt"), who, g.Text(b.Text)))
}

func agenda(v *view) g.Node {
	var list g.Node = h.P(g.Text("No shifts in this range."))
	if len(v.Agenda) > 0 {
		var trs []g.Node
		for _, e := range v.Agenda {
			var handle g.Node
			if e.Handle != "" {
				handle = g.Group{g.Text(" "), h.Span(h.Class("handle"), g.Text("@"+e.Handle))}
			}
			trs = append(trs, h.Tr(h.Class(e.Kind), h.Td(g.Text(e.Dates)), h.Td(g.Text(e.Who), handle),
				h.Td(h.Span(h.Class("pill "+e.Kind), g.Text(e.What)))))
		}
		list = h.Table(lines(
			h.THead(h.Tr(h.Th(h.Scope("col"), g.Text("Dates")), h.Th(h.Scope("col"), g.Text("Who")), h.Th(h.Scope("col"), g.Text("What")))),
			h.TBody(lines(trs...)),
		))
	}
	return h.Section(h.ID("agenda"), h.Aria("labelledby", "agenda-h"), lines(
		h.H2(h.ID("agenda-h"), g.Text("Every shift, cover and gap")),
		list,
	))
}

func dates(v *view) g.Node {
	if len(v.HolidayAt) == 0 && len(v.EventList) == 0 {
		return nil
	}
	var events, holidays g.Node
	if len(v.EventList) > 0 {
		events = g.Group{
			h.H3(g.Text("Events: moments with many users, first in line for support")), nl,
			h.Ul(g.Map(v.EventList, func(e entry) g.Node {
				return h.Li(h.Strong(g.Text(e.What)), g.Text(", "+e.Dates))
			})),
		}
	}
	if len(v.HolidayAt) > 0 {
		holidays = g.Group{
			h.H3(g.Text("Team holidays")), nl,
			h.Ul(h.Class("inline"), g.Map(v.HolidayAt, func(d string) g.Node { return h.Li(g.Text(d)) })),
		}
	}
	return h.Section(h.ID("dates"), h.Aria("labelledby", "dates-h"), lines(
		h.H2(h.ID("dates-h"), g.Text("Holidays and events")),
		events,
		holidays,
	))
}

// linkable is href as the page links it, and whether it may be linked at
// all: an http, https or webcal URL, or a relative one. Anything else
// (javascript:, data:, vbscript:, in any case, or a string net/url cannot
// read, such as one that starts with a space or a control character, which
// browsers strip before they look for a scheme) is shown without its link.
func linkable(href string) (string, bool) {
	if href == "" {
		return "", false
	}
	u, err := url.Parse(href)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "webcal":
		return u.String(), true
	}
	return "", false
}
