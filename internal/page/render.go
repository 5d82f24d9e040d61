package page

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/a-h/templ"
)

//go:embed page.css
var pageCSS string

// healthCSS styles the support health section (Model.Health). It is a
// style element of its own, written only with the section, so that a page
// without it is byte for byte what it was before the section existed.
//
//go:embed health.css
var healthCSS string

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

// styleElement and scriptElement are the page's own CSS and script, written
// raw: templ takes the content of a <style> or <script> in a template as
// text, not as an expression.
var (
	styleElement       = "<style>" + pageCSS + "</style>"
	healthStyleElement = "<style>" + healthCSS + "</style>"
	scriptElement      = "<script>" + staleScript + "</script>"
)

// Render writes m as one self-contained HTML document. A model that cannot
// be shown (an empty or over-long range) is an error and nothing is written.
//
// The document is a templ template (page.templ; page_templ.go is generated
// from it by scripts/generate-page.sh): plain Go that writes the page's
// constant HTML as strings and escapes each value, with no reflection (the
// html/template engine kept every exported method of the binary alive,
// issue #14) and far less machine code than building a tree of nodes.
func Render(w io.Writer, m Model) error {
	if templDevMode {
		return errors.New("page: TEMPL_DEV_MODE=true is set: in it templ writes the page's own HTML from files in the temporary directory, not from the binary; unset it to make the page")
	}
	v, err := layout(m)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := document(v).Render(context.Background(), &buf); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// templDevMode is templ's development mode, read from the environment as
// templ's runtime reads it when the program starts. In it, the generated
// code replaces each piece of the page's own HTML with a line of a file in
// the temporary directory (TEMPL_DEV_MODE_ROOT or os.TempDir), which
// `templ generate --watch` writes: that page could hold any markup at all,
// so Render refuses to make it.
var templDevMode = os.Getenv("TEMPL_DEV_MODE") == "true"

// nl ends a line of the page's source. The browser ignores it between
// blocks and reads it as a space between inline elements, where the page
// means one.
var nl = templ.Raw("\n")

// pill is the word on a steward's status pill: their status, or whom they
// cover for.
func (d duty) pill() string {
	if d.For != "" {
		return "cover for " + d.For
	}
	return d.Status
}

// class is the bar's classes: its kind, how the range clips it and where
// its text goes when the bar cannot hold it.
func (b bar) class() string {
	class := "bar " + b.Class
	if b.Clipped != "" {
		class += " clip-" + b.Clipped
	}
	if b.Outside != "" {
		class += " outside " + b.Outside
	}
	return class
}

// at is the style of a band of the timeline: where it starts and how wide
// it is, percentages of the track that layout formatted from numbers. It
// and left are the only makers of the page's styles, so none holds roster
// text.
func at(left, width string) templ.SafeCSS {
	return templ.SafeCSS("left:" + left + "%;width:" + width + "%")
}

// left is the style of a mark at a point of the timeline.
func left(l string) templ.SafeCSS { return templ.SafeCSS("left:" + l + "%") }

// linkable is href as the page links it, and whether it may be linked at
// all: an http, https or webcal URL, or a relative one. Anything else
// (javascript:, data:, vbscript:, in any case, or a string net/url cannot
// read, such as one that starts with a space or a control character, which
// browsers strip before they look for a scheme) is shown without its link.
//
// It is the only maker of the page's templ.SafeURL values: templ writes a
// SafeURL as it is, where its own check would turn webcal: into
// about:invalid.
func linkable(href string) (templ.SafeURL, bool) {
	if href == "" {
		return "", false
	}
	u, err := url.Parse(href)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "webcal":
		return templ.SafeURL(u.String()), true
	}
	return "", false
}
