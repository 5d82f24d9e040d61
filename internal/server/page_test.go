package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/health/healthtest"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/wire"
)

// fixedRoster serves one roster at one moment.
type fixedRoster struct {
	r   *roster.Roster
	now time.Time
}

func (b fixedRoster) Clients(context.Context, int64) (*wire.Clients, error) {
	return &wire.Clients{Roster: b.r, Now: b.now}, nil
}

func TestTeamPageAtTheRoot(t *testing.T) {
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	r := mustRoster()
	s, _ := newServer(t, fixedRoster{r, now}, nil)
	get := func(path, etag string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	first := get("/", "")
	body := first.Body.String()
	if first.Code != 200 || first.Header().Get("Content-Type") != "text/html; charset=utf-8" ||
		!strings.Contains(body, `data-handle="grace" data-status="confirmed"`) || !strings.Contains(body, "Open Infrastructure Engineering Team") {
		t.Fatalf("GET /: %d %s\n%.400s", first.Code, first.Header(), body)
	}
	if !strings.Contains(body, `href="calendar/grace.ics"`) || !strings.Contains(body, `href="calendar.ics"`) {
		t.Error("the page does not link the calendars this server answers")
	}
	etag := first.Header().Get("ETag")
	if etag == "" || first.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("caching headers: %v", first.Header())
	}
	if again := get("/", etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("unchanged roster, If-None-Match: %d, %d bytes", again.Code, again.Body.Len())
	}

	// A new roster version is a new tag.
	changed := *r
	changed.Team = "Renamed Team"
	s2, _ := newServer(t, fixedRoster{&changed, now}, nil)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("If-None-Match", etag)
	s2.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("ETag") == etag || !strings.Contains(rec.Body.String(), "Renamed Team") {
		t.Errorf("a changed roster: %d, tag %s (was %s)", rec.Code, rec.Header().Get("ETag"), etag)
	}

	if code := get("/nothing-here", "").Code; code != 404 {
		t.Errorf("GET /nothing-here: %d: the page must not answer every path", code)
	}
	if code := get("/webhooks/github", "").Code; code != http.StatusMethodNotAllowed {
		t.Errorf("GET /webhooks/github: %d", code)
	}
}

type noRoster struct{}

func (noRoster) Clients(context.Context, int64) (*wire.Clients, error) {
	return nil, context.DeadlineExceeded
}

func TestTeamPageWithoutARosterSaysSo(t *testing.T) {
	s, _ := newServer(t, noRoster{}, nil)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("ETag") != "" {
		t.Errorf("%d %v", rec.Code, rec.Header())
	}
}

// GET / shows the support health report a run saved in the cache
// directory, and a new one as soon as it is saved (a new ETag). A report
// that cannot be read is logged, once for that version of the file, and
// the page is served without the section.
func TestTeamPageShowsTheSavedHealthReport(t *testing.T) {
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	r := mustRoster()
	dir := t.TempDir()
	var logs syncBuffer
	s, _ := newServer(t, fixedRoster{r, now}, func(c *Config) {
		c.CacheDir = dir
		c.Log = slog.New(slog.NewTextHandler(&logs, nil))
	})
	get := func(etag string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest("GET", "/", nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	const section = `<section class="support-health"`

	plain := get("")
	if plain.Code != 200 || strings.Contains(plain.Body.String(), section) || logs.String() != "" {
		t.Fatalf("no report saved: %d, section shown: %v, logs %q", plain.Code, strings.Contains(plain.Body.String(), section), logs.String())
	}

	healthtest.Save(t, r, now, dir, "Example Hub", 10)
	first := get(plain.Header().Get("ETag"))
	if first.Code != 200 || !strings.Contains(first.Body.String(), section) {
		t.Fatalf("a saved report: %d, the section is not on the page", first.Code)
	}
	// The page answers anyone: the hubs, who are customers, are not on it.
	if strings.Contains(first.Body.String(), "Example Hub") {
		t.Error("a hub's name is on the public team page")
	}
	etag := first.Header().Get("ETag")
	if again := get(etag); again.Code != http.StatusNotModified {
		t.Errorf("the same report again: %d, want 304", again.Code)
	}
	// A later run's report: more tickets, another page.
	healthtest.Save(t, r, now, dir, "Example Hub", 14)
	if next := get(etag); next.Code != 200 || next.Body.String() == first.Body.String() {
		t.Errorf("a new report: %d, not shown", next.Code)
	}

	file := filepath.Join(dir, health.ReportFile)
	if err := os.WriteFile(file, []byte(`{"version": 1, "weeks": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		rec := get("")
		if rec.Code != 200 || strings.Contains(rec.Body.String(), section) || rec.Body.String() != plain.Body.String() {
			t.Fatalf("a corrupt report: %d, section shown: %v", rec.Code, strings.Contains(rec.Body.String(), section))
		}
	}
	if n := strings.Count(logs.String(), file); n != 1 || !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the corrupt report is named in %d log lines, want one warning:\n%s", n, logs.String())
	}

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if rec := get(""); rec.Code != 200 || rec.Body.String() != plain.Body.String() || strings.Count(logs.String(), "level=") != 1 {
		t.Errorf("the report removed: %d, the page or the logs changed:\n%s", rec.Code, logs.String())
	}
}
