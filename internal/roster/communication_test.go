package roster

import (
	"fmt"
	"strings"
	"testing"
)

const withComms = minimal + `communication:
  acknowledge:
    mode: send
    template: |
      Hi {{requester_first_name}},

      Thanks: ticket #{{ticket_id}} reached {{team}}. {{stewards}} will
      reply by {{next_update}}. {{ summary }} and {{nope}}
  resolved: {mode: draft, template: "Fixed: {{summary}} {{bogus}}"}
`

func TestTemplatesAreCheckedAtTheirOwnLine(t *testing.T) {
	r, probs := Parse("roster.yaml", []byte(withComms))
	if r != nil {
		t.Fatal("a roster with unknown placeholders was accepted")
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	base := strings.Count(minimal, "\n")
	want := []string{
		// {{ summary }} is for the resolved message only.
		lineCol(base+8, 7) + "communication.acknowledge.template: unknown placeholder {{summary}}",
		lineCol(base+8, 7) + "communication.acknowledge.template: unknown placeholder {{nope}}",
		lineCol(base+9, 37) + "communication.resolved.template: unknown placeholder {{bogus}}",
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s...", i, got[i], want[i])
		}
	}
	if !strings.Contains(got[0], "may use {{requester_first_name}}, {{ticket_id}}") {
		t.Errorf("the error does not list what is allowed: %s", got[0])
	}
}

func lineCol(l, c int) string { return fmt.Sprintf("roster.yaml:%d:%d: ", l, c) }

func TestTemplatesFillAndModes(t *testing.T) {
	ok := strings.Replace(withComms, " {{ summary }} and {{nope}}", "", 1)
	ok = strings.Replace(ok, " {{bogus}}", "", 1)
	r, probs := Parse("roster.yaml", []byte(ok))
	if r == nil {
		t.Fatal(probs)
	}
	got := Fill(r.Communication.Acknowledge.Template, map[string]string{"requester_first_name": "Sam", "ticket_id": "42",
		"team": "Infra", "stewards": "Ada and Bob", "next_update": "Tuesday 14 April"})
	want := "Hi Sam,\n\nThanks: ticket #42 reached Infra. Ada and Bob will\nreply by Tuesday 14 April.\n"
	if got != want {
		t.Errorf("filled:\n%q\nwant\n%q", got, want)
	}
	bad := strings.Replace(ok, "mode: send", "mode: shout", 1)
	if r, probs := Parse("roster.yaml", []byte(bad)); r != nil || !strings.Contains(probs.Errors()[0].String(), "must be send (a public reply) or draft") {
		t.Errorf("mode shout: %v", probs)
	}
}
