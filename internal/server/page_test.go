package server

import (
	"context"
	"github.com/support-steward/steward/internal/wire"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/roster"
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
