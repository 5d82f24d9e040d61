package server

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/calendar"
	"github.com/support-steward/steward/internal/rotation"
)

// calendar serves the schedule as iCalendar: /calendar.ics for everyone,
// /calendar/HANDLE.ics for one engineer.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) {
	handle := ""
	if f := r.PathValue("file"); f != "" {
		var ok bool
		if handle, ok = strings.CutSuffix(f, ".ics"); !ok {
			http.NotFound(w, r)
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	t, err := s.public.clients(ctx, s.cfg.Backend)
	if err != nil {
		s.log.Warn("calendar: roster unavailable", "err", err)
		http.Error(w, "the roster is unavailable right now", http.StatusServiceUnavailable)
		return
	}
	today := t.Roster.Today(t.Now)
	sched := rotation.Compute(t.Roster, today.AddDays(-8*7), today.AddDays(52*7))
	name := "Support Stewards: " + t.Roster.Team
	if handle != "" {
		e, ok := t.Roster.Engineer(handle)
		if !ok {
			http.NotFound(w, r)
			return
		}
		sched, name = sched.For(handle), name+" ("+e.Name+")"
	}
	var buf bytes.Buffer
	if err := calendar.Write(&buf, sched, calendar.Options{Name: name, Stamp: t.Now.UTC().Truncate(time.Hour), Refresh: 12 * time.Hour}); err != nil {
		http.Error(w, "could not render the calendar", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(buf.Bytes())
}
