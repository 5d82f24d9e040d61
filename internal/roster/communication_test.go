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

// A mistyped placeholder would reach the requester as it is: any "{{" or
// "}}" that is not a well-formed placeholder is an error at its line.
// Found by a fresh-eye review.
func TestStrayBracesAreErrors(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{"Hi {{requester_first_name},", `"Hi {{requester_" is not a placeholder`},
		{"ticket {{ticket id}} and more", `is not a placeholder`},
		{"{{ never closed", `"{{ never clo" is not a placeholder`},
		{"{{{ticket_id}}}", `is not a placeholder`},
		{"done }} here", `"done }} here" is not a placeholder`},
	} {
		text := minimal + "communication:\n  acknowledge:\n    mode: send\n    template: |\n      Hello,\n      " + tc.tmpl + "\n"
		_, probs := Parse("roster.yaml", []byte(text))
		base := strings.Count(minimal, "\n")
		if len(probs) != 1 || !strings.Contains(probs[0].String(), tc.want) || probs[0].Line != base+6 {
			t.Errorf("%q: %v, want %s at line %d", tc.tmpl, probs, tc.want, base+6)
		}
	}
}

// A template is a message, not a file: bounded in size, and a hostile one
// reports a bounded number of problems (each found once, in one pass).
func TestTemplatesAreBounded(t *testing.T) {
	many := strings.Repeat("{{nope}} ", 5000)
	text := minimal + "communication:\n  acknowledge:\n    mode: send\n    template: \"" + many + "\"\n"
	_, probs := Parse("roster.yaml", []byte(text))
	if n := len(probs.Errors()); n == 0 || n > 20 {
		t.Errorf("%d problems for 5,000 unknown placeholders, want 1 to 20", n)
	}
	huge := strings.Repeat("x", MaxTemplateBytes+1)
	_, probs = Parse("roster.yaml", []byte(minimal+"communication:\n  acknowledge:\n    mode: send\n    template: "+huge+"\n"))
	if len(probs) != 1 || !strings.Contains(probs[0].String(), "a message to a requester is at most") {
		t.Errorf("a huge template: %v", probs)
	}
}
