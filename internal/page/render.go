package page

import (
	"bytes"
	_ "embed"
	"html/template"
	"io"
)

var (
	//go:embed page.html.tmpl
	pageTemplate string
	//go:embed page.css
	pageCSS string
)

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

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"long": long,
}).Parse(pageTemplate))

type document struct {
	*view
	CSS    template.CSS
	Script template.JS
}

// Render writes m as one self-contained HTML document. A model that cannot
// be shown (an empty or over-long range) is an error and nothing is written.
func Render(w io.Writer, m Model) error {
	v, err := layout(m)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := tmpl.Execute(&buf, document{view: v, CSS: template.CSS(pageCSS), Script: template.JS(staleScript)}); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}
