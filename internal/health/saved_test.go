package health

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The report a run saves is the one the team page reads back: the same
// JSON, and the same charts (the zone comes back with it).
func TestASavedReportReadsBackTheSame(t *testing.T) {
	r := Build(quarterInput(t))
	dir := t.TempDir()
	if _, ok, err := LoadReport(dir); ok || err != nil {
		t.Fatalf("nothing saved: ok %v, err %v", ok, err)
	}
	if err := r.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, ok, err := LoadReport(dir)
	if !ok || err != nil {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	var a, b bytes.Buffer
	r.WriteJSON(&a)
	back.WriteJSON(&b)
	if a.String() != b.String() {
		t.Errorf("JSON differs after a round trip")
	}
	h1, err1 := r.HTML()
	h2, err2 := back.HTML()
	if err1 != nil || err2 != nil || h1 != h2 {
		t.Errorf("charts differ after a round trip (%v, %v)", err1, err2)
	}
	for name, body := range map[string]string{
		"not JSON":       "{",
		"a newer format": `{"version": 99, "timezone": "UTC"}`,
		"a bad zone":     `{"version": 1, "timezone": "Mars/Olympus"}`,
	} {
		os.WriteFile(filepath.Join(dir, ReportFile), []byte(body), 0o600)
		if _, ok, err := LoadReport(dir); ok || err == nil || !strings.Contains(err.Error(), ReportFile) {
			t.Errorf("%s: ok %v, err %v", name, ok, err)
		}
	}
}

// Hub names are kept with the replies, so a company is named once.
func TestTheCacheKeepsHubNames(t *testing.T) {
	dir := t.TempDir()
	c := NewCache()
	c.PutHub(7, "Example Hub")
	if err := c.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := LoadCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	if name, ok := back.Hub(7); !ok || name != "Example Hub" {
		t.Errorf("hub 7: %q %v", name, ok)
	}
}

// Each week names the roster's holidays in it: the days that count no
// working time, which a reader needs to read its figures.
func TestAWeekNamesItsHolidays(t *testing.T) {
	r := Build(quarterInput(t))
	got := map[string]string{}
	for _, wk := range r.Weeks {
		var hs []string
		for _, h := range wk.Holidays {
			hs = append(hs, h.String())
		}
		got[wk.Start.String()] = strings.Join(hs, ",")
	}
	want := map[string]string{"2026-11-09": "2026-11-11", "2026-11-23": "2026-11-26,2026-11-27", "2026-11-16": ""}
	for week, hs := range want {
		if got[week] != hs {
			t.Errorf("week %s: holidays %q, want %q", week, got[week], hs)
		}
	}
}

// A chart's count axis tops at an even number not below the most, so its
// middle line is a whole number of tickets (not "3.5").
func TestTheCountAxisHasWholeNumbers(t *testing.T) {
	for n := 0; n <= 5000; n++ {
		top := niceMax(n)
		if top < n || top%2 != 0 || (n > 4 && top > 2*n) {
			t.Fatalf("niceMax(%d) = %d", n, top)
		}
	}
}
