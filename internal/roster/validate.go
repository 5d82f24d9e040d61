package roster

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
)

var (
	githubLogin = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)
	githubRepo  = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}/[A-Za-z0-9._-]{1,100}$`)
	githubTeam  = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}/[A-Za-z0-9._-]+$`)
	subdomain   = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
)

// problem locates a finding at path, or at its nearest parent that has a
// position.
func (r *Roster) problem(sev Severity, path, format string, args ...any) Problem {
	pos, _ := r.Pos(path)
	return Problem{File: r.File, Line: pos.line, Col: pos.col, Path: path,
		Message: fmt.Sprintf(format, args...), Severity: sev}
}

// Pos returns where path (e.g. engineers[2].github) stands in the file,
// falling back to its nearest located parent, then to the top of the file.
func (r *Roster) Pos(path string) (position, string) {
	for p := path; p != ""; p = parent(p) {
		if pos, ok := r.pos[p]; ok {
			return pos, p
		}
	}
	return position{1, 1}, ""
}

// Line returns the line and column of path in the roster file.
func (r *Roster) Line(path string) (line, col int) {
	pos, _ := r.Pos(path)
	return pos.line, pos.col
}

func parent(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

type validator struct {
	r     *Roster
	out   Problems
	known map[string]bool // paths that already have a decoding problem
}

func (v *validator) errorf(path, format string, args ...any) {
	if !v.known[path] {
		v.out = append(v.out, v.r.problem(Error, path, format, args...))
	}
}

func (v *validator) warnf(path, format string, args ...any) {
	v.out = append(v.out, v.r.problem(Warning, path, format, args...))
}

func (v *validator) has(path string) bool {
	_, ok := v.r.pos[path]
	return ok && !v.known[path]
}

func validate(r *Roster, decoding Problems) Problems {
	v := &validator{r: r, known: map[string]bool{}}
	for _, p := range decoding {
		v.known[p.Path] = true
	}
	if v.has("team") && strings.TrimSpace(r.Team) == "" {
		v.errorf("team", "must name the team")
	}
	v.holidays()
	v.support()
	v.engineers()
	v.shifts()
	v.events()
	v.integrations()
	v.sla()
	return v.out
}

func (v *validator) holidays() {
	seen := map[civil.Date]int{}
	for i, h := range v.r.Holidays {
		if j, dup := seen[h]; dup && !h.IsZero() {
			v.warnf(fmt.Sprintf("holidays[%d]", i), "%s is already listed at holidays[%d]", h, j)
		}
		seen[h] = i
	}
}

func (v *validator) support() {
	s := v.r.Support
	if v.has("support.team_size") && (s.TeamSize < 1 || s.TeamSize > MaxTeamSize) {
		v.errorf("support.team_size", "must be 1 to %d stewards on duty at once, found %d", MaxTeamSize, s.TeamSize)
	}
	if v.has("support.tenure") && v.has("support.handoff_every") && v.has("support.team_size") && s.TeamSize >= 1 && s.TeamSize <= MaxTeamSize {
		if s.Tenure.Days != s.TeamSize*s.HandoffEvery.Days {
			v.errorf("support.handoff_every", "must equal tenure / team_size: tenure %s with team_size %d needs handoff_every %s, found %s",
				s.Tenure, s.TeamSize, dayString(s.Tenure.Days, s.TeamSize), s.HandoffEvery)
		}
	}
	if s.MaxAwayDays != nil && (*s.MaxAwayDays < 0 || *s.MaxAwayDays > MaxDurationDays) {
		v.errorf("support.max_away_days", "must be 0 to %d days, found %d", MaxDurationDays, *s.MaxAwayDays)
	}
}

// MaxTeamSize is the most stewards on duty at once.
const MaxTeamSize = 10

// MaxSLADays is the longest response target, in working days.
const MaxSLADays = 60

func dayString(days, parts int) string {
	if days%parts != 0 {
		return fmt.Sprintf("%d/%d days (not whole: change tenure)", days, parts)
	}
	return Duration{Days: days / parts}.String()
}

func (v *validator) engineers() {
	r := v.r
	if v.has("engineers") && len(r.Engineers) == 0 {
		v.errorf("engineers", "list at least one engineer")
	}
	handles := map[string]int{}
	agents := map[int64]int{}
	eligible := 0
	for i, e := range r.Engineers {
		p := fmt.Sprintf("engineers[%d]", i)
		if v.has(p+".name") && strings.TrimSpace(e.Name) == "" {
			v.errorf(p+".name", "must not be empty")
		}
		if v.has(p + ".github") {
			key := strings.ToLower(e.GitHub)
			switch {
			case !githubLogin.MatchString(e.GitHub):
				v.errorf(p+".github", "%q is not a GitHub login (letters, digits and single hyphens, at most 39)", e.GitHub)
			case handles[key] > 0:
				v.errorf(p+".github", "%q is already used by engineers[%d]", e.GitHub, handles[key]-1)
			default:
				handles[key] = i + 1
			}
		}
		if e.FreshdeskAgentID != 0 {
			if e.FreshdeskAgentID < 0 {
				v.errorf(p+".freshdesk_agent_id", "must be a positive FreshDesk agent id")
			} else if j, dup := agents[e.FreshdeskAgentID]; dup {
				v.errorf(p+".freshdesk_agent_id", "%d is already used by engineers[%d]", e.FreshdeskAgentID, j)
			} else {
				agents[e.FreshdeskAgentID] = i
			}
		}
		for k, s := range e.Skills {
			if strings.TrimSpace(s) == "" {
				v.errorf(fmt.Sprintf("%s.skills[%d]", p, k), "must not be empty")
			}
		}
		if !e.Joined.IsZero() && !e.Left.IsZero() && !e.Left.After(e.Joined) {
			v.errorf(p+".left", "%s must be after joined (%s)", e.Left, e.Joined)
		}
		for k, a := range e.Away {
			ap := fmt.Sprintf("%s.away[%d]", p, k)
			if !a.From.IsZero() && !a.To.IsZero() && a.To.Before(a.From) {
				v.errorf(ap+".to", "%s is before from (%s); to is the last day away, inclusive", a.To, a.From)
			}
		}
		if e.InRotation() && e.Left.IsZero() {
			eligible++
		}
	}
	if len(r.Engineers) > 0 && r.Support.TeamSize > 0 && eligible < r.Support.TeamSize {
		v.warnf("engineers", "only %d engineers are in the rotation for %d seats: every shift will have a gap", eligible, r.Support.TeamSize)
	}
}

func (v *validator) shifts() {
	r := v.r
	type iv struct {
		i          int
		start, end civil.Date
		who        string
	}
	var ok []iv
	for i, s := range r.Shifts {
		p := fmt.Sprintf("shifts[%d]", i)
		if v.has(p+".github") && s.GitHub != "" {
			e, found := r.Engineer(s.GitHub)
			switch {
			case !found:
				v.warnf(p+".github", "%q is not on the roster; the shift is kept as confirmed", s.GitHub)
			case !e.InRotation():
				v.warnf(p+".github", "%q has support_rotation: false but holds a confirmed shift", s.GitHub)
			case !e.Left.IsZero() && s.End.After(e.Left):
				v.warnf(p+".github", "%q leaves on %s, before this shift ends", s.GitHub, e.Left)
			}
		}
		if s.Start.IsZero() || s.End.IsZero() {
			continue
		}
		if !s.End.After(s.Start) {
			v.errorf(p+".end", "%s must be after start (%s); shifts are [start, end)", s.End, s.Start)
			continue
		}
		ok = append(ok, iv{i, s.Start, s.End, strings.ToLower(s.GitHub)})
	}
	// One engineer twice at once: per engineer, in start order, a shift that
	// starts before the latest end so far overlaps an earlier one.
	byWho := slices.Clone(ok)
	slices.SortStableFunc(byWho, func(a, b iv) int {
		return cmp.Or(strings.Compare(a.who, b.who), a.start.Compare(b.start), cmp.Compare(a.i, b.i))
	})
	var overlaps []iv // pairs: the later-listed shift, then the one it overlaps
	for k := 1; k < len(byWho); k++ {
		x := byWho[k]
		// The earlier shift (in start order) with the latest end is the one
		// to name, unless an earlier-listed one overlaps too.
		for j := k - 1; j >= 0 && byWho[j].who == x.who; j-- {
			y := byWho[j]
			if y.end.After(x.start) {
				a, b := y, x
				if a.i > b.i {
					a, b = b, a
				}
				overlaps = append(overlaps, b, a)
				break
			}
			if k-j > 1 {
				break // sorted by start: only the nearest can reach, unless one is long
			}
		}
	}
	reportedDup := map[int]bool{}
	for k := 0; k+1 < len(overlaps); k += 2 {
		b, a := overlaps[k], overlaps[k+1]
		if !reportedDup[b.i] {
			reportedDup[b.i] = true
			v.errorf(fmt.Sprintf("shifts[%d]", b.i), "%s is already on duty in shifts[%d] (%s to %s)", r.Shifts[b.i].GitHub, a.i, a.start, a.end)
		}
	}
	// Never more than team_size at once. Load only rises at a start, so
	// checking each distinct start date is enough; the finding goes to the
	// last shift listed with that start. A sweep over the starts and ends
	// keeps it O(k log k).
	if n := r.Support.TeamSize; n > 0 {
		type edge struct {
			at    civil.Date
			delta int
		}
		edges := make([]edge, 0, 2*len(ok))
		for _, x := range ok {
			edges = append(edges, edge{x.start, +1}, edge{x.end, -1})
		}
		// Ends before starts on the same day: [start, end) ranges touch.
		slices.SortFunc(edges, func(a, b edge) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.delta, b.delta)) })
		load := map[civil.Date]int{}
		count := 0
		for _, e := range edges {
			count += e.delta
			if e.delta > 0 {
				load[e.at] = count
			}
		}
		reported := map[civil.Date]bool{}
		for k := len(ok) - 1; k >= 0; k-- {
			d := ok[k].start
			if reported[d] {
				continue
			}
			reported[d] = true
			if load[d] > n {
				v.errorf(fmt.Sprintf("shifts[%d]", ok[k].i), "%d stewards would be on duty on %s, more than team_size %d", load[d], d, n)
			}
		}
	}
}

func (v *validator) events() {
	for i, e := range v.r.Events {
		p := fmt.Sprintf("events[%d]", i)
		if v.has(p+".name") && strings.TrimSpace(e.Name) == "" {
			v.errorf(p+".name", "must not be empty")
		}
		if v.has(p+".hub") && strings.TrimSpace(e.Hub) == "" {
			v.errorf(p+".hub", "must not be empty")
		}
		if !e.From.IsZero() && !e.To.IsZero() && !e.To.After(e.From) {
			v.errorf(p+".to", "%s must be after from (%s); events are [from, to)", e.To, e.From)
		}
	}
}

func (v *validator) integrations() {
	if g := v.r.Integrations.GitHub; g != nil {
		p := "integrations.github"
		if v.has(p+".repo") && !githubRepo.MatchString(g.Repo) {
			v.errorf(p+".repo", "%q is not owner/name", g.Repo)
		}
		if g.RosterRepo != "" && !githubRepo.MatchString(g.RosterRepo) {
			v.errorf(p+".roster_repo", "%q is not owner/name", g.RosterRepo)
		}
		if g.StewardsTeam != "" && !githubTeam.MatchString(g.StewardsTeam) {
			v.errorf(p+".stewards_team", "%q is not org/team-slug", g.StewardsTeam)
		}
		if pr := g.Project; pr != nil {
			if v.has(p+".project.owner") && !githubLogin.MatchString(pr.Owner) {
				v.errorf(p+".project.owner", "%q is not a GitHub organization or user", pr.Owner)
			}
			if v.has(p+".project.number") && pr.Number < 1 {
				v.errorf(p+".project.number", "must be the project's number (1 or more), found %d", pr.Number)
			}
		}
	}
	if f := v.r.Integrations.Freshdesk; f != nil {
		p := "integrations.freshdesk"
		if v.has(p+".domain") && !subdomain.MatchString(f.Domain) {
			v.errorf(p+".domain", "%q is not a FreshDesk subdomain: write only the part before .freshdesk.com", f.Domain)
		}
		if f.MinPriority < 0 || f.MinPriority > 4 {
			v.errorf(p+".min_priority", "must be 1 (Low) to 4 (Urgent), found %d", f.MinPriority)
		}
		for i, t := range f.Tags {
			if strings.TrimSpace(t) == "" {
				v.errorf(fmt.Sprintf("%s.tags[%d]", p, i), "must not be empty")
			}
		}
		if v.has(p+".tags") && len(f.Tags) == 0 && f.MinPriority == 0 {
			v.errorf(p+".tags", "an empty list mirrors nothing: list a tag or set min_priority")
		}
	}
}

func (v *validator) sla() {
	for _, k := range []struct {
		path string
		p    *int
	}{{"sla.first_response", v.r.SLA.FirstResponse}, {"sla.update_every", v.r.SLA.UpdateEvery}} {
		if k.p != nil && (*k.p < 1 || *k.p > MaxSLADays) {
			v.errorf(k.path, "must be 1 to %d working days, found %d", MaxSLADays, *k.p)
		}
	}
}

func sortProblems(ps Problems) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
}
