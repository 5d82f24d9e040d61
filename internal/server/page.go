package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/page"
)

// teamPage serves the team-roles page at GET /. The endpoint is not
// authenticated, so it shows the schedule and, when a run saved one in
// Config.CacheDir, the support health report's weekly figures over many
// tickets: no ticket, no issue and no hub (health.PageSection).
//
// The page is a function of the roster's content, the day and the saved
// report, so its hash is the ETag: a new roster version, a new day or a
// new report is a new tag, and "no-cache" has every cache ask again and get
// a 304 until then.
func (s *Server) teamPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	t, err := s.public.clients(ctx, s.cfg.Backend)
	if err != nil {
		s.log.Warn("team page: roster unavailable", "err", err)
		http.Error(w, "the roster is unavailable right now", http.StatusServiceUnavailable)
		return
	}
	today := t.Roster.Today(t.Now)
	from, until := page.DefaultRange(today)
	// Links relative to the page: the calendars this server answers.
	links := page.Links{Team: "calendar.ics", PersonBase: "calendar/"}
	m := page.FromRotation(t.Roster, today, from, until, links)
	m.Health = s.health.section(s.cfg.CacheDir, s.log)
	var buf bytes.Buffer
	if err := page.Render(&buf, m); err != nil {
		s.log.Error("team page: rendering failed", "err", err)
		http.Error(w, "could not render the page", http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	h := w.Header()
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	// ServeContent answers If-None-Match with 304 and HEAD without a body.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(buf.Bytes()))
}

// savedHealth is the support health section of the report a run saved,
// read again only when the file's modification time or size changes:
// reading and drawing a report of the most weeks (health.MaxWeeks) takes
// milliseconds, the rest of the page a tenth of one, and anyone may ask for
// the page. A report that cannot be read is logged once for each version
// of the file, not once a request, and the page goes without it.
type savedHealth struct {
	mu     sync.Mutex
	loaded bool
	key    fileKey
	html   string
}

// fileKey tells one version of a file from the next; the zero key is a
// file that could not be looked at (missing, most often).
type fileKey struct {
	mod  time.Time
	size int64
}

// section is the section of the report saved in dir (the server's one
// Config.CacheDir); "" when dir is "" or holds no report that can be read.
func (h *savedHealth) section(dir string, log *slog.Logger) string {
	if dir == "" {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var key fileKey
	if fi, err := os.Stat(filepath.Join(dir, health.ReportFile)); err == nil {
		key = fileKey{fi.ModTime(), fi.Size()}
	}
	if h.loaded && key == h.key {
		return h.html
	}
	h.loaded, h.key, h.html = true, key, ""
	html, err := drawSaved(dir)
	if err != nil {
		log.Warn("team page: the support health report cannot be shown; the page goes without it", "err", err)
	}
	h.html = html
	return html
}

// drawSaved is the section of the report saved in dir, "" when none was.
func drawSaved(dir string) (string, error) {
	section, err := health.PageSection(dir)
	return string(section), err
}
