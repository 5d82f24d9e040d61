package roster

import (
	"bytes"
	"fmt"
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

// MaxTemplateBytes bounds a template: a message to a person, not a file.
const MaxTemplateBytes = 16 << 10

// maxTemplateProblems is how many problems one template reports.
const maxTemplateProblems = 20

// templateProblem is an unknown placeholder, or a stray "{{" or "}}" that
// would reach the requester as it is, on a line (0-based) of a template.
type templateProblem struct {
	line  int
	name  string
	stray string
}

// templateProblems finds what would not be filled in a template: unknown
// {{names}}, and any "{{" or "}}" left over once the well-formed
// placeholders are taken out (a mistyped "{{name}" would otherwise be sent
// to the requester as it is).
func templateProblems(tmpl string, allowed []Placeholder) []templateProblem {
	var out []templateProblem
	for i, line := range strings.Split(tmpl, "\n") {
		for _, m := range placeholderRE.FindAllStringSubmatch(line, -1) {
			if !slices.ContainsFunc(allowed, func(a Placeholder) bool { return a.Name == m[1] }) {
				out = append(out, templateProblem{line: i, name: m[1]})
			}
		}
		rest := placeholderRE.ReplaceAllString(line, "")
		if strings.Contains(line, "{{{") || strings.Contains(line, "}}}") {
			rest = line // a third brace would be sent as it is
		}
		for _, stray := range []string{"{{{", "}}}", "{{", "}}"} {
			if j := strings.Index(rest, stray); j >= 0 {
				lo, hi := max(j-10, 0), min(j+12, len(rest))
				out = append(out, templateProblem{line: i, stray: strings.TrimSpace(rest[lo:hi])})
				break
			}
		}
		if len(out) > maxTemplateProblems {
			break
		}
	}
	return out
}

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
		if len(m.msg.Template) > MaxTemplateBytes {
			v.errorf(p+".template", "is %d bytes; a message to a requester is at most %d", len(m.msg.Template), MaxTemplateBytes)
			continue
		}
		allowed := Placeholders[m.key]
		known := make([]string, len(allowed))
		for j, a := range allowed {
			known[j] = "{{" + a.Name + "}}"
		}
		found := 0
		for _, tp := range templateProblems(m.msg.Template, allowed) {
			if found++; found > maxTemplateProblems {
				break
			}
			msg := fmt.Sprintf("unknown placeholder {{%s}}; the %s template may use %s", tp.name, m.key, strings.Join(known, ", "))
			if tp.stray != "" {
				msg = fmt.Sprintf("%q is not a placeholder: write one as {{name}}, with names from %s (braces are not allowed otherwise)", tp.stray, strings.Join(known, ", "))
			}
			pr := v.r.problem(Error, p+".template", "%s", msg)
			pr.Line, pr.Col = v.r.valueLine(p+".template", tp.line)
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
		// A quoted, plain or folded value's lines are not the file's: name
		// where the value starts.
		return tp.line, tp.col
	}
	line = tp.line + 1 + i
	src := lineOf(r.source, line)
	return line, 1 + len(src) - len(strings.TrimLeft(src, " \t"))
}

// lineOf returns line n (1-based) of data.
func lineOf(data []byte, n int) string {
	for ; n > 1; n-- {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return ""
		}
		data = data[i+1:]
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	return string(data)
}
