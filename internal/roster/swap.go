package roster

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// SwapShifts returns data with the github handles of shifts[i] and
// shifts[j] exchanged (design.md, Rotation, rule 7) and every other byte as
// it was: only the two handles are rewritten, so each entry keeps its
// dates, note, comments and formatting.
func SwapShifts(data []byte, i, j int) ([]byte, error) {
	if i == j {
		return nil, errors.New("swapping shifts: a shift cannot be swapped with itself")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("swapping shifts: %w", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("swapping shifts: the roster is not a mapping")
	}
	root := doc.Content[0]
	var list *yaml.Node
	for k := 0; k+1 < len(root.Content); k += 2 {
		if root.Content[k].Value == "shifts" {
			list = resolve(root.Content[k+1])
		}
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, errors.New("swapping shifts: the roster has no shifts list")
	}
	old, err := decodeList[Shift](list, "shifts")
	if err != nil {
		return nil, fmt.Errorf("swapping shifts: %w", err)
	}
	if i < 0 || j < 0 || i >= len(old) || j >= len(old) {
		return nil, fmt.Errorf("swapping shifts: the roster has %d shifts, no shifts[%d] and shifts[%d]", len(old), i, j)
	}
	lines := splitLines(data)
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, k := range [][2]int{{i, j}, {j, i}} {
		item := list.Content[k[0]]
		if item.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("swapping shifts: shifts[%d] is not a mapping", k[0])
		}
		var val *yaml.Node
		for m := 0; m+1 < len(item.Content); m += 2 {
			if item.Content[m].Value == "github" {
				val = item.Content[m+1]
			}
		}
		if val == nil || val.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("swapping shifts: shifts[%d] has no github handle to swap", k[0])
		}
		start := offset(lines, val.Line, val.Column)
		end, err := scalarEnd(data, start, val.Style)
		if err != nil {
			return nil, fmt.Errorf("swapping shifts: line %d: %w", val.Line, err)
		}
		edits = append(edits, edit{start, end, scalar(old[k[1]].GitHub)})
	}
	// The later edit first, so the earlier offsets still hold.
	slices.SortFunc(edits, func(a, b edit) int { return b.start - a.start })
	out := slices.Clone(data)
	for _, e := range edits {
		out = slices.Concat(out[:e.start], []byte(e.text), out[e.end:])
	}
	want := slices.Clone(old)
	want[i].GitHub, want[j].GitHub = old[j].GitHub, old[i].GitHub
	got, err := listOf[Shift](out, "shifts")
	if err != nil || !slices.Equal(got, want) {
		return nil, fmt.Errorf("swapping shifts: the result does not read back as the swapped shifts (%v)", err)
	}
	return out, nil
}

// scalarEnd returns the offset just after the scalar starting at start.
func scalarEnd(data []byte, start int, style yaml.Style) (int, error) {
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		for k := start + 1; k < len(data); k++ {
			switch data[k] {
			case '\\':
				k++
			case '"':
				return k + 1, nil
			}
		}
		return 0, errors.New("unterminated quoted handle")
	case style&yaml.SingleQuotedStyle != 0:
		for k := start + 1; k < len(data); k++ {
			if data[k] == '\'' {
				if k+1 < len(data) && data[k+1] == '\'' {
					k++
					continue
				}
				return k + 1, nil
			}
		}
		return 0, errors.New("unterminated quoted handle")
	case style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, errors.New("a block scalar handle: write it on one line")
	}
	// Plain: up to a flow indicator, a comment or the end of the line.
	end := start
	for end < len(data) && !strings.ContainsRune(",}]\n\r", rune(data[end])) && !bytes.HasPrefix(data[end:], []byte(" #")) {
		end++
	}
	return start + len(bytes.TrimRight(data[start:end], " \t")), nil
}
