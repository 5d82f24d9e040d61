package page

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// browserRoster has confirmed and projected shifts, a holiday, an event and,
// with three of four engineers away over the winter, a gap.
const browserRoster = `version: 1
team: Platform Support Team
timezone: Europe/Berlin
holidays: [2026-12-24, 2026-12-25, 2027-01-01]
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-10-05}
engineers:
  - {name: Ana Ortiz, github: ana}
  - {name: Ben Okafor, github: ben, away: [{from: 2026-12-14, to: 2027-01-29, note: parental leave}]}
  - {name: Chen Wei, github: chen, away: [{from: 2026-12-14, to: 2027-01-08}]}
  - {name: Dara Nwosu, github: dara, away: [{from: 2026-12-10, to: 2027-01-03}]}
shifts:
  - {github: dara, start: 2026-11-02, end: 2026-11-30}
  - {github: ana, start: 2026-11-16, end: 2026-12-14}
events: [{name: Launch week, hub: main, from: 2026-12-07, to: 2026-12-12}]
`

// browserModel is browserRoster's page on 2026-11-27, with Ben covering for
// Ana from the 25th through the 28th. Covers are set in the model directly:
// the rotation package does not report them yet.
func browserModel(t testing.TB) Model {
	t.Helper()
	r, probs := roster.Parse("roster.yaml", []byte(browserRoster))
	if r == nil {
		t.Fatal(probs)
	}
	today := civil.MustParse("2026-11-27")
	from, until := DefaultRange(today)
	m := FromRotation(r, today, from, until, Links{Team: "calendar.ics", PersonBase: "calendar/"})
	ana, ben := Person{Handle: "ana", Name: "Ana Ortiz"}, Person{Handle: "ben", Name: "Ben Okafor"}
	m.Covers = []Cover{{Who: ben, For: ana, From: civil.MustParse("2026-11-25"), To: civil.MustParse("2026-11-28")}}
	for i, d := range m.OnDuty {
		if d.Handle == "ana" {
			m.OnDuty[i] = Duty{Person: ben, Until: civil.MustParse("2026-11-29"), CoveringFor: &ana}
		}
	}
	if len(m.Gaps) == 0 {
		t.Fatal("browserRoster has no gap any more: the test would not check how one is shown")
	}
	return m
}

// chromium finds Debian's chromium, which .ci/run installs when missing.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("SKIPPED: no headless Chromium on this machine, so the page is not checked in a browser; " +
		".ci/run installs it (apt-get install -y chromium)")
	return ""
}

// requests records every request the page starts, from the DevTools
// network events, and every error it logs.
type requests struct {
	mu           sync.Mutex
	urls, errors []string
}

func (r *requests) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.urls = append(r.urls, e.Request.URL)
	case *cdplog.EventEntryAdded:
		// A Content-Security-Policy violation is logged here: an attempted
		// request the policy stopped.
		if e.Entry.Level == cdplog.EntryLevelError {
			r.errors = append(r.errors, e.Entry.Text)
		}
	case *runtime.EventExceptionThrown:
		r.errors = append(r.errors, e.ExceptionDetails.Text)
	}
}

func (r *requests) takeErrors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.errors
	r.errors = nil
	return out
}

func (r *requests) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.urls
	r.urls = nil
	return out
}

// facts is what the test reads from the rendered DOM.
type facts struct {
	OnDuty []struct {
		Handle, Name, Status, Text string
	}
	Next   string
	Meta   string
	Shifts []struct {
		Handle, Text string
		Width        float64
		Inside       bool
	}
	Gaps   []string
	Covers []struct {
		Handle, Text string
	}
	Covered []struct {
		Handle, Title string
	}
	ScrollWidth, ViewportWidth int
	FontSize                   float64
	Stale                      bool
}

const readFacts = `(() => {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const text = (e) => e ? e.textContent.replace(/\s+/g, " ").trim() : "";
  return {
    onDuty: q("#on-duty li[data-handle]").map(e => ({handle: e.dataset.handle, name: text(e.querySelector(".name")), status: e.dataset.status, text: text(e)})),
    next: text(document.querySelector("#next-handoff")),
    meta: text(document.querySelector(".meta")),
    shifts: q(".bar[data-kind=shift]").map(e => {
      const b = e.getBoundingClientRect(), t = e.parentElement.getBoundingClientRect();
      return {handle: e.dataset.handle, text: text(e), width: b.width, inside: b.left >= t.left - 0.5 && b.right <= t.right + 0.5};
    }),
    gaps: q(".bar[data-kind=gap]").map(text),
    covers: q(".bar[data-kind=cover]").map(e => ({handle: e.dataset.handle, text: text(e)})),
    covered: q(".bar[data-kind=shift] [data-kind=covered]").map(e => ({handle: e.closest(".bar").dataset.handle, title: e.title})),
    scrollWidth: document.documentElement.scrollWidth,
    viewportWidth: window.innerWidth,
    fontSize: parseFloat(getComputedStyle(document.body).fontSize),
    stale: !document.getElementById("stale").hidden,
  };
})()`

// healthFacts is what the test reads of the support health section.
type healthFacts struct {
	Charts []struct {
		ID, Title, Desc      string
		Width, Height        float64
		TableRows, TableCols int
		Caption              string
		TableRight           float64
	}
	HubRows                  int
	Scripts                  int
	Markup                   string
	ScrollWidth, ClientWidth int
	SectionRight, ViewportW  float64
	HeadingAfterDates        bool
	TablesClipped            []string
	// Wide names the section's elements that end past the page's width.
	Wide []string
}

const readHealth = `(() => {
  const s = document.querySelector("section.support-health");
  if (!s) return {charts: []};
  const text = (e) => e ? e.textContent.replace(/\s+/g, " ").trim() : "";
  const dates = document.getElementById("dates") || document.getElementById("agenda");
  return {
    charts: Array.from(s.querySelectorAll("figure")).map(f => {
      const svg = f.querySelector("svg[role=img]"), b = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      const tb = f.querySelector("table");
      return {
        id: f.id, title: text(svg && svg.querySelector("title")), desc: text(svg && svg.querySelector("desc")),
        width: b.width, height: b.height,
        tableRows: tb ? tb.tBodies[0].rows.length : 0, tableCols: tb ? tb.tHead.rows[0].cells.length : 0,
        caption: text(tb && tb.caption), tableRight: tb ? tb.getBoundingClientRect().right : 0,
      };
    }),
    hubRows: (() => { const t = s.querySelector(":scope > table"); return t ? t.tBodies[0].rows.length : 0; })(),
    scripts: s.querySelectorAll("script").length,
    markup: s.outerHTML,
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    sectionRight: s.getBoundingClientRect().right,
    viewportW: window.innerWidth,
    headingAfterDates: !!(dates.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING),
    wide: Array.from(s.querySelectorAll("*")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + Math.round(e.getBoundingClientRect().right) + "px " + text(e).slice(0, 40)),
    tablesClipped: Array.from(s.querySelectorAll("table")).filter(t => t.scrollWidth > t.clientWidth + 1).map(t => text(t.caption)),
  };
})()`

func TestPageInHeadlessChromium(t *testing.T) {
	exe := chromium(t)
	m := browserModel(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "support-stewards.html")
	if err := os.WriteFile(file, []byte(render(t, m)), 0o644); err != nil {
		t.Fatal(err)
	}
	pageURL := "file://" + file

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// Start the browser and its tab without a deadline (a deadline on the
	// first call would bound the browser's life), then listen before loading.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	var reqs requests
	if err := chromedp.Listen(ctx, reqs.listen); err != nil {
		t.Fatal(err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

	look := func(url string, width, height int64, opts ...chromedp.EmulateViewportOption) facts {
		t.Helper()
		if err := chromedp.Do(tctx, chromedp.EmulateViewport(width, height, opts...), chromedp.Navigate(url)); err != nil {
			t.Fatalf("loading the page at %dpx: %v", width, err)
		}
		f, err := chromedp.Run(tctx, chromedp.Evaluate[facts](readFacts))
		if err != nil {
			t.Fatalf("reading the DOM: %v", err)
		}
		return f
	}
	// sectionShot is a screenshot of the support health section alone.
	sectionShot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(tctx, chromedp.Screenshot(chromedp.CSS("section.support-health")))
		if err != nil {
			t.Fatalf("screenshot of the health section: %v", err)
		}
		if err := os.WriteFile(filepath.Join("testdata", name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	screenshot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join("testdata", name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	f := look(pageURL, 1280, 900)
	screenshot("screenshot-desktop.png")

	// The dark scheme, for review.
	if err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	screenshot("screenshot-dark.png")
	if err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	})); err != nil {
		t.Fatal(err)
	}

	// The names on duty: Dara on her confirmed shift, Ben covering for Ana.
	var duty []string
	for _, d := range f.OnDuty {
		duty = append(duty, d.Handle+" "+d.Name+" "+d.Status)
	}
	if want := []string{"dara Dara Nwosu confirmed", "ben Ben Okafor cover"}; !slices.Equal(duty, want) {
		t.Errorf("on duty: %q, want %q", duty, want)
	}
	if len(f.OnDuty) == 2 && !strings.Contains(f.OnDuty[1].Text, "cover for Ana Ortiz") {
		t.Errorf("the cover on duty does not say whom it covers: %q", f.OnDuty[1].Text)
	}
	if !strings.Contains(f.Next, "Mon 30 Nov 2026") || !strings.Contains(f.Next, "Leaves Dara Nwosu") {
		t.Errorf("next handoff: %q", f.Next)
	}
	if !strings.Contains(f.Meta, "Europe/Berlin") {
		t.Errorf("the time zone is not named: %q", f.Meta)
	}
	// The note that the page speaks of another day shows exactly when the
	// browser's date in the team's zone is not the page's (the browser
	// reads the real clock, so this test does too).
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	if want := civil.Of(time.Now().In(berlin)) != m.Today; f.Stale != want {
		t.Errorf("the other-day note shows: %v, want %v", f.Stale, want)
	}

	// One bar per shift in range, each inside its track, with real text.
	want := map[string]int{}
	for _, s := range m.Shifts {
		if s.Start.Before(m.Until) && s.End.After(m.From) {
			want[s.Handle]++
		}
	}
	got := map[string]int{}
	for _, b := range f.Shifts {
		got[b.Handle]++
		if !b.Inside || b.Width < 3 {
			t.Errorf("the bar %q is %.1fpx wide and inside its track: %v", b.Text, b.Width, b.Inside)
		}
		if !strings.Contains(b.Text, "Confirmed") && !strings.Contains(b.Text, "Projected") {
			t.Errorf("a shift bar says neither confirmed nor projected in words: %q", b.Text)
		}
	}
	if len(f.Shifts) != len(m.Shifts) || len(got) != len(want) {
		t.Errorf("%d shift bars for %d shifts: %v, want %v", len(f.Shifts), len(m.Shifts), got, want)
	}
	for h, n := range want {
		if got[h] != n {
			t.Errorf("@%s: %d bars, want %d", h, got[h], n)
		}
	}

	// The gap and the cover are marked in words, not only in colour.
	if len(f.Gaps) != len(m.Gaps) || !strings.Contains(f.Gaps[0], "Gap: nobody available") {
		t.Errorf("gaps: %q for %d in the model", f.Gaps, len(m.Gaps))
	}
	if len(f.Covers) != 1 || f.Covers[0].Handle != "ben" || !strings.Contains(f.Covers[0].Text, "Covering for Ana Ortiz") {
		t.Errorf("covers: %+v", f.Covers)
	}
	if len(f.Covered) != 1 || f.Covered[0].Handle != "ana" || !strings.Contains(f.Covered[0].Title, "covered by Ben Okafor") {
		t.Errorf("the covered part of Ana's shift: %+v", f.Covered)
	}

	// At phone width: no sideways scrolling of the page (the timeline
	// scrolls in its own region), and text at a readable size.
	p := look(pageURL, 390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait)
	screenshot("screenshot-phone.png")
	if p.ScrollWidth > p.ViewportWidth {
		t.Errorf("at 390px the page is %dpx wide: it scrolls sideways", p.ScrollWidth)
	}
	if p.FontSize < 16 {
		t.Errorf("body text is %.1fpx at phone width", p.FontSize)
	}
	if len(p.OnDuty) != len(f.OnDuty) || len(p.Shifts) != len(f.Shifts) {
		t.Errorf("the phone layout lost content: %d on duty, %d bars", len(p.OnDuty), len(p.Shifts))
	}

	// With the support health section: three charts, each drawn (not
	// zero-sized) with its title, description and table of the same
	// weeks, no script, and still no sideways scrolling of the page at a
	// phone's width: a table too wide for the phone scrolls in its own box.
	healthURL := "file://" + filepath.Join(dir, "health.html")
	hm := healthModel(t)
	if err := os.WriteFile(strings.TrimPrefix(healthURL, "file://"), []byte(render(t, hm)), 0o644); err != nil {
		t.Fatal(err)
	}
	readHealthAt := func(width, height int64, opts ...chromedp.EmulateViewportOption) (facts, healthFacts) {
		t.Helper()
		f := look(healthURL, width, height, opts...)
		h, err := chromedp.Run(tctx, chromedp.Evaluate[healthFacts](readHealth))
		if err != nil {
			t.Fatalf("reading the health section: %v", err)
		}
		return f, h
	}
	checkHealth := func(at string, h healthFacts) {
		t.Helper()
		if len(h.Charts) != 3 {
			t.Fatalf("%s: %d charts in the health section, want 3", at, len(h.Charts))
		}
		for _, c := range h.Charts {
			if c.Width < 100 || c.Height < 40 {
				t.Errorf("%s: chart %s is drawn %.0fx%.0fpx", at, c.ID, c.Width, c.Height)
			}
			if c.Title == "" || c.Desc == "" || c.Caption != c.Title {
				t.Errorf("%s: chart %s: title %q, desc %q, its table's caption %q", at, c.ID, c.Title, c.Desc, c.Caption)
			}
			if c.TableRows != 8 || c.TableCols < 4 {
				t.Errorf("%s: chart %s's table has %d rows of %d columns, want the 8 weeks", at, c.ID, c.TableRows, c.TableCols)
			}
		}
		if h.HubRows != 3 {
			t.Errorf("%s: the hubs' table has %d rows, want 3", at, h.HubRows)
		}
		if h.Scripts != 0 || strings.Contains(strings.ToLower(h.Markup), "<script") {
			t.Errorf("%s: a script in the health section", at)
		}
		if !h.HeadingAfterDates {
			t.Errorf("%s: the health section is not after the shifts and dates", at)
		}
		if h.ScrollWidth > h.ClientWidth || h.SectionRight > h.ViewportW+0.5 {
			t.Errorf("%s: the page is %dpx wide in %dpx (the section ends at %.0fpx): it scrolls sideways; too wide: %q", at, h.ScrollWidth, h.ClientWidth, h.SectionRight, h.Wide)
		}
		for _, c := range h.Charts {
			if c.TableRight > h.ViewportW+0.5 {
				t.Errorf("%s: chart %s's table ends at %.0fpx, past the %0.fpx viewport", at, c.ID, c.TableRight, h.ViewportW)
			}
		}
	}
	hf, h := readHealthAt(1280, 900)
	sectionShot("screenshot-health.png")
	checkHealth("1280px", h)
	if len(hf.Shifts) != len(f.Shifts) || len(hf.OnDuty) != len(f.OnDuty) {
		t.Errorf("with the health section the page lost content: %d on duty, %d bars", len(hf.OnDuty), len(hf.Shifts))
	}
	_, h = readHealthAt(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait)
	sectionShot("screenshot-health-phone.png")
	checkHealth("375px", h)

	// Printed on A4 (Chromium's default margins leave 717px of 96 dpi),
	// nothing of the section's tables is cut off: they lay out in full
	// instead of scrolling.
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(717, 1050), chromedp.Navigate(healthURL), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if pr, err := chromedp.Run(tctx, chromedp.Evaluate[healthFacts](readHealth)); err != nil {
		t.Fatal(err)
	} else if len(pr.TablesClipped) > 0 || len(pr.Wide) > 0 {
		// The section's own elements: the timeline's text after its last
		// bar can end past a printed page's edge, with or without it.
		t.Errorf("printed: tables cut off %q, past the %dpx page: %q", pr.TablesClipped, pr.ClientWidth, pr.Wide)
	}
	if err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	})); err != nil {
		t.Fatal(err)
	}

	// A year of a 200-engineer team: every shift a bar there too.
	bigURL := "file://" + filepath.Join(dir, "year.html")
	big := bigModel(bigTeam(t))
	if err := os.WriteFile(strings.TrimPrefix(bigURL, "file://"), []byte(render(t, big)), 0o644); err != nil {
		t.Fatal(err)
	}
	y := look(bigURL, 1280, 900)
	screenshot("screenshot-year.png")
	if len(y.Shifts) != len(big.Shifts) || len(y.Covers) != len(big.Covers) {
		t.Errorf("a year: %d bars for %d shifts, %d for %d covers", len(y.Shifts), len(big.Shifts), len(y.Covers), len(big.Covers))
	}
	if !y.Stale {
		t.Errorf("a page made for %s opened on a later day does not say so", big.Today)
	}

	// No request left the pages: the only ones are the pages themselves,
	// and nothing was attempted and refused, nor any script error.
	for _, u := range reqs.take() {
		if u != pageURL && u != bigURL && u != healthURL {
			t.Errorf("the page made a request: %s", u)
		}
	}
	for _, e := range reqs.takeErrors() {
		t.Errorf("the page logged an error: %s", e)
	}

	// The listener does hear a page that fetches something: the check
	// above can fail.
	var hits sync.WaitGroup
	hits.Add(1)
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/probe.png" {
			once.Do(hits.Done)
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!doctype html><title>probe</title><img src="/probe.png">`))
	}))
	defer srv.Close()
	if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	hits.Wait()
	if heard := reqs.take(); !slices.Contains(heard, srv.URL+"/probe.png") {
		t.Errorf("the network listener missed a request the probe page made: %q", heard)
	}
}
