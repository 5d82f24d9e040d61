package roster

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// SetShifts returns data with its top-level shifts list replaced by shifts,
// and every other byte (comments, key order, quoting, blank lines) as it was.
// When shifts only extends the current block list, the new entries are
// inserted after the last one, so the existing entries keep their own
// formatting and comments too.
func SetShifts(data []byte, shifts []Shift) ([]byte, error) {
	return setList(data, "shifts", shifts, appendShift)
}

// SetOverrides is SetShifts for the overrides list (covers).
func SetOverrides(data []byte, overrides []Override) ([]byte, error) {
	return setList(data, "overrides", overrides, appendOverride)
}

// setList replaces the top-level list named key, changing no other byte.
func setList[T comparable](data []byte, key string, shifts []T, write func([]byte, T) []byte) ([]byte, error) {
	appendItems := func(out []byte, indent string, items []T) []byte {
		for _, it := range items {
			out = append(out, indent...)
			out = write(out, it)
		}
		return out
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("rewriting %s: %w", key, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("rewriting %s: the roster is not a mapping", key)
	}
	root := doc.Content[0]
	lines := splitLines(data)
	var keyNode, val *yaml.Node
	nextKeyLine := len(lines) + 1
	for i := 0; i+1 < len(root.Content); i += 2 {
		if keyNode != nil {
			nextKeyLine = root.Content[i].Line
			break
		}
		if root.Content[i].Value == key {
			keyNode, val = root.Content[i], resolve(root.Content[i+1])
		}
	}

	var out []byte
	switch {
	case keyNode == nil:
		out = append(out, data...)
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		if len(shifts) == 0 {
			out = append(out, key+": []\n"...)
		} else {
			out = append(out, key+":\n"...)
			out = appendItems(out, "  ", shifts)
		}

	case val.Kind == yaml.SequenceNode && val.Style&yaml.FlowStyle == 0 && len(val.Content) > 0:
		last := lastContentLine(lines, keyNode.Line, nextKeyLine)
		indent := dashIndent(lines[val.Content[0].Line-1])
		old, err := decodeList[T](val, key)
		switch {
		case err == nil && len(shifts) >= len(old) && slices.Equal(old, shifts[:len(old)]):
			out = append(out, bytes.Join(lines[:last], nil)...)
			out = appendItems(out, indent, shifts[len(old):])
		case len(shifts) == 0:
			out = append(out, bytes.Join(lines[:keyNode.Line-1], nil)...)
			kl := lines[keyNode.Line-1]
			colon := afterColon(kl, keyNode.Column)
			out = append(out, kl[:colon]...)
			out = append(out, " []"...)
			out = append(out, kl[colon:]...)
		default:
			out = append(out, bytes.Join(lines[:keyNode.Line], nil)...)
			out = appendItems(out, indent, shifts)
		}
		out = append(out, bytes.Join(lines[last:], nil)...)

	default: // absent value, null, or a flow list: rewrite the value in place
		var start, end int
		switch {
		case val.Kind == yaml.SequenceNode:
			start = offset(lines, val.Line, val.Column)
			var err error
			if end, err = flowEnd(data, start); err != nil {
				return nil, fmt.Errorf("rewriting %s: line %d: %w", key, val.Line, err)
			}
		case val.Kind == yaml.ScalarNode && val.Tag == "!!null" && val.Value != "":
			start = offset(lines, val.Line, val.Column)
			end = start + len(val.Value)
		case val.Kind == yaml.ScalarNode && val.Tag == "!!null":
			start = offset(lines, keyNode.Line, 1) + afterColon(lines[keyNode.Line-1], keyNode.Column)
			end = start
		default:
			return nil, fmt.Errorf("rewriting %s: line %d: %s is %s, not a list", key, val.Line, key, kindName(val))
		}
		if len(shifts) == 0 {
			out = append(out, data[:start]...)
			if start == end {
				out = append(out, ' ')
			}
			out = append(out, "[]"...)
			out = append(out, data[end:]...)
			break
		}
		// Drop the value and the space before it, keep the rest of its last
		// line (a trailing comment), then write block items below.
		out = append(out, bytes.TrimRight(data[:start], " \t")...)
		rest := data[end:]
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			nl = len(rest)
		}
		if tail := bytes.TrimRight(rest[:nl], " \t\r"); len(tail) > 0 {
			out = append(out, ' ')
			out = append(out, bytes.TrimLeft(tail, " \t")...)
		}
		out = append(out, '\n')
		out = appendItems(out, "  ", shifts)
		if nl < len(rest) {
			out = append(out, rest[nl+1:]...)
		}
	}

	got, err := listOf[T](out, key)
	if err != nil {
		return nil, fmt.Errorf("rewriting %s produced a roster that does not read back: %w", key, err)
	}
	if !slices.Equal(got, shifts) {
		return nil, fmt.Errorf("rewriting %s: the result does not read back as the new list", key)
	}
	return out, nil
}

// splitLines splits data after each newline, keeping the newlines, so that
// joining the pieces gives data back byte for byte.
func splitLines(data []byte) [][]byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// offset converts a 1-based line and rune column to a byte offset.
func offset(lines [][]byte, line, col int) int {
	off := 0
	for _, l := range lines[:line-1] {
		off += len(l)
	}
	l := lines[line-1]
	for i := 1; i < col && len(l) > 0; i++ {
		_, size := utf8.DecodeRune(l)
		l = l[size:]
		off += size
	}
	return off
}

// afterColon returns the byte index just after the colon that ends the key
// starting at rune column col of line.
func afterColon(line []byte, col int) int {
	start := offset([][]byte{line}, 1, col)
	return start + bytes.IndexByte(line[start:], ':') + 1
}

// lastContentLine returns the last line in (from, before) that holds more
// than blank space or a comment: comments and blank lines after a list
// belong to what follows it.
func lastContentLine(lines [][]byte, from, before int) int {
	last := from
	for l := from + 1; l < before && l <= len(lines); l++ {
		t := bytes.TrimSpace(lines[l-1])
		if len(t) > 0 && t[0] != '#' {
			last = l
		}
	}
	return last
}

// dashIndent returns the white space before the "-" of a list item's line.
func dashIndent(line []byte) string {
	return string(line[:len(line)-len(bytes.TrimLeft(line, " "))])
}

// flowEnd returns the offset just after the flow collection opening at start.
func flowEnd(data []byte, start int) (int, error) {
	depth := 0
	for i := start; i < len(data); i++ {
		switch c := data[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(data); i++ {
				if data[i] == '\'' {
					if i+1 < len(data) && data[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (data[i-1] == ' ' || data[i-1] == '\t') {
				nl := bytes.IndexByte(data[i:], '\n')
				if nl < 0 {
					return 0, errors.New("unterminated flow list")
				}
				i += nl
			}
		}
	}
	return 0, errors.New("unterminated flow list")
}

// appendShift writes a shift as one flow-mapping line.
func appendShift(out []byte, s Shift) []byte {
	out = fmt.Appendf(out, "- {github: %s, start: %s, end: %s", scalar(s.GitHub), s.Start, s.End)
	if s.Note != "" {
		out = fmt.Appendf(out, ", note: %s", quote(s.Note))
	}
	return append(out, "}\n"...)
}

// appendOverride writes a cover as one flow-mapping line.
func appendOverride(out []byte, o Override) []byte {
	out = fmt.Appendf(out, "- {github: %s, for: %s, from: %s, to: %s", scalar(o.GitHub), scalar(o.For), o.From, o.To)
	if o.Note != "" {
		out = fmt.Appendf(out, ", note: %s", quote(o.Note))
	}
	return append(out, "}\n"...)
}

// scalar writes a handle plain unless YAML would read it as something else.
func scalar(s string) string {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil || v != s {
		return quote(s)
	}
	return s
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func decodeList[T any](n *yaml.Node, key string) ([]T, error) {
	d := newDecoder("roster")
	var out []T
	d.decode(n, reflect.ValueOf(&out).Elem(), key)
	if len(d.problems) > 0 {
		return nil, d.problems
	}
	return out, nil
}

func listOf[T any](data []byte, key string) ([]T, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key {
			return decodeList[T](root.Content[i+1], key)
		}
	}
	return nil, fmt.Errorf("no %s key", key)
}
