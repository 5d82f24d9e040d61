package health

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/untrusted"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", name, got)
	}
}

func renderAll(t *testing.T, r Report) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"json": func(b *bytes.Buffer) error { return r.WriteJSON(b) },
		"txt":  func(b *bytes.Buffer) error { return r.WriteText(b) },
		"md":   func(b *bytes.Buffer) error { return r.WriteMarkdown(b) },
		"html": func(b *bytes.Buffer) error {
			h, err := r.HTML()
			b.WriteString(string(h) + "\n")
			return err
		},
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b.Bytes()
	}
	return out
}

func TestRenderingsMatchTheGoldenFiles(t *testing.T) {
	out := renderAll(t, Build(quarterInput(t)))
	for _, ext := range []string{"json", "txt", "md", "html"} {
		golden(t, "quarter."+ext, out[ext])
	}
}

func TestJSONIsTheDocumentedContract(t *testing.T) {
	var b bytes.Buffer
	if err := Build(quarterInput(t)).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   int    `json:"version"`
		Generated string `json:"generated"`
		Weeks     []map[string]json.RawMessage
		Hubs      []map[string]json.RawMessage
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != FormatVersion || doc.Generated != "2026-12-02T20:00:00Z" {
		t.Errorf("version %d, generated %q", doc.Version, doc.Generated)
	}
	for _, k := range []string{"start", "end", "partial", "received", "first_response", "updates", "resolved", "stewards", "events"} {
		if _, ok := doc.Weeks[0][k]; !ok {
			t.Errorf("a week has no %q", k)
		}
	}
	var fr map[string]any
	if err := json.Unmarshal(doc.Weeks[2]["first_response"], &fr); err != nil || fr["percent_met"] != nil || fr["median_hours"] != nil || fr["met"] != 0.0 {
		t.Errorf("a week with nothing due: %s", doc.Weeks[2]["first_response"])
	}
	if string(doc.Hubs[0]["name"]) != `"Acme Hub"` {
		t.Errorf("hub name %s", doc.Hubs[0]["name"])
	}
}

// hostile is a hub name written to break every sink.
const hostile = "<script>alert(1)</script> @everyone [x](http://evil) \x1b[31m`|` <img src=x onerror=alert(2)>"

func hostileReport(t *testing.T) Report {
	in := quarterInput(t)
	for i := range in.Tickets {
		if in.Tickets[i].Hub.Unescaped() == "Acme Hub" {
			in.Tickets[i].Hub = untrusted.Of(hostile)
		}
	}
	in.Roster.Events[0].Name = "<b>Workshop</b> @team"
	r := Build(in)
	if r.Hubs[0].Name.Unescaped() != hostile {
		t.Fatalf("the hostile hub is not first: %v", r.Hubs[0].Name.Unescaped())
	}
	return r
}

func TestAStrangersHubNameIsInertInEveryRendering(t *testing.T) {
	out := renderAll(t, hostileReport(t))
	for ext, b := range out {
		if bytes.ContainsRune(b, 0x1b) {
			t.Errorf("%s holds an escape character", ext)
		}
	}
	for _, ext := range []string{"json", "html"} {
		for _, bad := range []string{"<script", "<img", "<b>"} {
			if strings.Contains(string(out[ext]), bad) {
				t.Errorf("%s holds %q", ext, bad)
			}
		}
	}
	md := string(out["md"])
	// Every < of the name is escaped (\<): GitHub shows it as text.
	if regexp.MustCompile(`(^|[^\\])<(script|img|b>)`).MatchString(md) {
		t.Error("markdown holds a tag")
	}
	for _, bad := range []string{"@everyone", "](http", "http://", "@team", "`|`"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown holds %q", bad)
		}
	}
	// The Mermaid blocks hold nothing a stranger wrote.
	for _, block := range regexp.MustCompile("(?s)```mermaid.*?```").FindAllString(md, -1) {
		if strings.Contains(block, "script") || strings.Contains(block, "everyone") || strings.Contains(block, "Workshop") {
			t.Errorf("a chart holds outside text:\n%s", block)
		}
	}
	html := string(out["html"])
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the HTML does not show the hub's name as text")
	}
	if strings.Contains(html, "onerror=alert") && !strings.Contains(html, "&lt;img src=x onerror=alert(2)&gt;") {
		t.Error("the HTML lets an attribute through")
	}
	// Every row of the markdown hub table keeps its 8 cells.
	for _, line := range strings.Split(md, "\n") {
		if strings.Contains(line, "alert") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 9 {
			t.Errorf("the hub's row has lost its shape: %s", line)
		}
	}
}

func TestChartsAreSelfContainedAndAccessible(t *testing.T) {
	r := Build(quarterInput(t))
	charts, err := r.Charts()
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 3 {
		t.Fatalf("%d charts", len(charts))
	}
	page, err := r.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "http", "href", "src=", "<style", "<image", "<img", "@import", "<foreignObject", "on="} {
		if strings.Contains(strings.ToLower(string(page)), strings.ToLower(bad)) {
			t.Errorf("the section holds %q", bad)
		}
	}
	for _, u := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(string(page), -1) {
		if !strings.HasPrefix(u[1], "#") {
			t.Errorf("a reference outside the SVG: %s", u[0])
		}
	}
	for _, c := range charts {
		svg := string(c.SVG)
		for _, want := range []string{`role="img"`, `viewBox="0 0 640 300"`, `width="100%"`, `<title id="` + c.ID + `-title">`, `<desc id="` + c.ID + `-desc">`, `aria-labelledby="` + c.ID + `-title ` + c.ID + `-desc"`} {
			if !strings.Contains(svg, want) {
				t.Errorf("%s lacks %s", c.ID, want)
			}
		}
		if strings.Contains(svg, ` height="`) && strings.Contains(svg[:strings.Index(svg, ">")], " height=") {
			t.Errorf("%s fixes its height: it would not scale", c.ID)
		}
		table := string(c.Table)
		if !strings.Contains(table, "<caption>") || strings.Count(table, "<tr>") != len(r.Weeks)+1 {
			t.Errorf("%s's table: %d rows\n%s", c.ID, strings.Count(table, "<tr>"), table)
		}
	}
}
