package roster

import (
	"bytes"
	"testing"
)

// FuzzParse: whatever the bytes, Parse returns a roster or located problems,
// and never panics.
func FuzzParse(f *testing.F) {
	data := sample(f)
	f.Add(data)
	f.Add([]byte(minimal))
	f.Add(bytes.Replace(data, []byte("version: 1"), []byte("version: [1"), 1))
	f.Add(bytes.Replace(data, []byte("tenure: 4w"), []byte("tenure: &a 4w\n  x: *a"), 1))
	f.Add(bytes.Replace(data, []byte("2026-11-23"), []byte("2026-13-45"), -1))
	f.Add(bytes.Replace(data, []byte("  - name: "), []byte("\t- name: "), 1))
	f.Add(data[:len(data)/2])
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("engineers: {<<: {a: 1}}\n"))
	f.Add([]byte("\xff\xfe version: 1"))
	f.Add([]byte("version: 1\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, probs := Parse("f.yaml", data)
		if r == nil && len(probs.Errors()) == 0 {
			t.Fatal("no roster and no error")
		}
		if r != nil && len(probs.Errors()) > 0 {
			t.Fatal("a roster despite errors")
		}
		for _, p := range probs {
			if p.Line < 1 || p.Col < 1 || p.File != "f.yaml" || p.Message == "" {
				t.Fatalf("unlocated problem: %#v", p)
			}
		}
	})
}
