package roster

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
)

// Roster is the decoded roster.yaml: the team's single source of truth.
// Field tags name the YAML keys; ",required" marks keys that must be present.
type Roster struct {
	Version      int          `yaml:"version,required"`
	Team         string       `yaml:"team,required"`
	Timezone     TimeZone     `yaml:"timezone,required"`
	Holidays     []civil.Date `yaml:"holidays"`
	Support      Support      `yaml:"support,required"`
	Engineers    []Engineer   `yaml:"engineers,required"`
	Shifts       []Shift      `yaml:"shifts"`
	Overrides    []Override   `yaml:"overrides"`
	Events       []Event      `yaml:"events"`
	Integrations Integrations `yaml:"integrations"`
	SLA          SLA          `yaml:"sla"`
	// Communication is what steward says to requesters; absent = nothing.
	Communication Communication `yaml:"communication"`

	// File is the name the roster was read from, used in every problem.
	File string `yaml:"-"`
	// pos maps a key path (engineers[2].github) to where it stands in File.
	pos map[string]position
	// text maps a text value's path to where the value starts, and source
	// is the file's bytes, for findings inside multi-line values.
	text   map[string]textPos
	source []byte
}

// Support configures the steward rotation.
type Support struct {
	TeamSize     int        `yaml:"team_size,required"`
	Tenure       Duration   `yaml:"tenure,required"`
	HandoffEvery Duration   `yaml:"handoff_every,required"`
	Start        civil.Date `yaml:"start,required"`
	// MaxAwayDays is how many away days a shift may hold before its engineer
	// is skipped. Absent means DefaultMaxAwayDays.
	MaxAwayDays *int `yaml:"max_away_days"`
	// MaxOpenSupport caps the open support issues an engineer holds before
	// routing stops asking them; absent or 0 means no cap.
	MaxOpenSupport int `yaml:"max_open_support"`
}

// DefaultMaxAwayDays applies when support.max_away_days is absent: a working
// week away does not cost anyone their turn.
const DefaultMaxAwayDays = 5

// AwayLimit returns max_away_days, or its default.
func (s Support) AwayLimit() int {
	if s.MaxAwayDays == nil {
		return DefaultMaxAwayDays
	}
	return *s.MaxAwayDays
}

// Engineer is one member of the engineering team.
type Engineer struct {
	Name             string     `yaml:"name,required"`
	GitHub           string     `yaml:"github,required"`
	FreshdeskAgentID int64      `yaml:"freshdesk_agent_id"`
	Slack            string     `yaml:"slack"`
	Timezone         TimeZone   `yaml:"timezone"`
	Skills           []string   `yaml:"skills"`
	Joined           civil.Date `yaml:"joined"`
	Left             civil.Date `yaml:"left"`
	SupportRotation  *bool      `yaml:"support_rotation"`
	// Routing false keeps the engineer out of routing (never asked to take
	// a support issue), independently of support_rotation.
	Routing *bool        `yaml:"routing"`
	Away    []AwayPeriod `yaml:"away"`
}

// InRotation reports whether the engineer can be a steward at all
// (support_rotation absent or true).
func (e Engineer) InRotation() bool { return e.SupportRotation == nil || *e.SupportRotation }

// Routable reports whether the engineer may be asked to take support
// issues (routing absent or true).
func (e Engineer) Routable() bool { return e.Routing == nil || *e.Routing }

// OnTeam reports whether day falls between joined (inclusive) and left
// (exclusive).
func (e Engineer) OnTeam(day civil.Date) bool {
	return (e.Joined.IsZero() || !e.Joined.After(day)) && (e.Left.IsZero() || e.Left.After(day))
}

// AwayOn reports whether the engineer is away on day.
func (e Engineer) AwayOn(day civil.Date) (AwayPeriod, bool) {
	for _, a := range e.Away {
		if !day.Before(a.From) && !day.After(a.To) {
			return a, true
		}
	}
	return AwayPeriod{}, false
}

// AwayPeriod is an inclusive range of days an engineer is away.
type AwayPeriod struct {
	From civil.Date `yaml:"from,required"`
	To   civil.Date `yaml:"to,required"` // inclusive
	Note string     `yaml:"note"`
}

// Shift is a confirmed steward shift, [Start, End).
type Shift struct {
	GitHub string     `yaml:"github,required" json:"github"`
	Start  civil.Date `yaml:"start,required" json:"start"`
	End    civil.Date `yaml:"end,required" json:"end"`
	Note   string     `yaml:"note" json:"note,omitempty"`
}

// Override is a cover: GitHub is on duty in place of the steward For, from
// From to To inclusive. It changes nobody's shift: the rotation's handoffs
// and turns stay as they were (design.md, Rotation, rule 8).
type Override struct {
	GitHub string     `yaml:"github,required" json:"github"`
	For    string     `yaml:"for,required" json:"for"`
	From   civil.Date `yaml:"from,required" json:"from"`
	To     civil.Date `yaml:"to,required" json:"to"` // inclusive
	Note   string     `yaml:"note" json:"note,omitempty"`
}

// Event is a moment with many users on one hub, [From, To).
type Event struct {
	Name string     `yaml:"name,required"`
	Hub  string     `yaml:"hub,required"`
	From civil.Date `yaml:"from,required"`
	To   civil.Date `yaml:"to,required"`
}

// SLA holds the response targets, in working days.
type SLA struct {
	FirstResponse *int `yaml:"first_response"`
	UpdateEvery   *int `yaml:"update_every"`
}

// FirstResponseDays returns sla.first_response, default 1.
func (s SLA) FirstResponseDays() int { return intOr(s.FirstResponse, 1) }

// UpdateEveryDays returns sla.update_every, default 2.
func (s SLA) UpdateEveryDays() int { return intOr(s.UpdateEvery, 2) }

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// Integrations configures the outside systems; an absent block turns its
// feature off.
type Integrations struct {
	GitHub    *GitHubIntegration    `yaml:"github"`
	Freshdesk *FreshdeskIntegration `yaml:"freshdesk"`
	Slack     *SlackIntegration     `yaml:"slack"`
}

// GitHubIntegration says where support issues, the board and rotation pull
// requests live.
type GitHubIntegration struct {
	// Repo is owner/name of the repository that holds support issues.
	Repo string `yaml:"repo,required"`
	// RosterRepo is owner/name of the repository holding roster.yaml; default Repo.
	RosterRepo string `yaml:"roster_repo"`
	// RosterPath is the roster's path in RosterRepo; default roster.yaml.
	RosterPath string `yaml:"roster_path"`
	// BaseBranch is where rotation pull requests merge; default the repository's default branch.
	BaseBranch   string            `yaml:"base_branch"`
	SupportLabel string            `yaml:"support_label"`
	Project      *ProjectConfig    `yaml:"project"`
	StewardsTeam string            `yaml:"stewards_team"`
	CalendarPath string            `yaml:"calendar_path"`
	RotationLead Duration          `yaml:"rotation_lead"`
	SkillLabels  map[string]string `yaml:"skill_labels"`

	// PagePath, when set, is the team-roles page (HTML) that rotation pull
	// requests regenerate beside the calendar, e.g. for GitHub Pages.
	PagePath string `yaml:"page_path"`
}

// ProjectConfig names a Projects v2 board and its fields.
type ProjectConfig struct {
	Owner          string `yaml:"owner,required"`
	Number         int    `yaml:"number,required"`
	StatusField    string `yaml:"status_field"`
	StatusOption   string `yaml:"status_option"`
	PriorityField  string `yaml:"priority_field"`
	IterationField string `yaml:"iteration_field"`
	// DoneOption is the status option of closed support issues; default Done.
	DoneOption string `yaml:"done_option"`
	// ArchiveAfter is how long a closed support issue's item stays Done
	// on the board before it is archived; default 14 days.
	ArchiveAfter Duration `yaml:"archive_after"`
}

// FreshdeskIntegration says which FreshDesk account to mirror and how.
type FreshdeskIntegration struct {
	Domain string `yaml:"domain,required"`
	// Tags: a ticket carrying any of them is mirrored; default [engineering].
	Tags []string `yaml:"tags"`
	// MinPriority, when set (1 Low .. 4 Urgent), mirrors tickets at or above it
	// even without a tag.
	MinPriority        int   `yaml:"min_priority"`
	StewardsGroupID    int64 `yaml:"stewards_group_id"`
	IncludeRequester   bool  `yaml:"include_requester"`
	IncludeDescription bool  `yaml:"include_description"`
	// ScrubSubjects removes e-mail addresses and phone numbers from ticket
	// subjects before they reach GitHub (titles, markers, board items),
	// Slack and logs. Default true; false keeps subjects as written.
	ScrubSubjects *bool `yaml:"scrub_subjects"`
	// Plan is the account's FreshDesk plan, where it changes how steward
	// paces its requests: legacy (or blossom, garden, estate, forest) has a
	// budget per hour; growth, pro and enterprise (the default: a minute's
	// budget) set the ticket-listing sub-limit. No API header says which.
	Plan string `yaml:"plan"`
}

// freshdeskPlans are the plans integrations.freshdesk.plan names, and how
// each meters the API: per hour, and the ticket listings allowed a minute
// (0: none known, steward's default).
var freshdeskPlans = map[string]struct {
	PerHour       bool
	ListPerMinute int
}{
	"growth": {false, 20}, "pro": {false, 100}, "enterprise": {false, 200},
	"legacy": {true, 0}, "blossom": {true, 0}, "garden": {true, 0}, "estate": {true, 0}, "forest": {true, 0},
}

// PerHour reports whether the account's API budget is an hour's (a legacy
// plan), not a minute's.
func (f *FreshdeskIntegration) PerHour() bool { return freshdeskPlans[strings.ToLower(f.Plan)].PerHour }

// ListPerMinute is the plan's ticket-listing sub-limit, 0 when unknown.
func (f *FreshdeskIntegration) ListPerMinute() int {
	return freshdeskPlans[strings.ToLower(f.Plan)].ListPerMinute
}

// TimeZone is an IANA time zone name, checked when decoded.
type TimeZone struct {
	Name string
	Loc  *time.Location
}

// UnmarshalText loads the named zone.
func (z *TimeZone) UnmarshalText(b []byte) error {
	name := string(b)
	loc, err := LoadZone(name)
	if err != nil {
		return err
	}
	*z = TimeZone{Name: name, Loc: loc}
	return nil
}

// LoadZone loads an IANA time zone as time.LoadLocation does: $ZONEINFO,
// then the machine's database, then the copy every steward binary embeds
// (cmd/steward imports time/tzdata), so a release binary on a scratch
// image or a runner without zoneinfo resolves every zone.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("%q is not an IANA time zone name (e.g. America/Los_Angeles)", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone name (e.g. America/Los_Angeles)", name)
	}
	return loc, nil
}

// MarshalText writes the zone's name.
func (z TimeZone) MarshalText() ([]byte, error) { return []byte(z.Name), nil }

// IsZero reports whether no zone was given.
func (z TimeZone) IsZero() bool { return z.Loc == nil }

// Duration is a whole number of days, written Nd or Nw.
type Duration struct{ Days int }

// MaxDurationDays is the longest duration a roster may write (52w): no
// shift, handoff or lead is longer than a year, and the bound keeps every
// schedule computation small.
const MaxDurationDays = 52 * 7

// UnmarshalText reads Nd or Nw with 1d <= N <= 52w.
func (d *Duration) UnmarshalText(b []byte) error {
	s := string(b)
	bad := fmt.Errorf("%q is not a duration: write a whole number of days or weeks, e.g. 14d or 2w", s)
	if len(s) < 2 {
		return bad
	}
	digits := s[:len(s)-1]
	if strings.Trim(digits, "0123456789") != "" {
		return bad
	}
	per := 1
	switch s[len(s)-1] {
	case 'd':
	case 'w':
		per = 7
	default:
		return bad
	}
	// Compare as a number only once it is known to be small: a long run of
	// digits would overflow the multiplication by 7.
	n, err := strconv.Atoi(digits)
	if err != nil || n > MaxDurationDays/per || n < 1 {
		return fmt.Errorf("%q is out of range: write 1d to %dd (52w)", s, MaxDurationDays)
	}
	d.Days = n * per
	return nil
}

// String writes the duration in weeks when whole, else in days.
func (d Duration) String() string {
	if d.Days%7 == 0 && d.Days > 0 {
		return strconv.Itoa(d.Days/7) + "w"
	}
	return strconv.Itoa(d.Days) + "d"
}

// Location returns the team's time zone.
func (r *Roster) Location() *time.Location { return r.Timezone.Loc }

// Engineer returns the engineer with the handle, compared case-insensitively.
func (r *Roster) Engineer(handle string) (*Engineer, bool) {
	for i := range r.Engineers {
		if strings.EqualFold(r.Engineers[i].GitHub, handle) {
			return &r.Engineers[i], true
		}
	}
	return nil, false
}

// Today returns the current date in the team's time zone.
func (r *Roster) Today(now time.Time) civil.Date { return civil.Of(now.In(r.Location())) }

// Defaults for the integrations, in one place.
const (
	DefaultSupportLabel   = "support"
	DefaultEventLabel     = "event"
	DefaultStatusField    = "Status"
	DefaultStatusOption   = "Todo"
	DefaultPriorityField  = "Priority"
	DefaultIterationField = "Iteration"
	DefaultDoneOption     = "Done"
	// DefaultArchiveAfter is how many days a closed support issue's item
	// stays Done before it is archived, as GitHub's own auto-archive can.
	DefaultArchiveAfter = 14
	DefaultMirrorTag    = "engineering"
)

// Label returns support_label or its default.
func (g *GitHubIntegration) Label() string { return or(g.SupportLabel, DefaultSupportLabel) }

// Fields returns the project's field names and status option, defaulted.
func (p *ProjectConfig) Fields() (status, statusOption, priority, iteration string) {
	return or(p.StatusField, DefaultStatusField), or(p.StatusOption, DefaultStatusOption),
		or(p.PriorityField, DefaultPriorityField), or(p.IterationField, DefaultIterationField)
}

// Done returns done_option, or Done.
func (p *ProjectConfig) Done() string { return or(p.DoneOption, DefaultDoneOption) }

// ArchiveAfterDays returns archive_after in days, or 14.
func (p *ProjectConfig) ArchiveAfterDays() int {
	if p.ArchiveAfter.Days > 0 {
		return p.ArchiveAfter.Days
	}
	return DefaultArchiveAfter
}

// MirrorTags returns tags, or [engineering] when absent.
func (f *FreshdeskIntegration) MirrorTags() []string {
	if f.Tags == nil {
		return []string{DefaultMirrorTag}
	}
	return f.Tags
}

// Scrubs reports whether subjects are scrubbed of personal data: true
// unless scrub_subjects is false.
func (f *FreshdeskIntegration) Scrubs() bool { return f.ScrubSubjects == nil || *f.ScrubSubjects }

// Host is the account's host name, acme.freshdesk.com.
func (f *FreshdeskIntegration) Host() string { return f.Domain + ".freshdesk.com" }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// On reports whether the event runs on day ([From, To)).
func (e Event) On(day civil.Date) bool { return !day.Before(e.From) && day.Before(e.To) }

// ForHub reports whether the event is on hub, comparing the names as slugs
// ("Uni Bootcamp" is uni-bootcamp).
func (e Event) ForHub(hub string) bool { return hub != "" && Slug(e.Hub) == Slug(hub) }

// EventsOn returns the events running on day.
func (r *Roster) EventsOn(day civil.Date) []Event {
	var out []Event
	for _, e := range r.Events {
		if e.On(day) {
			out = append(out, e)
		}
	}
	return out
}

// Slug lower-cases s and joins its words with hyphens.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
