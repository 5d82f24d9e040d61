package roster

import "testing"

// Issue #25, fact 5: FreshDesk's legacy plans (Blossom, Garden, Estate,
// Forest) meter the API per hour, and no header says so: the roster does.
func TestFreshdeskPlan(t *testing.T) {
	for _, tc := range []struct {
		plan    string
		perHour bool
		list    int
	}{
		{"", false, 0}, {"plan: legacy", true, 0}, {"plan: Garden", true, 0}, {"plan: forest", true, 0},
		{"plan: growth", false, 20}, {"plan: pro", false, 100}, {"plan: enterprise", false, 200},
	} {
		yaml := minimal + "integrations:\n  freshdesk: {domain: acme"
		if tc.plan != "" {
			yaml += ", " + tc.plan
		}
		r, probs := Parse("r.yaml", []byte(yaml+"}\n"))
		if r == nil {
			t.Fatalf("%q: %v", tc.plan, probs)
		}
		f := r.Integrations.Freshdesk
		if f.PerHour() != tc.perHour || f.ListPerMinute() != tc.list {
			t.Errorf("%q: per hour %v, listings %d; want %v and %d", tc.plan, f.PerHour(), f.ListPerMinute(), tc.perHour, tc.list)
		}
	}
	r, probs := Parse("r.yaml", []byte(minimal+"integrations:\n  freshdesk: {domain: acme, plan: sprout}\n"))
	want := `r.yaml:9:29: integrations.freshdesk.plan: "sprout" is not a FreshDesk plan steward knows: write legacy (Blossom, Garden, Estate, Forest: a budget per hour), or growth, pro or enterprise (a budget per minute, the default)`
	if r != nil || len(probs.Errors()) != 1 || probs.Errors()[0].String() != want {
		t.Errorf("an unknown plan:\n%v\nwant:\n%s", probs, want)
	}
}
