package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/support-steward/steward/internal/page"
)

// teamPage serves the team-roles page at GET /. The endpoint is not
// authenticated, so it shows the schedule only: no ticket or issue data.
//
// The page is a function of the roster's content and the day, so its hash
// is the ETag: a new roster version (or a new day) is a new tag, and
// "no-cache" has every cache ask again and get a 304 until then.
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
	var buf bytes.Buffer
	if err := page.Render(&buf, page.FromRotation(t.Roster, today, from, until, links)); err != nil {
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
