// Package sorting sorts slices through the standard library's one
// non-generic implementation (sort.Slice, sort.SliceStable).
//
// slices.SortFunc and slices.SortStableFunc are generic: the compiler
// writes a whole pdqsort or stable merge sort, about 18 KB of machine
// code, for every distinct element shape, and steward sorts some thirty
// shapes of struct. That was 0.4 MB of a release binary issue #14 caps at
// 12 MiB. These functions keep slices' signature (a three-way cmp) so call
// sites read the same, and cost a closure each. Use them in steward's
// non-test code; tests may use slices freely.
package sorting

import "sort"

// SortFunc sorts s in ascending order as cmp decides (negative when a < b,
// zero when equal, positive when a > b). The order of equal elements is
// unspecified, as with slices.SortFunc.
func SortFunc[S ~[]E, E any](s S, cmp func(a, b E) int) {
	sort.Slice(s, func(i, j int) bool { return cmp(s[i], s[j]) < 0 })
}

// SortStableFunc sorts s as cmp decides, keeping equal elements in their
// original order, as slices.SortStableFunc does.
func SortStableFunc[S ~[]E, E any](s S, cmp func(a, b E) int) {
	sort.SliceStable(s, func(i, j int) bool { return cmp(s[i], s[j]) < 0 })
}
