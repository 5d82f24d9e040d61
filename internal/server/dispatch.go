package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/calendar"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/triage"
)

// envelope is every field of an issues or pull_request delivery that
// steward reads; the rest is re-read from GitHub.
type envelope struct {
	Action string `json:"action"`
	Number int    `json:"number"`
	Issue  struct {
		Number      int                      `json:"number"`
		Labels      []struct{ Name string }  `json:"labels"`
		Assignees   []struct{ Login string } `json:"assignees"`
		PullRequest json.RawMessage          `json:"pull_request"`
	} `json:"issue"`
	PullRequest struct {
		Merged bool                      `json:"merged"`
		Head   struct{ Ref, SHA string } `json:"head"`
		Base   struct{ Ref string }      `json:"base"`
	} `json:"pull_request"`
	Label      *struct{ Name string }  `json:"label"`
	Assignee   *struct{ Login string } `json:"assignee"`
	Sender     struct{ Login string }  `json:"sender"`
	Repository struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
	Installation *struct {
		ID int64 `json:"id"`
	} `json:"installation"`
}

// dispatch does a delivery's work. Handlers re-read what they act on, so a
// redelivery or a replay changes nothing that is already right.
func (s *Server) dispatch(ctx context.Context, j job, log *slog.Logger) error {
	t, err := s.cfg.Backend.Tools(ctx, j.installation)
	if err != nil {
		return err
	}
	switch {
	case j.source == "freshdesk":
		return s.onTicket(ctx, t, j.ticket, log)
	case j.event == "issues":
		return s.onIssue(ctx, t, j.env, log)
	case j.event == "pull_request":
		return s.onPull(ctx, t, j.env, log)
	}
	return nil
}

func (s *Server) applier(t *Tools) (*mirror.Applier, mirror.Setup, bool) {
	setup, err := mirror.FromRoster(t.Roster)
	if err != nil || t.FD == nil {
		return nil, setup, false
	}
	setup.Render.TicketURL = t.FD.AgentURL
	return &mirror.Applier{GH: t.GH, FD: t.FD, Owner: setup.Owner, Repo: setup.Repo, Board: setup.Board, Render: setup.Render, Now: t.Now}, setup, true
}

func (s *Server) onTicket(ctx context.Context, t *Tools, id int64, log *slog.Logger) error {
	a, setup, ok := s.applier(t)
	if !ok {
		log.Info("FreshDesk delivery ignored: the mirror is not configured", "ticket", id)
		return nil
	}
	r, err := a.SyncTicket(ctx, setup.Config, setup.Label, id)
	if err != nil {
		return err
	}
	if r.Failed() > 0 {
		return fmt.Errorf("%d step(s) failed for ticket %d", r.Failed(), id)
	}
	return nil
}

func (s *Server) onIssue(ctx context.Context, t *Tools, e envelope, log *slog.Logger) error {
	ig := t.Roster.Integrations.GitHub
	if ig == nil || !strings.EqualFold(e.Repository.FullName, ig.Repo) || len(e.Issue.PullRequest) > 0 {
		return nil // not the support repository, or a pull request
	}
	label := ig.Label()
	owner, name, _ := strings.Cut(ig.Repo, "/")
	tr := &triage.Triage{GH: t.GH, FD: t.FD, Roster: t.Roster, Owner: owner, Repo: name, Label: label, Now: t.Now}
	hasLabel := false
	for _, l := range e.Issue.Labels {
		hasLabel = hasLabel || strings.EqualFold(l.Name, label)
	}
	log = log.With("issue", e.Issue.Number, "repo", ig.Repo)
	switch e.Action {
	case "labeled", "opened":
		if e.Action == "labeled" && (e.Label == nil || !strings.EqualFold(e.Label.Name, label)) || !hasLabel {
			return nil
		}
		if a, setup, ok := s.applier(t); ok {
			if _, err := a.Adopt(ctx, setup.Config, label, e.Issue.Number); err != nil {
				return err
			}
		}
		res, err := tr.Route(ctx, e.Issue.Number, false)
		if err == nil {
			log.Info("routed", "message", res.Message)
		}
		return err
	case "closed", "reopened":
		if !hasLabel {
			return nil
		}
		a, setup, ok := s.applier(t)
		if !ok {
			return nil
		}
		is, _, err := t.GH.REST.Issues.Get(ctx, owner, name, e.Issue.Number)
		if err != nil {
			return err
		}
		if id, _, ok := mirror.TicketOf(is.GetBody()); ok {
			_, err = a.SyncTicket(ctx, setup.Config, label, id)
		}
		return err
	case "unassigned":
		// Only when the engineer let go themselves is someone else asked.
		if !hasLabel || e.Assignee == nil || !strings.EqualFold(e.Assignee.Login, e.Sender.Login) {
			return nil
		}
		res, err := tr.Route(ctx, e.Issue.Number, false)
		if err == nil {
			log.Info("routed", "message", res.Message)
		}
		return err
	}
	return nil
}

func (s *Server) rotator(t *Tools) (*rosterpr.Rotator, bool) {
	ig := t.Roster.Integrations.GitHub
	if ig == nil {
		return nil, false
	}
	repo := ig.RosterRepo
	if repo == "" {
		repo = ig.Repo
	}
	path := ig.RosterPath
	if path == "" {
		path = "roster.yaml"
	}
	owner, name, _ := strings.Cut(repo, "/")
	return &rosterpr.Rotator{GH: t.GH, FD: t.FD, Today: t.Roster.Today(t.Now), Lead: 7, Repo: rosterpr.Repo{
		Owner: owner, Name: name, Path: path, Base: ig.BaseBranch, CalendarPath: ig.CalendarPath, Issues: ig.Repo, SupportLabel: ig.Label()}}, true
}

func (s *Server) onPull(ctx context.Context, t *Tools, e envelope, log *slog.Logger) error {
	rot, ok := s.rotator(t)
	if !ok || !strings.EqualFold(e.Repository.FullName, rot.Repo.Owner+"/"+rot.Repo.Name) {
		return nil
	}
	log = log.With("pull_request", e.Number, "repo", e.Repository.FullName)
	switch e.Action {
	case "opened", "synchronize", "reopened":
		touches := false
		opt := &github.ListOptions{PerPage: 100}
		for {
			files, resp, err := t.GH.REST.PullRequests.ListFiles(ctx, rot.Repo.Owner, rot.Repo.Name, e.Number, opt)
			if err != nil {
				return err
			}
			for _, f := range files {
				touches = touches || f.GetFilename() == rot.Repo.Path
			}
			if resp.NextPage == 0 {
				break
			}
			opt.Page = resp.NextPage
		}
		if !touches {
			return nil
		}
		res, err := rot.CheckRoster(ctx, e.PullRequest.Base.Ref, e.PullRequest.Head.SHA, e.Number)
		if err == nil {
			log.Info("roster checked", "title", res.Title)
		}
		return err
	case "closed":
		if !e.PullRequest.Merged || !strings.HasPrefix(e.PullRequest.Head.Ref, "steward/rotation-") {
			return nil
		}
		// The merged roster is the one on the base branch now.
		fresh, err := s.cfg.Backend.Tools(ctx, 0)
		if err != nil {
			return err
		}
		res, err := rosterpr.Membership{GH: t.GH, FD: t.FD}.Sync(ctx, fresh.Roster, fresh.Roster.Today(fresh.Now))
		if err == nil {
			log.Info("stewards synced", "added", res.TeamAdded, "removed", res.TeamRemoved)
		}
		return err
	}
	return nil
}

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
	t, err := s.cfg.Backend.Tools(ctx, 0)
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
