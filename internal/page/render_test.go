package page

import (
	"bytes"
	"flag"
	"html"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	templruntime "github.com/a-h/templ/runtime"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleToday is a pinned day on which the sample roster has confirmed and
// projected shifts in view.
var sampleToday = civil.MustParse("2026-11-27")

func sampleRoster(t testing.TB) *roster.Roster {
	t.Helper()
	r, probs, err := roster.Load("../../roster.yaml")
	if err != nil {
		t.Fatalf("%v %v", err, probs)
	}
	return r
}

func sampleModel(t testing.TB) Model {
	r := sampleRoster(t)
	from, until := DefaultRange(sampleToday)
	return FromRotation(r, sampleToday, from, until, Links{Team: "calendar.ics", PersonBase: "calendar/"})
}

func render(t testing.TB, m Model) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendering; run go test ./internal/page -update and review the diff", path)
	}
}

func TestSampleRosterGolden(t *testing.T) {
	golden(t, "sample.html", render(t, sampleModel(t)))
}

// TestHostileRosterValuesStayText renders roster values written to break
// out of the page (a script for a name, quotes in a handle, markup in the
// team's name and an event) and calendar links with schemes that run code.
// Every value must come back exactly when the HTML is read (escaped, not
// dropped), none may appear raw, and only http(s), webcal and relative
// links may become an <a>.
func TestHostileRosterValuesStayText(t *testing.T) {
	const (
		team   = `Tom & Jerry <b>Support</b>`
		name   = `<script>alert(1)</script>`
		handle = `o"b'x onmouseover=alert(1)`
		event  = `</style><script>alert(2)</script>`
	)
	evil, ok := Person{Handle: handle, Name: name}, Person{Handle: "ok", Name: "Ok"}
	for _, tc := range []struct {
		team, personBase string
		linked           bool
	}{
		{"javascript:alert(1)", "javascript:alert(1)//", false},
		{" JaVaScRiPt:alert(1)", " JaVaScRiPt:alert(1)//", false},
		{"data:text/html,x", "data:text/html,x/", false},
		{"vbscript:msgbox(1)", "VBScript:msgbox(1)/", false},
		{"\x01javascript:alert(1)", "\tjavascript:alert(1)/", false},
		{"https://steward.example.org/calendar.ics", "https://steward.example.org/calendar/", true},
		{"webcal://steward.example.org/calendar.ics", "webcal://steward.example.org/calendar/", true},
		{"calendar.ics", "calendar/", true},
	} {
		t.Run(tc.team, func(t *testing.T) {
			m := bare()
			m.Team = team
			m.Shifts = []Shift{{Person: evil, Start: d("2026-03-02"), End: d("2026-03-16"), Confirmed: true}}
			m.Covers = []Cover{{Who: ok, For: evil, From: d("2026-03-05"), To: d("2026-03-06")}}
			m.Events = []Event{{Name: event, Hub: "main", From: d("2026-03-03"), To: d("2026-03-04")}}
			m.OnDuty = []Duty{{Person: evil, Until: d("2026-03-16"), Confirmed: true}}
			m.Next = &Handoff{Date: d("2026-03-16"), Leaving: []Person{evil}, Staying: []Person{ok}}
			m.Links = Links{Team: tc.team, PersonBase: tc.personBase}
			page := render(t, m)

			for _, raw := range []string{name, event, team, handle, `"b'`, "<b>", "& Jerry", "alert(2)</script>"} {
				if strings.Contains(page, raw) {
					t.Errorf("%q is in the page unescaped", raw)
				}
			}
			if n := strings.Count(page, "<script"); n != 1 {
				t.Errorf("%d <script> elements, want the page's own one", n)
			}
			if n := strings.Count(page, "</style>"); n != 1 {
				t.Errorf("%d </style>, want the page's own one", n)
			}
			// Read back, each value is whole: the quote did not end the
			// attribute, the markup did not become elements.
			for _, c := range []struct {
				re   string
				want string
			}{
				{`<h1>([^<]*)</h1>`, team},
				{`<title>([^<]*)</title>`, "Support Stewards · " + team},
				{`<li data-handle="([^"]*)"`, handle},
				{`<div class="tl-row person" data-handle="([^"]*)"`, handle},
				{`<span class="name">([^<]*)</span> <span class="handle">@o`, name},
				{`<span data-handle="[^"]*">([^<]*)</span>`, name},
				{`<li><strong>([^<]*) \(main\)</strong>`, event},
				{`data-kind="shift" data-handle="([^"]*)"`, handle},
			} {
				mm := regexp.MustCompile(c.re).FindStringSubmatch(page)
				if mm == nil || html.UnescapeString(mm[1]) != c.want {
					t.Errorf("%s: got %q, want %q escaped", c.re, mm, c.want)
				}
			}

			subscribe := regexp.MustCompile(`<a class="subscribe" href="([^"]*)"`).FindStringSubmatch(page)
			cal := regexp.MustCompile(`<a class="cal" href="([^"]*)"`).FindAllStringSubmatch(page, -1)
			if !tc.linked {
				if subscribe != nil || cal != nil || strings.Contains(page, "Calendar</a>") || strings.Contains(page, "calendar</a>") {
					t.Errorf("a link to %q: subscribe %q, per person %q", tc.team, subscribe, cal)
				}
				for _, bad := range []string{"javascript:", "vbscript:", "data:text"} {
					if strings.Contains(strings.ToLower(page), bad) {
						t.Errorf("%q is in the page", bad)
					}
				}
				return
			}
			if subscribe == nil || html.UnescapeString(subscribe[1]) != tc.team {
				t.Errorf("the team's calendar %q is linked as %q", tc.team, subscribe)
			}
			if len(cal) != 2 { // the evil steward's row and Ok's (the cover)
				t.Fatalf("%d per-person calendar links, want 2", len(cal))
			}
			for _, c := range cal {
				href := html.UnescapeString(c[1])
				u, err := url.Parse(href)
				if err != nil || !strings.HasPrefix(href, tc.personBase) || !strings.HasSuffix(u.Path, ".ics") {
					t.Errorf("per-person link %q (%v)", href, err)
				}
			}
			if !strings.Contains(page, `/o%22b%27x%20onmouseover=alert%281%29.ics"`) {
				t.Error("the handle in the per-person link is not percent-encoded")
			}
		})
	}
}

// TestTemplDevModeIsRefused runs this test binary again with templ's
// development mode on and a file of hostile lines where templ's runtime then
// reads the page's own HTML: Render must refuse, not write that markup.
func TestTemplDevModeIsRefused(t *testing.T) {
	if os.Getenv("STEWARD_TEST_TEMPL_DEV_MODE") == "child" {
		var b bytes.Buffer
		err := Render(&b, bare())
		if err == nil || b.Len() != 0 {
			t.Fatalf("in templ's development mode Render wrote %d bytes (err %v): %.200q", b.Len(), err, b.String())
		}
		if !strings.Contains(err.Error(), "TEMPL_DEV_MODE") {
			t.Errorf("the error does not name TEMPL_DEV_MODE: %v", err)
		}
		return
	}
	root := t.TempDir()
	t.Setenv("TEMPL_DEV_MODE_ROOT", root)
	gen, err := filepath.Abs("page_templ.go")
	if err != nil {
		t.Fatal(err)
	}
	hostile := strings.Repeat("<script>alert(1)</script>\n", 1000)
	if err := os.WriteFile(templruntime.GetDevModeTextFileName(gen), []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTemplDevModeIsRefused$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TEMPL_DEV_MODE=true", "STEWARD_TEST_TEMPL_DEV_MODE=child")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%v\n%s", err, out)
	}
}
