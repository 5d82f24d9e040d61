package roster

import (
	"encoding"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/support-steward/steward/internal/civil"
)

type position struct{ line, col int }

// decoder walks a yaml.Node tree into Go values by their yaml tags, recording
// where every key stands and every problem it meets, instead of stopping at
// the first one as yaml.v3's own decoder does.
type decoder struct {
	file     string
	pos      map[string]position
	problems Problems
	// text records where each text value starts, so that a finding inside
	// a multi-line value (a template) can name its own line.
	text map[string]textPos
	// budget is how many more YAML nodes the decoder may visit. Aliases let
	// a small file name the same node many times over (a "billion laughs"
	// file); counting visits rather than nodes bounds the work either way.
	budget int
	// spent is set once the budget runs out, so that it is reported once.
	spent bool
}

// textPos is where a text value's first line stands; block is true for
// the | style, whose text starts on the line after the indicator and keeps
// the file's lines.
type textPos struct {
	position
	block bool
}

// Bounds on what a roster may hold. A real team's roster is a few hundred
// lines; these leave room for a century of history while keeping a check
// or a schedule of any accepted roster well under a second.
const (
	// MaxFileBytes is the largest roster file read.
	MaxFileBytes = 1 << 20
	// maxNodes is how many YAML values the decoder visits, aliases expanded.
	maxNodes = 1_000_000
	// MaxProblems is how many problems are reported before giving up.
	MaxProblems = 1000
)

// MaxItems caps each list in the roster, by key path without indices.
var MaxItems = map[string]int{
	"holidays":                    5000,
	"engineers":                   200,
	"engineers.away":              500,
	"engineers.skills":            100,
	"shifts":                      10000,
	"overrides":                   10000,
	"events":                      5000,
	"integrations.freshdesk.tags": 100,
}

// Dates a roster may write: anything else is a typo (2062 for 2026 is
// fine; 0206 is not) and would only make schedules long to compute.
var (
	FirstDate = civil.New(1900, 1, 1)
	LastDate  = civil.New(2199, 12, 31)
)

var dateType = reflect.TypeFor[civil.Date]()

// controlChar finds a control character in s: any C0 control or DEL, and
// in multi-line text (templates) any but newline and tab.
func controlChar(s string, multiline bool) (rune, bool) {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if r < 0x20 || r == 0x7f {
			return r, true
		}
	}
	return 0, false
}

// listKey is path without its [i] indices: engineers[3].away -> engineers.away.
func listKey(path string) string {
	var b strings.Builder
	depth := 0
	for _, r := range path {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, pos: map[string]position{}, text: map[string]textPos{}, budget: maxNodes}
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	if len(d.problems) >= MaxProblems {
		return
	}
	d.problems = append(d.problems, Problem{
		File: d.file, Line: n.Line, Col: n.Column, Path: path,
		Message: fmt.Sprintf(format, args...),
	})
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// decode fills v (addressable) from n; path names n in messages.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	first := n
	n = resolve(n)
	if n == nil || d.spent {
		return
	}
	// A node costs its children too: a mapping of many keys named by many
	// aliases is walked once per alias.
	if d.budget -= 1 + len(n.Content); d.budget < 0 {
		d.spent = true
		// Past MaxProblems too: this is the finding that explains the rest.
		d.problems = append(d.problems, Problem{File: d.file, Line: first.Line, Col: first.Column, Path: path,
			Message: fmt.Sprintf("the roster holds more than %d values (counting each use of a YAML alias): write it out plainly", maxNodes)})
		return
	}
	if v.Kind() == reflect.Pointer {
		if isNull(n) {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
		return
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		if n.Kind != yaml.ScalarNode || isNull(n) {
			d.errorf(n, path, "expected a value, found %s", kindName(n))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.errorf(n, path, "%v", err)
			return
		}
		if v.Type() == dateType {
			if day := v.Interface().(civil.Date); day.Before(FirstDate) || day.After(LastDate) {
				d.errorf(n, path, "%s is out of range: write a date from %s to %s", day, FirstDate, LastDate)
				v.Set(reflect.Zero(dateType))
			}
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.errorf(n, path, "expected a list, found %s", kindName(n))
			return
		}
		if max, ok := MaxItems[listKey(path)]; ok && len(n.Content) > max {
			d.errorf(n, path, "%d items is more than the %d a roster may list", len(n.Content), max)
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.pos[p] = position{item.Line, item.Column}
			d.decode(item, s.Index(i), p)
		}
		v.Set(s)
	case reflect.Map:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.errorf(n, path, "expected a mapping, found %s", kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := resolve(n.Content[i]), n.Content[i+1]
			p := path + "." + k.Value
			d.pos[p] = position{k.Line, k.Column}
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, ev, p)
			m.SetMapIndex(reflect.ValueOf(k.Value), ev)
		}
		v.Set(m)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || isNull(n) || n.Tag == "!!bool" {
			d.errorf(n, path, "expected text, found %s", kindName(n))
			return
		}
		if r, ok := controlChar(n.Value, strings.HasSuffix(path, ".template")); ok {
			// A newline in a name breaks the Markdown tables and calendar
			// lines it is written into (and can forge a heading there).
			d.errorf(n, path, "must be one line of plain text: found the control character %U", r)
			return
		}
		v.SetString(n.Value)
		if d.text != nil {
			d.text[path] = textPos{position{n.Line, n.Column}, n.Style&yaml.LiteralStyle != 0}
		}
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(n.Value, 10, 64)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
			d.errorf(n, path, "expected a whole number, found %s", kindName(n))
			return
		}
		if v.OverflowInt(i) {
			d.errorf(n, path, "%s is too large", n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.errorf(n, path, "expected true or false, found %s", kindName(n))
			return
		}
		v.SetBool(n.Value == "true")
	default:
		panic(fmt.Sprintf("roster: no decoding for %s", v.Type()))
	}
}

type fieldInfo struct {
	index    int
	name     string
	required bool
}

func fieldsOf(t reflect.Type) []fieldInfo {
	var out []fieldInfo
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		out = append(out, fieldInfo{index: i, name: name, required: opt == "required"})
	}
	return out
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping, found %s", kindName(n))
		return
	}
	fields := fieldsOf(v.Type())
	byName := make(map[string]fieldInfo, len(fields))
	for _, f := range fields {
		byName[f.name] = f
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		p := join(path, k.Value)
		if k.Value == "<<" {
			d.errorf(k, path, "merge keys (<<) are not supported: write the keys out")
			continue
		}
		f, ok := byName[k.Value]
		if !ok {
			d.errorf(k, p, "unknown key; expected one of: %s", strings.Join(names(fields), ", "))
			continue
		}
		if seen[k.Value] {
			d.errorf(k, p, "key appears twice")
			continue
		}
		seen[k.Value] = true
		d.pos[p] = position{k.Line, k.Column}
		d.decode(val, v.Field(f.index), p)
	}
	for _, f := range fields {
		if f.required && !seen[f.name] {
			d.errorf(n, path, "missing required key %q", f.name)
		}
	}
}

func names(fs []fieldInfo) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	sort.Strings(out)
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var yamlLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

// syntaxProblem turns a yaml.v3 syntax error into a located Problem. yaml.v3
// reports "line N" for nearly everything; for the rest the first offending
// byte is found by hand so every problem carries a position.
func syntaxProblem(file string, data []byte, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{File: file, Line: 1, Col: 1, Message: "not valid YAML: " + msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			p.Col, _ = strconv.Atoi(m[2])
		}
		return p
	}
	p.Line, p.Col = firstSuspectByte(data)
	return p
}

// firstSuspectByte returns the line and column of the first control
// character or invalid UTF-8 sequence, the usual unlocated yaml.v3 errors.
func firstSuspectByte(data []byte) (line, col int) {
	line, col = 1, 1
	s := string(data)
	for i, r := range s {
		if r == '\n' {
			line, col = line+1, 1
			continue
		}
		if r == 0xFFFD && !strings.HasPrefix(s[i:], "\uFFFD") || (r < 0x20 && r != '\t' && r != '\r') || r == 0x7f {
			return line, col
		}
		col++
	}
	return 1, 1
}
