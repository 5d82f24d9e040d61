package roster

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

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
	r *Roster
	// awaySpans and coverSpans are merged away days and covers by handle
	// (lower case), built on first use.
	awaySpans, coverSpans map[string][]dayRange
	out                   Problems
	known                 map[string]bool // paths that already have a decoding problem
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
	v.overrides()
	v.shiftWarnings()
	v.events()
	v.integrations()
	v.sla()
	v.communication()
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
	if s.MaxOpenSupport < 0 || s.MaxOpenSupport > 1000 {
		v.errorf("support.max_open_support", "must be between 0 (no cap) and 1000, found %d", s.MaxOpenSupport)
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

func (v *validator) overrides() {
	r := v.r
	type cover struct {
		i             int
		who, for_     string
		from, through civil.Date
	}
	var ok []cover
	for i, o := range r.Overrides {
		p := fmt.Sprintf("overrides[%d]", i)
		good := true
		for _, f := range []struct{ key, handle string }{{"github", o.GitHub}, {"for", o.For}} {
			if !v.has(p+"."+f.key) || f.handle == "" {
				good = false
				continue
			}
			if _, found := r.Engineer(f.handle); !found {
				v.errorf(p+"."+f.key, "%q is not on the roster: a cover names engineers listed under engineers", f.handle)
				good = false
			}
		}
		if good && strings.EqualFold(o.GitHub, o.For) {
			v.errorf(p+".for", "%q cannot cover for themselves", o.For)
			good = false
		}
		if o.From.IsZero() || o.To.IsZero() {
			continue
		}
		if o.To.Before(o.From) {
			v.errorf(p+".to", "%s is before from (%s); to is the last day of the cover, inclusive", o.To, o.From)
			continue
		}
		if e, found := r.Engineer(o.GitHub); found && !e.Left.IsZero() && o.To.AddDays(1).After(e.Left) {
			v.warnf(p+".github", "%q leaves on %s, before this cover ends", o.GitHub, e.Left)
		}
		if good {
			ok = append(ok, cover{i, strings.ToLower(o.GitHub), strings.ToLower(o.For), o.From, o.To})
		}
	}
	// Two covers for one steward on one day, or one person covering two at
	// once, leave it unclear who is on duty. Sorted by start, an overlap is
	// always with the cover reaching furthest so far.
	for _, k := range []struct {
		by   func(c cover) string
		what string
	}{{func(c cover) string { return c.for_ }, "%s is already covered in overrides[%d] (%s to %s)"},
		{func(c cover) string { return c.who }, "%s is already covering in overrides[%d] (%s to %s)"}} {
		sorted := slices.Clone(ok)
		slices.SortStableFunc(sorted, func(a, b cover) int {
			return cmp.Or(strings.Compare(k.by(a), k.by(b)), a.from.Compare(b.from), cmp.Compare(a.i, b.i))
		})
		for j := 1; j < len(sorted); j++ {
			x, y := sorted[j-1], sorted[j]
			if k.by(x) == k.by(y) && !y.from.After(x.through) {
				a, b := x, y
				if a.i > b.i {
					a, b = b, a
				}
				name := r.Overrides[b.i].For
				if strings.HasPrefix(k.what, "%s is already covering") {
					name = r.Overrides[b.i].GitHub
				}
				v.errorf(fmt.Sprintf("overrides[%d]", b.i), k.what, name, a.i, a.from, a.through)
			}
		}
	}
}

// shiftWarnings are the findings that leave a usable roster but a
// rotation that will surprise someone (issue #17): each says what to do.
func (v *validator) shiftWarnings() {
	r := v.r
	s := r.Support
	if v.has("support.start") && !s.Start.IsZero() && s.Start.Weekday() != time.Monday {
		monday := s.Start.AddDays(-((int(s.Start.Weekday()) + 6) % 7))
		v.warnf("support.start", "%s is a %s: every handoff falls on this weekday; start on a Monday, e.g. %s", s.Start, s.Start.Weekday(), monday)
	}
	holiday := map[civil.Date]bool{}
	for _, h := range r.Holidays {
		holiday[h] = true
	}
	if v.has("support.start") && holiday[s.Start] && len(r.Shifts) == 0 {
		v.warnf("support.start", "%s is a holiday: nobody is there for the first handoff; start on the next working day's week", s.Start)
	}
	handoff, tenure := s.HandoffEvery.Days, s.Tenure.Days
	served := map[string]int{}
	for i, sh := range r.Shifts {
		p := fmt.Sprintf("shifts[%d]", i)
		served[strings.ToLower(sh.GitHub)]++
		if sh.Start.IsZero() || sh.End.IsZero() || !sh.End.After(sh.Start) {
			continue
		}
		if n := sh.End.Sub(sh.Start); handoff > 0 && tenure > 0 && (n%handoff != 0 || n > tenure) {
			v.warnf(p, "%d days is not a whole number of handoffs (every %s) up to the tenure (%s): every projected handoff after it moves to another day; "+
				"keep the shift whole and write who stands in for part of it under overrides (steward cover)", n, s.HandoffEvery, s.Tenure)
		}
		if holiday[sh.Start] {
			v.warnf(p+".start", "%s is a holiday: the handoff falls on a day nobody works; hand over on the working day before", sh.Start)
		}
		e, found := r.Engineer(sh.GitHub)
		if !found {
			continue
		}
		if !e.Joined.IsZero() && sh.Start.Before(e.Joined) {
			v.warnf(p+".github", "%q joined on %s, after this shift starts: fix joined or the shift", sh.GitHub, e.Joined)
		}
		if limit := s.AwayLimit(); limit < 0 || limit > MaxDurationDays {
			continue // an error already
		} else if away := v.uncoveredAway(e, sh.Start, sh.End); away > limit {
			v.warnf(p+".github", "%q is away %d days of this shift, more than max_away_days (%d), and nobody covers them: "+
				"add a cover under overrides (steward cover HANDLE --for %s --from DATE --to DATE) or swap the shift (steward swap)",
				sh.GitHub, away, s.AwayLimit(), e.GitHub)
		}
	}
	// Once someone has served twice the rotation has gone round: an
	// engineer in it who never served and has no joined date is new, and
	// counts as waiting since the beginning of time.
	twice := false
	for _, n := range served {
		twice = twice || n >= 2
	}
	if !twice {
		return
	}
	for i, e := range r.Engineers {
		if e.InRotation() && e.Left.IsZero() && e.Joined.IsZero() && served[strings.ToLower(e.GitHub)] == 0 && e.GitHub != "" {
			v.warnf(fmt.Sprintf("engineers[%d].github", i), "%q has no joined date and no shift yet: they take the next handoff and every projected shift moves; "+
				"add joined: with their first day to have them wait a full cycle", e.GitHub)
		}
	}
}

// uncoveredAway counts the days of [s, end) e is away and no override
// covers them: away days less those also covered.
func (v *validator) uncoveredAway(e *Engineer, s, end civil.Date) int {
	if len(e.Away) == 0 {
		return 0
	}
	key := strings.ToLower(e.GitHub)
	if v.awaySpans == nil {
		v.awaySpans, v.coverSpans = map[string][]dayRange{}, map[string][]dayRange{}
		for _, en := range v.r.Engineers {
			var sp []dayRange
			for _, a := range en.Away {
				sp = append(sp, dayRange{a.From, a.To.AddDays(1)})
			}
			v.awaySpans[strings.ToLower(en.GitHub)] = mergeRanges(sp)
		}
		for _, o := range v.r.Overrides {
			k := strings.ToLower(o.For)
			v.coverSpans[k] = append(v.coverSpans[k], dayRange{o.From, o.To.AddDays(1)})
		}
		for k, sp := range v.coverSpans {
			v.coverSpans[k] = mergeRanges(sp)
		}
	}
	away := clip(v.awaySpans[key], s, end)
	n := 0
	for _, a := range away {
		n += a.to.Sub(a.from)
		for _, c := range clip(v.coverSpans[key], a.from, a.to) {
			n -= c.to.Sub(c.from)
		}
	}
	return n
}

// dayRange is [from, to).
type dayRange struct{ from, to civil.Date }

// mergeRanges sorts and joins overlapping or touching ranges.
func mergeRanges(sp []dayRange) []dayRange {
	slices.SortFunc(sp, func(a, b dayRange) int { return a.from.Compare(b.from) })
	out := sp[:0]
	for _, a := range sp {
		if !a.to.After(a.from) {
			continue
		}
		if k := len(out) - 1; k >= 0 && !a.from.After(out[k].to) {
			out[k].to = civil.Max(out[k].to, a.to)
			continue
		}
		out = append(out, a)
	}
	return out
}

// clip returns the parts of merged ranges sp inside [s, e), finding the
// first by binary search.
func clip(sp []dayRange, s, e civil.Date) []dayRange {
	i, _ := slices.BinarySearchFunc(sp, s, func(a dayRange, d civil.Date) int {
		if a.to.After(d) {
			return 1
		}
		return -1
	})
	var out []dayRange
	for _, a := range sp[i:] {
		if !a.from.Before(e) {
			break
		}
		out = append(out, dayRange{civil.Max(a.from, s), civil.Min(a.to, e)})
	}
	return out
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
		if g.PagePath != "" {
			v.pagePath(p, g)
		}
		if g.CalendarPath != "" {
			v.calendarPath(p, g)
		}
		if g.RosterPath != "" && !repoFile(g.RosterPath) {
			v.errorf(p+".roster_path", "%q is not a file path inside the repository: write it like roster.yaml", g.RosterPath)
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
			if v.has(p+".project.done_option") && strings.TrimSpace(pr.DoneOption) == "" {
				v.errorf(p+".project.done_option", "must name the Status option of closed support issues, e.g. Done")
			}
			if _, open, _, _ := pr.Fields(); strings.EqualFold(strings.TrimSpace(pr.Done()), strings.TrimSpace(open)) {
				at := p + ".project.done_option"
				if !v.has(at) {
					at = p + ".project.status_option"
				}
				v.errorf(at, "done_option and status_option are both %q: closed support issues need a Status option of their own", pr.Done())
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
		if _, ok := freshdeskPlans[strings.ToLower(f.Plan)]; v.has(p+".plan") && !ok {
			v.errorf(p+".plan", "%q is not a FreshDesk plan steward knows: write legacy (Blossom, Garden, Estate, Forest: "+
				"a budget per hour), or growth, pro or enterprise (a budget per minute, the default)", f.Plan)
		}
	}
	v.slack()
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

// repoFile reports whether path names a file inside a repository: not
// absolute, not a directory, no "..", nothing under .git or .github (a
// rotation pull request must never rewrite the workflows).
func repoFile(path string) bool {
	parts := strings.Split(path, "/")
	return path != "" && !strings.HasPrefix(path, "/") && !strings.HasSuffix(path, "/") &&
		!slices.Contains(parts, "..") && !slices.Contains(parts, ".") && parts[0] != ".git" && parts[0] != ".github"
}

// calendarPath checks that the calendar gets a file of its own inside the
// repository: a rotation pull request writes it beside the roster, so the
// roster itself, or a workflow, must never be its path.
func (v *validator) calendarPath(p string, g *GitHubIntegration) {
	switch cp := g.CalendarPath; {
	case !repoFile(cp):
		v.errorf(p+".calendar_path", "%q is not a file path inside the repository (nor under .git or .github): write it like calendar/support-stewards.ics", cp)
	case cp == or(g.RosterPath, "roster.yaml"):
		v.errorf(p+".calendar_path", "%q is the roster itself: give the calendar its own file, e.g. calendar/support-stewards.ics", cp)
	}
}

// pagePath checks that the team-roles page gets a file of its own inside
// the roster's repository: a rotation pull request overwrites it.
func (v *validator) pagePath(p string, g *GitHubIntegration) {
	switch pp := g.PagePath; {
	case !repoFile(pp):
		v.errorf(p+".page_path", "%q is not a file path inside the repository: write it like docs/support-stewards.html", pp)
	case pp == or(g.RosterPath, "roster.yaml"):
		v.errorf(p+".page_path", "%q is the roster itself: give the page its own file, e.g. docs/support-stewards.html", pp)
	case pp == g.CalendarPath:
		v.errorf(p+".page_path", "%q is also calendar_path: give the page its own file, e.g. docs/support-stewards.html", pp)
	}
}
