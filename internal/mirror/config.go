package mirror

import (
	"errors"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/workdays"
)

// Board names the project and its fields, as roster.yaml gives them.
type Board struct {
	Owner          string
	Number         int
	StatusField    string
	StatusOption   string
	PriorityField  string
	IterationField string
	// DoneOption is the status option of closed support issues.
	DoneOption string
	// ArchiveAfter is how long a closed support issue stays Done on the
	// board before its item is archived.
	ArchiveAfter time.Duration
}

// Setup is the mirror's configuration as roster.yaml gives it.
type Setup struct {
	Config      Config
	Board       *Board
	Render      Render
	Owner, Repo string
	Label       string
	// FreshdeskDomain is the account's subdomain (acme).
	FreshdeskDomain string
}

// FromRoster reads the mirror's configuration; a missing integration is an
// error naming the setting.
func FromRoster(r *roster.Roster) (Setup, error) {
	ig, fi := r.Integrations.GitHub, r.Integrations.Freshdesk
	switch {
	case fi == nil && ig == nil:
		return Setup{}, errors.New("the mirror is off: roster.yaml has no integrations.freshdesk and no integrations.github")
	case fi == nil:
		return Setup{}, errors.New("the mirror is off: roster.yaml has no integrations.freshdesk (domain, tags)")
	case ig == nil:
		return Setup{}, errors.New("the mirror is off: roster.yaml has no integrations.github (repo, project)")
	}
	owner, repo, _ := strings.Cut(ig.Repo, "/")
	s := Setup{
		Owner: owner, Repo: repo, Label: ig.Label(), FreshdeskDomain: fi.Domain,
		Config: Config{Domain: fi.Host(), Tags: fi.MirrorTags(), MinPriority: fi.MinPriority, SupportLabel: ig.Label(),
			EventLabel: roster.DefaultEventLabel, Events: r.Events, Location: r.Location(),
			IncludeRequester: fi.IncludeRequester, IncludeDescription: fi.IncludeDescription, KeepSubjects: !fi.Scrubs()},
		Render: Render{Repo: ig.Repo, Location: r.Location(), Calendar: workdays.New(r.Location(), r.Holidays),
			FirstResponse: r.SLA.FirstResponseDays()},
	}
	s.Board = BoardOf(ig)
	return s, nil
}

// BoardOf is the board integrations.github.project names, nil for none.
func BoardOf(ig *roster.GitHubIntegration) *Board {
	if ig == nil || ig.Project == nil {
		return nil
	}
	p := ig.Project
	status, option, priority, iteration := p.Fields()
	return &Board{Owner: p.Owner, Number: p.Number, StatusField: status, StatusOption: option, PriorityField: priority, IterationField: iteration,
		DoneOption: p.Done(), ArchiveAfter: time.Duration(p.ArchiveAfterDays()) * 24 * time.Hour}
}
