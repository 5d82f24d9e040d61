package roster

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, got)
	}
}

// commented is a frozen copy of the sample roster, comments and all, so
// these goldens do not move when the sample does.
func commented(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "commented.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func shift(who, start, end string) Shift {
	return Shift{GitHub: who, Start: civil.MustParse(start), End: civil.MustParse(end)}
}

// insertedOnly checks that out is in with one contiguous block of lines
// added, and returns that block.
func insertedOnly(t *testing.T, in, out []byte) string {
	t.Helper()
	p := 0
	for p < len(in) && p < len(out) && in[p] == out[p] {
		p++
	}
	p = bytes.LastIndexByte(in[:p], '\n') + 1 // back to a line start
	s := 0
	for s < len(in)-p && s < len(out)-p && in[len(in)-1-s] == out[len(out)-1-s] {
		s++
	}
	if p+s != len(in) {
		t.Fatalf("more than an insertion changed: kept %d+%d of %d bytes", p, s, len(in))
	}
	return string(out[p : len(out)-s])
}

func TestSetShiftsAppendsAndKeepsEveryOtherByte(t *testing.T) {
	in := commented(t)
	r, probs := Parse("roster.yaml", in)
	if r == nil {
		t.Fatal(probs)
	}
	next := append(append([]Shift{}, r.Shifts...),
		shift("ada-l", "2026-12-07", "2027-01-04"),
		Shift{GitHub: "dknuth", Start: civil.MustParse("2026-12-21"), End: civil.MustParse("2027-01-18"), Note: `covers "aturing", who is away`})
	out, err := SetShifts(in, next)
	if err != nil {
		t.Fatal(err)
	}
	added := insertedOnly(t, in, out)
	want := "  - {github: ada-l, start: 2026-12-07, end: 2027-01-04}\n" +
		"  - {github: dknuth, start: 2026-12-21, end: 2027-01-18, note: \"covers \\\"aturing\\\", who is away\"}\n"
	if added != want {
		t.Errorf("inserted:\n%s\nwant:\n%s", added, want)
	}
	golden(t, "append.golden.yaml", out)
	if r2, probs := Parse("roster.yaml", out); r2 == nil || len(r2.Shifts) != len(next) || r2.Shifts[len(next)-1] != next[len(next)-1] {
		t.Errorf("the rewritten roster does not read back: %v", probs)
	}
}

func TestSetShiftsReplacesOnlyTheList(t *testing.T) {
	in := commented(t)
	out, err := SetShifts(in, []Shift{shift("grace", "2026-11-09", "2026-12-07"), shift("ewd", "2026-11-23", "2026-12-21")})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "replace.golden.yaml", out)
	// Everything up to and including "shifts:" and everything from the
	// first line after the list is unchanged.
	head := in[:bytes.Index(in, []byte("shifts:\n"))+len("shifts:\n")]
	tail := in[bytes.Index(in, []byte("\nevents:"))-1:]
	if !bytes.HasPrefix(out, head) || !bytes.HasSuffix(out, tail) {
		t.Error("bytes outside the shifts list changed")
	}
}

func TestSetShiftsForms(t *testing.T) {
	tests := []struct {
		name, in string
		shifts   []Shift
		want     string
	}{
		{"no shifts key: appended at the end",
			"version: 1 # v\nevents: []\n",
			[]Shift{shift("ada", "2026-01-05", "2026-01-19")},
			"version: 1 # v\nevents: []\nshifts:\n  - {github: ada, start: 2026-01-05, end: 2026-01-19}\n"},
		{"no final newline",
			"version: 1",
			[]Shift{shift("ada", "2026-01-05", "2026-01-19")},
			"version: 1\nshifts:\n  - {github: ada, start: 2026-01-05, end: 2026-01-19}\n"},
		{"empty flow list with a comment",
			"shifts: []   # rotation PRs append here\nevents: []\n",
			[]Shift{shift("ada", "2026-01-05", "2026-01-19")},
			"shifts: # rotation PRs append here\n  - {github: ada, start: 2026-01-05, end: 2026-01-19}\nevents: []\n"},
		{"null value with a comment",
			"shifts:     # none yet\n\n# Events\nevents: []\n",
			[]Shift{shift("ada", "2026-01-05", "2026-01-19")},
			"shifts: # none yet\n  - {github: ada, start: 2026-01-05, end: 2026-01-19}\n\n# Events\nevents: []\n"},
		{"flow list over two lines",
			"shifts: [{github: a, start: 2026-01-05,\n   end: 2026-01-19}]\nteam: x\n",
			[]Shift{shift("b", "2026-01-05", "2026-01-19")},
			"shifts:\n  - {github: b, start: 2026-01-05, end: 2026-01-19}\nteam: x\n"},
		{"block list indented at zero, comments between items survive an append",
			"shifts:\n- github: a   # first\n  start: 2026-01-05\n  end: 2026-01-19\n# a swap follows\n- {github: b, start: 2026-01-05, end: 2026-02-02}\n\n# trailing comment\nteam: x\n",
			[]Shift{shift("a", "2026-01-05", "2026-01-19"), shift("b", "2026-01-05", "2026-02-02"), shift("c", "2026-01-19", "2026-02-16")},
			"shifts:\n- github: a   # first\n  start: 2026-01-05\n  end: 2026-01-19\n# a swap follows\n- {github: b, start: 2026-01-05, end: 2026-02-02}\n- {github: c, start: 2026-01-19, end: 2026-02-16}\n\n# trailing comment\nteam: x\n"},
		{"emptied block list",
			"shifts:   # keep me\n  - {github: a, start: 2026-01-05, end: 2026-01-19}\nteam: x\n",
			nil,
			"shifts: []   # keep me\nteam: x\n"},
		{"handles YAML would misread are quoted",
			"shifts: []\n",
			[]Shift{shift("true", "2026-01-05", "2026-01-19"), shift("1234", "2026-01-05", "2026-01-19")},
			"shifts:\n  - {github: \"true\", start: 2026-01-05, end: 2026-01-19}\n  - {github: \"1234\", start: 2026-01-05, end: 2026-01-19}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := SetShifts([]byte(tt.in), tt.shifts)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, tt.want)
			}
		})
	}
}

func TestSetShiftsRefusesWhatIsNotAList(t *testing.T) {
	_, err := SetShifts([]byte("shifts: 3\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "line 1: shifts is \"3\", not a list") {
		t.Errorf("err = %v", err)
	}
}
