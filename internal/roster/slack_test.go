package roster

import (
	"slices"
	"strings"
	"testing"
)

func TestSlackIntegration(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // every problem, as printed
	}{
		{"slack without github (no github)", "integrations:\n  slack:\n    tickets_channel: C0123ABCD\n",
			[]string{"r.yaml:9:3: integrations.slack: needs integrations.github: steward keeps Slack's record (which handoffs and events were announced) on the support dashboard issue there"}},
		{"a full block", `integrations:
  slack:
    team_id: T0123ABCD
    tickets_channel: C0123ABCD
    general_channel: C0456EFGH
    stewards_usergroup: S0789IJKL
    threads: tagged
    tags: [engineering, hub-down]
`, nil},
		{"only the tickets channel", `integrations:
  slack: {tickets_channel: G01PRIVATE}
`, nil},
		{"names instead of ids, a bad policy", `integrations:
  slack:
    tickets_channel: "#support-freshdesk"
    general_channel: hub-support
    stewards_usergroup: "@support-stewards"
    threads: some
`, []string{
			`r.yaml:10:5: integrations.slack.tickets_channel: "#support-freshdesk" is not a Slack channel id: write the id (like C0123ABCD), not the name; it is at the bottom of the channel's details`,
			`r.yaml:11:5: integrations.slack.general_channel: "hub-support" is not a Slack channel id: write the id (like C0123ABCD), not the name; it is at the bottom of the channel's details`,
			`r.yaml:12:5: integrations.slack.stewards_usergroup: "@support-stewards" is not a Slack user group id (like S0123ABCD): write the id, not the @handle`,
			`r.yaml:13:5: integrations.slack.threads: "some" is not all or tagged`,
		}},
		{"a workspace id that is not one", `integrations:
  slack: {team_id: t0123abcd, tickets_channel: C0123ABCD}
`, []string{`r.yaml:9:11: integrations.slack.team_id: "t0123abcd" is not a Slack workspace id (like T0123ABCD: T, then capital letters and digits): open Slack in a browser, the id follows /client/ in the address`}},
		{"an empty workspace id", `integrations:
  slack:
    team_id: ""
    tickets_channel: C0123ABCD
`, []string{`r.yaml:10:5: integrations.slack.team_id: "" is not a Slack workspace id (like T0123ABCD: T, then capital letters and digits): open Slack in a browser, the id follows /client/ in the address`}},
		{"a channel id as the workspace", `integrations:
  slack: {team_id: C0123ABCD, tickets_channel: C0123ABCD}
`, []string{`r.yaml:9:11: integrations.slack.team_id: "C0123ABCD" is not a Slack workspace id (like T0123ABCD: T, then capital letters and digits): open Slack in a browser, the id follows /client/ in the address`}},
		{"tagged without tags", `integrations:
  slack: {tickets_channel: C0123ABCD, threads: tagged}
`, []string{`r.yaml:9:39: integrations.slack.threads: tagged needs tags: list the FreshDesk tags that give a ticket a thread`}},
		{"tags without tagged", `integrations:
  slack: {tickets_channel: C0123ABCD, tags: [engineering]}
`, []string{`r.yaml:9:39: warning: integrations.slack.tags: tags are used only with threads: tagged; with threads: all every mirrored ticket gets a thread`}},
		{"no tickets channel, an unknown key", `integrations:
  slack: {general_channel: C0123ABCD, token: xoxb-1}
`, []string{
			`r.yaml:9:10: integrations.slack: missing required key "tickets_channel"`,
			`r.yaml:9:39: integrations.slack.token: unknown key; expected one of: general_channel, stewards_usergroup, tags, team_id, threads, tickets_channel`,
		}},
		{"a bad slack id is an error once Slack is on", strings.Replace(minimal, "{name: Ada, github: ada}", "{name: Ada, github: ada, slack: ada}", 1) + `integrations:
  slack: {tickets_channel: C0123ABCD}
`, []string{`r.yaml:6:30: engineers[0].slack: "ada" is not a Slack user id (like U0123ABCD): in Slack, open the person's profile, ⋮, Copy member ID`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.yaml
			if !strings.HasPrefix(doc, "version:") {
				doc = minimal + doc
			}
			if strings.Contains(doc, "\n  slack:") && !strings.Contains(tc.name, "no github") {
				// Slack keeps its record on GitHub: every block here has it,
				// after the lines the expected problems name.
				doc = strings.TrimRight(doc, "\n") + "\n  github: {repo: o/r}\n"
			}
			r, probs := Parse("r.yaml", []byte(doc))
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems:\n got: %q\nwant: %q", got, tc.want)
			}
			if len(probs.Errors()) == 0 && (r == nil || r.Integrations.Slack == nil) {
				t.Error("a valid block was not kept")
			}
		})
	}
}

func TestABadSlackIDIsAWarningWhileSlackIsOff(t *testing.T) {
	doc := strings.Replace(minimal, "{name: Ada, github: ada}", "{name: Ada, github: ada, slack: ada}", 1)
	r, probs := Parse("r.yaml", []byte(doc))
	if r == nil || len(probs) != 1 || probs[0].Severity != Warning {
		t.Errorf("problems %v", probs)
	}
}

func TestThreadTags(t *testing.T) {
	s := SlackIntegration{Threads: ThreadsAll, Tags: []string{"x"}}
	if s.ThreadTags() != nil {
		t.Error("threads: all needs no tag")
	}
	s.Threads = ThreadsTagged
	if !slices.Equal(s.ThreadTags(), []string{"x"}) {
		t.Error("threads: tagged needs its tags")
	}
}
