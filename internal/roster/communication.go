package roster

import (
	"regexp"
	"slices"
	"strings"
)

// Communication configures what steward says to requesters. Absent, steward
// never writes to a requester; each message is off until it has a template.
type Communication struct {
	// Acknowledge is the first public reply on a new ticket: receipt, next
	// steps and the questions that establish impact.
	Acknowledge *Message `yaml:"acknowledge"`
	// Resolved says what was done, once the ticket's issue is closed.
	Resolved *Message `yaml:"resolved"`
}

// Message is one templated message to a requester.
type Message struct {
	// Mode is "send" (a public reply to the requester) or "draft" (a
	// private note holding the text, for a steward to send).
	Mode string `yaml:"mode,required"`
	// Template is plain text with {{placeholders}} (see Placeholders).
	Template string `yaml:"template,required"`
}

// The message modes.
const (
	Send  = "send"
	Draft = "draft"
)

// Placeholders lists, per message, the {{name}}s its template may use and
// what each is filled with. comms fills them; validate refuses any other.
var Placeholders = map[string][]Placeholder{
	"acknowledge": common,
	"resolved": append(slices.Clone(common),
		Placeholder{"summary", "what was done: the support issue's title, its closing pull requests and who did it"},
		Placeholder{"issue_url", "the support issue's link (share it only if the repository is public)"},
	),
}

// Placeholder is one name a template may use.
type Placeholder struct{ Name, Meaning string }

var common = []Placeholder{
	{"requester_first_name", "the requester's first name, or \"there\" when FreshDesk has none"},
	{"ticket_id", "the FreshDesk ticket number"},
	{"subject", "the ticket's subject"},
	{"team", "the team's name from roster.yaml"},
	{"stewards", "the stewards on duty, by name (\"Ada Lovelace and Grace Hopper\")"},
	{"next_update", "when the requester will hear from the team next (the update target), e.g. Tuesday 14 April"},
}

// placeholderRE matches {{ name }}; anything else with braces is text.
var placeholderRE = regexp.MustCompile(`\{\{\s*([^{}\s]*)\s*\}\}`)

// TemplateNames returns the placeholder names a template uses, with the
// line (0-based, within the template) each stands on.
func TemplateNames(tmpl string) (names []string, lines []int) {
	for i, line := range strings.Split(tmpl, "\n") {
		for _, m := range placeholderRE.FindAllStringSubmatch(line, -1) {
			names = append(names, m[1])
			lines = append(lines, i)
		}
	}
	return names, lines
}

// Fill replaces each {{name}} in tmpl with values[name]; names without a
// value are left as they are (validate refuses unknown names, so this only
// happens to a value the caller does not have).
func Fill(tmpl string, values map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := placeholderRE.FindStringSubmatch(m)[1]
		if v, ok := values[name]; ok {
			return v
		}
		return m
	})
}

func (v *validator) communication() {
	c := v.r.Communication
	for _, m := range []struct {
		key string
		msg *Message
	}{{"acknowledge", c.Acknowledge}, {"resolved", c.Resolved}} {
		if m.msg == nil {
			continue
		}
		p := "communication." + m.key
		if v.has(p+".mode") && m.msg.Mode != Send && m.msg.Mode != Draft {
			v.errorf(p+".mode", "must be send (a public reply) or draft (a private note for a steward to send), found %q", m.msg.Mode)
		}
		if !v.has(p + ".template") {
			continue
		}
		if strings.TrimSpace(m.msg.Template) == "" {
			v.errorf(p+".template", "is empty: write the message, or remove communication.%s to turn it off", m.key)
			continue
		}
		allowed := Placeholders[m.key]
		names, lines := TemplateNames(m.msg.Template)
		for i, name := range names {
			if slices.ContainsFunc(allowed, func(a Placeholder) bool { return a.Name == name }) {
				continue
			}
			known := make([]string, len(allowed))
			for j, a := range allowed {
				known[j] = "{{" + a.Name + "}}"
			}
			pr := v.r.problem(Error, p+".template", "unknown placeholder {{%s}}; a %s template may use %s", name, m.key, strings.Join(known, ", "))
			pr.Line, pr.Col = v.r.valueLine(p+".template", lines[i])
			v.out = append(v.out, pr)
		}
	}
}

// valueLine returns the file line and column of line i (0-based) of the
// text value at path: the value's own line for a one-line value, the i-th
// line after the indicator for a | or > block, at its first non-blank.
func (r *Roster) valueLine(path string, i int) (line, col int) {
	tp, ok := r.text[path]
	if !ok {
		return r.Line(path)
	}
	if !tp.block {
		return tp.line, tp.col
	}
	line = tp.line + 1 + i
	lines := strings.Split(string(r.source), "\n")
	col = 1
	if line-1 < len(lines) {
		col += len(lines[line-1]) - len(strings.TrimLeft(lines[line-1], " \t"))
	}
	return line, col
}
