package health

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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

// A saved report no run could have made is refused before it is drawn:
// shares outside 0-100 %, negative counts or times, more weeks than a
// report holds. And a named pipe where a file should be is refused, not
// waited on: the team page reads it on every request.
func TestALoadedReportIsChecked(t *testing.T) {
	dir := t.TempDir()
	if err := Build(quarterInput(t)).Save(dir); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string][2]string{
		"a share of 1e308 %": {`"percent_met": 100`, `"percent_met": 1e308`},
		"a negative median":  {`"median_hours": 8`, `"median_hours": -1000000000`},
		"a negative count":   {`"total": 17`, `"total": -5`},
		"a share of -0.5 %":  {`"percent_on_time": 100`, `"percent_on_time": -0.5`},
	} {
		bad := strings.Replace(string(good), edit[0], edit[1], 1)
		if bad == string(good) {
			t.Fatalf("%s: %q is not in the saved report", name, edit[0])
		}
		os.WriteFile(filepath.Join(dir, ReportFile), []byte(bad), 0o600)
		if _, ok, err := LoadReport(dir); ok || err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	var many struct {
		Version  int               `json:"version"`
		Timezone string            `json:"timezone"`
		Weeks    []json.RawMessage `json:"weeks"`
	}
	json.Unmarshal(good, &many)
	for len(many.Weeks) <= MaxWeeks {
		many.Weeks = append(many.Weeks, many.Weeks[0])
	}
	data, _ := json.Marshal(many)
	os.WriteFile(filepath.Join(dir, ReportFile), data, 0o600)
	if _, ok, err := LoadReport(dir); ok || err == nil {
		t.Errorf("%d weeks: accepted", len(many.Weeks))
	}

	pipes := t.TempDir()
	for _, name := range []string{ReportFile, CacheFile} {
		if err := syscall.Mkfifo(filepath.Join(pipes, name), 0o600); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, ok, err := LoadReport(pipes); ok || err == nil {
			t.Errorf("a named pipe as the report: ok %v, err %v", ok, err)
		}
		if _, err := LoadCache(pipes); err == nil {
			t.Error("a named pipe as the cache: no error")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reading a named pipe blocked")
	}
}

// Names are shown, whatever they hold: invisible characters as U+FFFD (a
// name of zero-width spaces is not blank), and cut at 100 characters in
// every rendering (a 10,000-character name would fill the dashboard).
func TestNamesAreVisibleAndShort(t *testing.T) {
	if got := clean("\u200b\u200b"); got != "\uFFFD\uFFFD" {
		t.Errorf("zero-width spaces: %q", got)
	}
	long := strings.Repeat("x", 10000)
	if got := clean(long); len([]rune(got)) != maxNameRunes+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("a long name: %d runes", len([]rune(got)))
	}
}
