// Package template writes a new team's first roster.yaml: the team, its
// engineers, the next Monday as the first handoff, no confirmed shifts, and
// every integration commented out with what it does. What it writes always
// passes the roster's own validation; `steward init` is its front end.
package template

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// Engineer is one person to put on the roster.
type Engineer struct {
	Name   string
	GitHub string
}

// Team is what a new roster says.
type Team struct {
	Name      string
	Timezone  string // IANA name
	Start     civil.Date
	Engineers []Engineer
	// Example marks a roster of placeholders: its comments say what to
	// change before it means anything.
	Example bool
}

// Example is the team `steward init` writes when told nothing: four
// placeholder engineers, in UTC, starting on start.
func Example(start civil.Date) Team {
	return Team{Name: "Example Support Team", Timezone: "UTC", Start: start, Example: true, Engineers: []Engineer{
		{"Engineer One", "replace-me-1"}, {"Engineer Two", "replace-me-2"},
		{"Engineer Three", "replace-me-3"}, {"Engineer Four", "replace-me-4"}}}
}

// NextMonday is the first Monday after today: a rotation starts at the
// beginning of a working week, and never on a day already under way.
func NextMonday(today civil.Date) civil.Date {
	return today.AddDays(7 - (int(today.Weekday())+6)%7)
}

// ParseNames reads a file of engineers, one a line: "Full Name, handle",
// or just "handle" (the name is then the handle). Blank lines and lines
// starting with # are ignored. Errors name the file and line.
func ParseNames(file string, data []byte) ([]Engineer, error) {
	var out []Engineer
	s := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := ParseEngineer(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n, err)
		}
		out = append(out, e)
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return out, nil
}

// ParseEngineer reads "Full Name, handle" or "handle"; a leading @ on the
// handle is allowed.
func ParseEngineer(s string) (Engineer, error) {
	name, handle, ok := strings.Cut(s, ",")
	if !ok {
		handle, name = name, ""
	}
	name, handle = strings.TrimSpace(name), strings.TrimPrefix(strings.TrimSpace(handle), "@")
	if handle == "" || strings.ContainsAny(handle, " \t,") {
		return Engineer{}, fmt.Errorf("%q: write an engineer as \"Full Name, github-handle\" or as a GitHub handle alone", s)
	}
	if name == "" {
		name = handle
	}
	return Engineer{Name: name, GitHub: handle}, nil
}

// Render writes the roster for t and checks it with the roster's own rules:
// what it returns passes `steward validate` with no error.
func Render(t Team) ([]byte, error) {
	if len(t.Engineers) == 0 {
		return nil, errors.New("name at least one engineer")
	}
	if strings.TrimSpace(t.Name) == "" {
		return nil, errors.New("name the team")
	}
	if t.Start.IsZero() {
		return nil, errors.New("give the first handoff's date")
	}
	if t.Timezone == "" {
		t.Timezone = "UTC"
	}
	if _, err := roster.LoadZone(t.Timezone); err != nil {
		return nil, err
	}
	engineers := slices.Clone(t.Engineers)
	slices.SortStableFunc(engineers, func(a, b Engineer) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })

	// Two stewards for four weeks each, one changing every two weeks, as
	// the handbook has it; a team of one serves alone.
	size, tenure := 2, "4w"
	if len(engineers) == 1 {
		size, tenure = 1, "2w"
	}

	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# %s's roster: the single source of truth for the Support Steward rotation.\n", t.Name)
	w("# Written by `steward init`. Change it by pull request: steward checks every\n")
	w("# change and shows whose shifts move.\n")
	w("#   steward validate    every problem, at its line\n")
	w("#   steward schedule    who serves when\n")
	w("#   steward who         who is on duty today, and the next handoff\n")
	if t.Example {
		w("#\n# THIS IS AN EXAMPLE. Before it means anything, change:\n")
		w("#   - team and timezone (an IANA name such as Europe/Berlin);\n")
		w("#   - every engineer: their name and GitHub handle (replace-me-N are placeholders);\n")
		w("#   - support.start if the next Monday is not when you want to begin.\n")
		w("# `steward init --team NAME --timezone ZONE --engineer \"Full Name, handle\" --force`\n")
		w("# writes it for you; see `steward init --help`.\n")
	}
	w("version: 1\n")
	w("team: %s\n", quote(t.Name))
	w("timezone: %s   # IANA name: day boundaries and working days\n", t.Timezone)
	w("holidays: []   # team-wide days off, e.g. [2026-12-25, 2027-01-01]\n\n")
	w("support:\n")
	w("  team_size: %d        # stewards on duty at once\n", size)
	w("  tenure: %s           # how long each steward serves\n", tenure)
	w("  handoff_every: 2w    # one steward changes this often (tenure / team_size)\n")
	w("  start: %s   # the first handoff; nobody is on duty before it\n", t.Start)
	w("  max_away_days: 5     # away more days than this in a shift and you are skipped\n\n")
	w("# The rotation goes through engineers alphabetically by name. Optional per\n")
	w("# engineer: freshdesk_agent_id, slack, timezone, skills: [..] (for routing),\n")
	w("# joined and left (dates), support_rotation: false (never a steward), and\n")
	w("# away: [{from: 2027-01-04, to: 2027-01-08, note: leave}] (inclusive).\n")
	w("engineers:\n")
	for _, e := range engineers {
		w("  - name: %s\n    github: %s\n", quote(e.Name), e.GitHub)
		if t.Example {
			w("    # skills: [kubernetes, auth]\n")
		}
	}
	w("\n# Confirmed shifts: none yet, so the schedule starts at support.start.\n")
	w("# Rotation pull requests append here; to swap, edit by pull request.\n")
	w("shifts: []\n\n")
	w("# Moments with many users; tickets from that hub get the highest priority.\n")
	w("# events:\n#   - {name: Workshop, hub: example-hub, from: 2027-01-25, to: 2027-01-30}\n\n")
	w("# The outside systems, each off until you set it. With none set, steward\n")
	w("# only computes the schedule: nothing is written anywhere. Set them, run the\n")
	w("# workflow by hand with dry-run, read what it would do, then let it write\n")
	w("# (README, \"Using it for real\"). Credentials never go in this file.\n")
	w("# integrations:\n")
	w("#   github:\n")
	w("#     repo: your-org/support        # support issues and rotation pull requests\n")
	w("#     project: {owner: your-org, number: 7}   # the sprint board (Projects v2)\n")
	w("#     #   also done_option: Done (closed work's Status), archive_after: 14d (Done that long: archived)\n")
	w("#     stewards_team: your-org/support-stewards   # kept holding the stewards on duty\n")
	w("#     calendar_path: calendar/support-stewards.ics   # rewritten by rotation pull requests\n")
	w("#     rotation_lead: 7d             # open the rotation pull request this long before\n")
	w("#   freshdesk:\n")
	w("#     domain: your-company          # your-company.freshdesk.com\n")
	w("#     tags: [engineering]           # tickets with these tags become support issues\n")
	w("#     stewards_group_id: 43000000123   # a FreshDesk group kept holding the stewards\n")
	w("#     plan: legacy                  # Blossom, Garden, Estate, Forest: an API budget per hour\n")
	w("#   slack:                          # needs github; SLACK_BOT_TOKEN from the environment\n")
	w("#     team_id: T0123ABCD            # the workspace /steward answers (in Slack's web address)\n")
	w("#     tickets_channel: C0123ABCD    # a thread per ticket (channel ids, not names)\n")
	w("#     general_channel: C0456EFGH    # handoffs are announced here too\n")
	w("#     stewards_usergroup: S0789IJKL # kept holding the stewards on duty\n\n")
	w("# What steward says to requesters: nothing until a message has a template.\n")
	w("# send = a public reply; draft = a private note for a steward to send.\n")
	w("# Placeholders: README, \"Keeping the requester in the loop\".\n")
	w("# communication:\n")
	w("#   acknowledge:\n")
	w("#     mode: draft\n")
	w("#     template: |\n")
	w("#       Hi {{requester_first_name}}, thank you for writing to {{team}} about\n")
	w("#       \"{{subject}}\". We will write again by {{next_update}}.\n")
	w("#   resolved:\n")
	w("#     mode: draft\n")
	w("#     template: |\n")
	w("#       Hi {{requester_first_name}}, ticket #{{ticket_id}} is resolved: {{summary}}\n\n")
	w("sla:\n")
	w("  first_response: 1   # working days to the first answer\n")
	w("  update_every: 2     # working days between updates to the requester\n")

	out := []byte(b.String())
	if r, probs := roster.Parse("roster.yaml", out); r == nil {
		return nil, fmt.Errorf("the roster would not be valid:\n%w", probs.Errors())
	}
	return out, nil
}

// quote writes s as a YAML double-quoted scalar, so any name survives.
func quote(s string) string {
	return strconv.Quote(s)
}
