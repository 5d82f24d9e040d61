package sorting

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

type pair struct{ key, seq int }

func byKey(a, b pair) int { return cmp.Compare(a.key, b.key) }

func TestSortFuncAgreesWithSlices(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 200 {
		s := make([]pair, n)
		for i := range s {
			s[i] = pair{key: r.IntN(10), seq: i}
		}
		a, b := slices.Clone(s), slices.Clone(s)
		SortFunc(a, byKey)
		slices.SortFunc(b, byKey)
		if !slices.IsSortedFunc(a, byKey) || !slices.EqualFunc(a, b, func(x, y pair) bool { return x.key == y.key }) {
			t.Fatalf("n=%d: %v", n, a)
		}
		c, d := slices.Clone(s), slices.Clone(s)
		SortStableFunc(c, byKey)
		slices.SortStableFunc(d, byKey)
		if !slices.Equal(c, d) {
			t.Fatalf("stable n=%d:\n got %v\nwant %v", n, c, d)
		}
	}
}

// Named slice types keep their type, as with slices.
type pairs []pair

func TestSortFuncKeepsNamedSliceTypes(t *testing.T) {
	p := pairs{{key: 2}, {key: 1}}
	SortFunc(p, byKey)
	if p[0].key != 1 {
		t.Fatal(p)
	}
}
