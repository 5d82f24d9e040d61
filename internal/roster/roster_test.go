package roster

import (
	"os"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
)

func sample(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSampleRosterIsValid(t *testing.T) {
	r, probs := Parse("roster.yaml", sample(t))
	if r == nil || len(probs) > 0 {
		t.Fatalf("sample roster: %v", probs)
	}
	if r.Timezone.Name != "America/Los_Angeles" || r.Support.Tenure.Days != 28 || r.Support.HandoffEvery.Days != 14 {
		t.Errorf("support block decoded as %+v", r.Support)
	}
	e, ok := r.Engineer("CSHANNON")
	if !ok || e.InRotation() {
		t.Errorf("cshannon should be found case-insensitively and be out of the rotation")
	}
	if len(r.Shifts) == 0 || r.Shifts[0].Start != civil.MustParse("2026-07-06") {
		t.Errorf("shifts decoded as %+v", r.Shifts)
	}
	if line, col := r.Line("engineers[2].github"); line != 32 || col != 5 {
		t.Errorf("engineers[2].github at %d:%d, want 32:5", line, col)
	}
}

const minimal = `version: 1
team: T
timezone: UTC
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
  - {name: Bob, github: bob}
`

func TestProblemsCarryFileLineColumnAndPath(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each a full problem line
	}{
		{"duplicate handle, case-insensitively", `version: 1
team: T
timezone: UTC
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}
engineers:
  - name: Ada
    github: ada
  - name: Bob
    github: bob
  - name: Ada Again
    github: ADA
`, []string{`r.yaml:11:5: engineers[2].github: "ADA" is already used by engineers[0]`}},
		{"unknown keys anywhere, all at once", minimal + `shifts:
  - {github: ada, start: 2026-01-05, end: 2026-01-19, who: me}
colour: blue
`, []string{
			`r.yaml:9:55: shifts[0].who: unknown key; expected one of: end, github, note, start`,
			`r.yaml:10:1: colour: unknown key; expected one of: communication, engineers, events, holidays, integrations, overrides, shifts, sla, support, team, timezone, version`,
		}},
		{"bad values are each reported", `version: 1
team: T
timezone: Mars/Olympus_Mons
holidays: [2026-02-30]
support: {team_size: 2, tenure: 4 weeks, handoff_every: 2w, start: 2026-01-05, max_away_days: -1}
engineers:
  - {name: Ada, github: -ada-, joined: 2026-05-01, left: 2026-04-01}
  - {name: Bob, github: bob, away: [{from: 2026-03-10, to: 2026-03-01}], support_rotation: maybe}
`, []string{
			`r.yaml:3:11: timezone: "Mars/Olympus_Mons" is not an IANA time zone name (e.g. America/Los_Angeles)`,
			`r.yaml:4:12: holidays[0]: "2026-02-30" is not a date: write YYYY-MM-DD`,
			`r.yaml:5:33: support.tenure: "4 weeks" is not a duration: write a whole number of days or weeks, e.g. 14d or 2w`,
			`r.yaml:5:80: support.max_away_days: must be 0 to 364 days, found -1`,
			`r.yaml:7:17: engineers[0].github: "-ada-" is not a GitHub login (letters, digits and single hyphens, at most 39)`,
			`r.yaml:7:52: engineers[0].left: 2026-04-01 must be after joined (2026-05-01)`,
			`r.yaml:8:56: engineers[1].away[0].to: 2026-03-01 is before from (2026-03-10); to is the last day away, inclusive`,
			`r.yaml:8:92: engineers[1].support_rotation: expected true or false, found "maybe"`,
		}},
		{"tenure must be team_size handoffs", strings.Replace(minimal, "handoff_every: 2w", "handoff_every: 3w", 1),
			[]string{`r.yaml:4:37: support.handoff_every: must equal tenure / team_size: tenure 4w with team_size 2 needs handoff_every 2w, found 3w`}},
		{"version is required and must be 1", strings.Replace(minimal, "version: 1", "version: 2", 1),
			[]string{`r.yaml:1:1: version: unsupported version 2: this steward reads version 1`}},
		{"missing required keys", "version: 1\nteam: T\n",
			[]string{
				`r.yaml:1:1: missing required key "timezone"`,
				`r.yaml:1:1: missing required key "support"`,
				`r.yaml:1:1: missing required key "engineers"`,
			}},
		{"shifts: end after start, nobody twice, never more than team_size", minimal + `  - {name: Cy, github: cy}
shifts:
  - {github: ada, start: 2026-01-05, end: 2026-01-05}
  - {github: bob, start: 2026-01-05, end: 2026-02-02}
  - {github: Bob, start: 2026-01-19, end: 2026-02-16}
  - {github: cy, start: 2026-01-19, end: 2026-02-16}
  - {github: ada, start: 2026-01-19, end: 2026-02-16}
`, []string{
			`r.yaml:10:38: shifts[0].end: 2026-01-05 must be after start (2026-01-05); shifts are [start, end)`,
			`r.yaml:12:5: shifts[2]: Bob is already on duty in shifts[1] (2026-01-05 to 2026-02-02)`,
			`r.yaml:14:5: shifts[4]: 4 stewards would be on duty on 2026-01-19, more than team_size 2`,
		}},
		{"YAML syntax errors carry yaml.v3's line", "version: 1\nteam: [unclosed\n", []string{`r.yaml:1:1: not valid YAML: line 1: did not find expected ',' or ']'`}},
		{"empty file", "", []string{`r.yaml:1:1: the file is empty: start with ` + "`version: 1`"}},
		{"the top is not a mapping", "- 1\n", []string{`r.yaml:1:1: expected a mapping of keys (version, team, timezone, ...), found a list`}},
		{"integrations are checked", minimal + `integrations:
  github: {repo: not-a-repo, project: {owner: org, number: 0}}
  freshdesk: {domain: https://acme.freshdesk.com, min_priority: 7}
`, []string{
			`r.yaml:9:12: integrations.github.repo: "not-a-repo" is not owner/name`,
			`r.yaml:9:52: integrations.github.project.number: must be the project's number (1 or more), found 0`,
			`r.yaml:10:15: integrations.freshdesk.domain: "https://acme.freshdesk.com" is not a FreshDesk subdomain: write only the part before .freshdesk.com`,
			`r.yaml:10:51: integrations.freshdesk.min_priority: must be 1 (Low) to 4 (Urgent), found 7`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, probs := Parse("r.yaml", []byte(tt.yaml))
			if r != nil {
				t.Errorf("Parse returned a roster despite errors")
			}
			var got []string
			for _, p := range probs.Errors() {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestWarningsKeepTheRoster(t *testing.T) {
	r, probs := Parse("r.yaml", []byte(minimal+`shifts:
  - {github: zed, start: 2026-01-05, end: 2026-01-19}
`))
	if r == nil {
		t.Fatalf("a warning must not reject the roster: %v", probs)
	}
	if len(probs) != 1 || probs[0].String() != `r.yaml:9:6: warning: shifts[0].github: "zed" is not on the roster; the shift is kept as confirmed` {
		t.Errorf("problems = %v", probs)
	}
}

func TestDefaults(t *testing.T) {
	r, probs := Parse("r.yaml", []byte(minimal))
	if r == nil {
		t.Fatal(probs)
	}
	if r.Support.AwayLimit() != DefaultMaxAwayDays || r.SLA.FirstResponseDays() != 1 || r.SLA.UpdateEveryDays() != 2 {
		t.Errorf("defaults: away %d, sla %d/%d", r.Support.AwayLimit(), r.SLA.FirstResponseDays(), r.SLA.UpdateEveryDays())
	}
	if !r.Engineers[0].InRotation() {
		t.Error("support_rotation defaults to true")
	}
}

// A name with a line break would break every Markdown table and calendar
// line it is written into; only templates may span lines.
func TestTextIsOneLineExceptTemplates(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{strings.Replace(minimal, "team: T", `team: "T\r\n## heading @everyone"`, 1), "team: must be one line of plain text: found the control character U+000D"},
		{minimal + "events:\n  - {name: \"A\\nB\", hub: h, from: 2026-01-05, to: 2026-01-06}\n", "events[0].name: must be one line of plain text: found the control character U+000A"},
		{minimal + "events:\n  - {name: \"A\\u007fB\", hub: h, from: 2026-01-05, to: 2026-01-06}\n", "found the control character U+007F"},
	} {
		_, probs := Parse("r.yaml", []byte(tc.text))
		if len(probs) == 0 || !strings.Contains(probs.Errors().Error(), tc.want) {
			t.Errorf("%q: %v, want %s", tc.text, probs, tc.want)
		}
	}
	multi := minimal + "communication:\n  acknowledge:\n    mode: send\n    template: \"Hi,\\n\\tthanks\\n\"\n"
	if r, probs := Parse("r.yaml", []byte(multi)); r == nil {
		t.Errorf("a template with newlines and tabs: %v", probs)
	}
}
