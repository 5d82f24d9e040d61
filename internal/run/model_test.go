package run_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
)

var (
	modelSeeds  = flag.Int("model.seeds", 4, "TestModel: how many seeds (1..N) to play")
	modelSteps  = flag.Int("model.steps", 25, "TestModel: how many changes each seed makes")
	modelTrace  = flag.Bool("model.trace", false, "TestModel: log every step as it is played")
	modelShrink = flag.Bool("model.shrink", false, "TestModel: for each broken invariant, find a minimal sequence of steps that breaks it")
)

// TestModel is a model-based test of the FreshDesk mirror's convergence.
//
// A world is the in-repo sandboxes (GitHub with a Projects v2 board, and
// FreshDesk) on one manual clock, wired to steward by wire.Connect from a
// roster, as a deployment is; in even seeds every process shares one
// STEWARD_CACHE_DIR (so a delivery for a new ticket may create its issue
// from the kept list without reading the list first), in odd seeds none
// keeps anything. Each seed draws a sequence of steps; each
// step advances the clock a few minutes and makes ONE change from one side:
//
//   - FreshDesk (an agent, or the requester): a new ticket, tagged
//     engineering or not; a priority change; the tag engineering or hub-down
//     added (never removed); a status change; a subject change; the
//     requester replying (which reopens the ticket).
//   - GitHub (a person, never steward's bot): close as completed or not
//     planned, reopen, a different `priority:` label, assign or unassign,
//     a support issue opened by hand, a retitle.
//
// then lets steward reconcile, in one of three modes, each played over the
// same sequence from a fresh world:
//
//   - deliveries: the event path only (run.HandleEvent for each issues
//     event GitHub sends for the change, run.HandleTicket for FreshDesk's
//     automation rule), deliveries repeated and reordered, never lost;
//   - schedule: the scheduled sync only (run.Run with Only: sync);
//   - both: the deliveries, some of them lost, then the scheduled sync;
//   - at once: the deliveries and the scheduled sync at the same time, as
//     separate processes (a dispatch's job beside the catch-up's), none
//     lost. Separate processes do not take turns: one can act on what it
//     read just before the other wrote (the catch-up closing an issue a
//     person reopened that second, as it read the ticket still resolved;
//     an item set Done as the issue reopened; a write refused because the
//     other process changed its object), and the board's order can be left
//     for the next pass. Each is put right by the next reconcile. So after
//     every step only racingHolds are checked (1, 6, 7); at the end, after
//     one more scheduled sync on its own, all of them, and the final world
//     must equal the other modes'.
//
// Each mode ends with a quiet round: its reconcile once more, with no
// change. After every step's reconcile (the quiet round's too) these
// invariants must hold:
//
//  0. every reconcile succeeds;
//  1. one issue (not closed as a duplicate) per ticket tagged engineering,
//     its hidden marker naming the ticket; none for the other tickets;
//  2. every open support issue is on the board exactly once, its Status
//     not Done, its Priority the one its `priority:` label names (Medium
//     without one), in the iteration holding the clock's today;
//  3. every closed support issue on the board is Done;
//  4. open support items come before every other item, hub down first,
//     then Urgent, High, Medium, Low by their label;
//  5. the ticket is resolved or closed exactly when its issue is closed,
//     except that an issue closed as not planned leaves the ticket open;
//  6. a mirrored ticket has one private note linking its issue;
//  7. no requester name, e-mail, phone, description or reply reaches an
//     issue's title, body or comments;
//  8. the same reconcile, done again at once, writes nothing (no REST
//     write, no GraphQL mutation, on either side).
//
// At the end the three modes' worlds must be equal, compared without issue
// numbers, assignees or comments (routing legitimately differs by path).
//
// A failure names the seed, the mode, the first step after which the
// invariant broke and that step's change; reproduce it with the command it
// prints. -model.seeds and -model.steps size the run (CI: the defaults; the
// big one: -model.seeds 200 -model.steps 40).
func TestModel(t *testing.T) {
	for seed := 1; seed <= *modelSeeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			steps := generate(uint64(seed), *modelSteps)
			finals := map[mode]normal{}
			for _, m := range modes {
				t.Run(m.String(), func(t *testing.T) {
					finals[m] = play(t, seed, m, steps)
				})
			}
			compareFinals(t, seed, finals)
		})
	}
}

// racingHolds are the invariants that hold after every step even when
// separate processes reconcile at once (the at-once mode): never two live
// issues for a ticket, its issue linked, nothing private on GitHub.
var racingHolds = map[int]bool{1: true, 6: true, 7: true}

// step is one change, made after the clock moves on by advance.
type step struct {
	advance time.Duration
	change  change
}

type mode int

const (
	deliveries mode = iota
	schedule
	both
	atOnce
)

var modes = []mode{deliveries, schedule, both, atOnce}

func (m mode) String() string { return [...]string{"deliveries", "schedule", "both", "at once"}[m] }

// lose is the share of deliveries lost in the mode.
func (m mode) lose() float64 {
	if m == both {
		return 0.3
	}
	return 0
}

// play runs the steps in mode m on a fresh world and reports what broke;
// with -model.shrink, also the fewest steps that break each invariant.
func play(t *testing.T, seed int, m mode, steps []step) normal {
	o := playSteps(t, seed, m, steps, *modelTrace)
	o.rec.report(t, seed, m)
	if *modelShrink {
		for _, inv := range o.rec.invariants() {
			few := shrink(t, seed, m, steps[:min(o.rec.firstAt[inv], len(steps))], inv)
			var lines []string
			for i, st := range few {
				lines = append(lines, fmt.Sprintf("%d. %s", i+1, st.change))
			}
			t.Logf("invariant %d breaks with these %d step(s) (then the quiet round):\n  %s", inv, len(few), strings.Join(lines, "\n  "))
		}
	}
	return o.final
}

// outcome is what playing a sequence gave: what broke, and the final world.
type outcome struct {
	rec   *recorder
	final normal
}

// playSteps runs the steps, then the quiet round, in mode m on a fresh
// world, checking the invariants after every step's reconcile.
func playSteps(tb testing.TB, seed int, m mode, steps []step, trace bool) outcome {
	w := newWorld(tb, seed%2 == 0) // even seeds keep what they read
	w.racing = m == atOnce
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(m)+1)) // the network's whims, per mode
	rec := &recorder{}
	at := t0
	all := append(slices.Clone(steps), step{change: quiet{}})
	for i, st := range all {
		at = at.Add(st.advance)
		w.clock.Set(at)
		ds, ok := st.change.apply(w)
		arrived, lost := w.network(m, ds, rng)
		errs := w.reconcile(m, arrived)
		what := describe(i+1, len(all), st.change, ok, m, arrived, lost)
		if trace {
			tb.Logf("%s", what)
		}
		if m == atOnce {
			if i == len(all)-1 {
				// The board's order is the next pass's to put right.
				errs = append(errs, w.scheduled()...)
				rec.check(i+1, what, w.check(errs))
				rec.check(i+1, what, w.secondPass(schedule, nil))
				continue
			}
			rec.check(i+1, what, slices.DeleteFunc(w.check(errs), func(v violation) bool { return !racingHolds[v.inv] }))
			continue
		}
		rec.check(i+1, what, w.check(errs))
		rec.check(i+1, what, w.secondPass(m, arrived))
	}
	return outcome{rec: rec, final: w.normalise()}
}

// shrink removes steps, one at a time, for as long as invariant inv still
// breaks without them: what is left is a minimal sequence that breaks it.
func shrink(tb testing.TB, seed int, m mode, steps []step, inv int) []step {
	breaks := func(s []step) bool {
		_, ok := playSteps(tb, seed, m, s, false).rec.first[inv]
		return ok
	}
	for changed := true; changed; {
		changed = false
		for i := len(steps) - 1; i >= 0; i-- {
			if fewer := slices.Delete(slices.Clone(steps), i, i+1); breaks(fewer) {
				steps, changed = fewer, true
			}
		}
	}
	return steps
}

// secondPass does the step's reconcile again, at once: it must write
// nothing (invariant 8), nor fail.
func (w *world) secondPass(m mode, arrived []delivery) []violation {
	var errs []string
	wrote := w.writes(func() { errs = w.reconcile(m, once(arrived)) })
	var v []violation
	for _, e := range errs {
		v = append(v, violation{0, "the second pass: " + e})
	}
	if len(wrote) > 0 {
		v = append(v, violation{8, "the second pass wrote " + strings.Join(wrote, ", ")})
	}
	return v
}

// once is each delivery once, in the order they first arrived.
func once(ds []delivery) []delivery {
	var out []delivery
	for _, d := range ds {
		if !slices.ContainsFunc(out, func(x delivery) bool { return x.String() == d.String() }) {
			out = append(out, d)
		}
	}
	return out
}

// network is what reaches steward of a step's deliveries in mode m.
func (w *world) network(m mode, ds []delivery, rng *rand.Rand) (arrived, lost []delivery) {
	if m == schedule {
		return nil, nil
	}
	return perturb(ds, rng, m.lose())
}

// reconcile is mode m's answer to a step: the deliveries that arrived,
// then, unless only deliveries count, the scheduled sync.
func (w *world) reconcile(m mode, arrived []delivery) []string {
	if m == atOnce {
		var delivered, scheduled []string
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); delivered = w.deliver(arrived) }()
		go func() { defer wg.Done(); scheduled = w.scheduled() }()
		wg.Wait()
		return append(delivered, scheduled...)
	}
	errs := w.deliver(arrived)
	if m != deliveries {
		errs = append(errs, w.scheduled()...)
	}
	return errs
}

// describe says what step i of n was: its change, and in the modes with
// deliveries, what arrived and what was lost.
func describe(i, n int, c change, applied bool, m mode, arrived, lost []delivery) string {
	s := fmt.Sprintf("step %d of %d (%s)", i, n, c)
	if !applied {
		s += " [did not apply here: nothing done]"
	}
	if m != schedule && len(arrived)+len(lost) > 0 {
		s += "; delivered: " + names(arrived)
		if len(lost) > 0 {
			s += "; lost: " + names(lost)
		}
	}
	return s
}

// names lists deliveries for a message.
func names(ds []delivery) string {
	if len(ds) == 0 {
		return "nothing"
	}
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return strings.Join(out, ", ")
}

// --- Invariants ------------------------------------------------------------

var invariants = map[int]string{
	0: "every reconcile succeeds",
	1: "one issue per engineering ticket, none for the others, its marker naming the ticket",
	2: "every open support issue is on the board once, not Done, Priority from its label, in the current iteration",
	3: "every closed support issue on the board is Done",
	4: "open support items come first, hub down, then Urgent, High, Medium, Low",
	5: "ticket status and issue state follow each other",
	6: "one link note per mirrored ticket",
	7: "no requester data on GitHub",
	8: "a second pass writes nothing",
}

type violation struct {
	inv int
	msg string
}

// check reads the world and returns what breaks the invariants.
func (w *world) check(errs []string) []violation {
	var v []violation
	for _, e := range errs {
		v = append(v, violation{0, e})
	}
	s := w.snapshot()
	v = append(v, s.oneIssuePerTicket()...)
	v = append(v, s.boardHoldsOpenWork(w.currentIteration())...)
	v = append(v, s.closedAreDone()...)
	v = append(v, s.order()...)
	v = append(v, s.statusFollows()...)
	v = append(v, s.oneLinkNote(w.racing)...)
	v = append(v, s.noRequesterData(w.secrets)...)
	return v
}

// 1: one issue per engineering ticket, none for the others.
func (s snapshot) oneIssuePerTicket() []violation {
	var v []violation
	for _, id := range sortedIDs(s.tickets) {
		t, ns := s.tickets[id], s.mirrors[id]
		switch {
		case t.HasTag("engineering") && len(ns) != 1:
			v = append(v, violation{1, fmt.Sprintf("ticket %d is tagged engineering and has %d issues %v", id, len(ns), ns)})
		case !t.HasTag("engineering") && len(ns) > 0:
			v = append(v, violation{1, fmt.Sprintf("ticket %d is not tagged engineering but has issues %v", id, ns)})
		case len(ns) == 1 && !isSupport(s.issues[ns[0]]):
			v = append(v, violation{1, fmt.Sprintf("#%d mirrors ticket %d without the support label", ns[0], id)})
		}
	}
	for _, id := range sortedIDs(s.mirrors) {
		if _, ok := s.tickets[id]; !ok {
			v = append(v, violation{1, fmt.Sprintf("issues %v name ticket %d, which does not exist", s.mirrors[id], id)})
		}
	}
	return v
}

// itemsOf are the board items of issue number.
func (s snapshot) itemsOf(number int) []map[string]string {
	var out []map[string]string
	for _, it := range s.board {
		if n, ok := issueOfItem(it); ok && n == number {
			out = append(out, it.Values)
		}
	}
	return out
}

// 2: every open support issue is on the board, as its labels say.
func (s snapshot) boardHoldsOpenWork(iteration string) []violation {
	var v []violation
	for _, n := range sortedIDs(s.issues) {
		is := s.issues[n]
		if !isSupport(is) || is.State != "open" {
			continue
		}
		items := s.itemsOf(n)
		if len(items) != 1 {
			v = append(v, violation{2, fmt.Sprintf("open #%d (%s) is on the board %d times", n, s.name(n), len(items))})
			continue
		}
		vals := items[0]
		var wrong []string
		if vals["Status"] == "" || vals["Status"] == "Done" {
			wrong = append(wrong, fmt.Sprintf("Status %q", vals["Status"]))
		}
		if ps := labelPriorities(is); len(ps) > 1 {
			wrong = append(wrong, fmt.Sprintf("priority labels %v", ps))
		}
		if want := wantPriority(is); vals["Priority"] != want {
			wrong = append(wrong, fmt.Sprintf("Priority %q where its labels %v say %q", vals["Priority"], is.Labels, want))
		}
		if vals["Iteration"] != iteration {
			wrong = append(wrong, fmt.Sprintf("Iteration %q, not %q", vals["Iteration"], iteration))
		}
		if len(wrong) > 0 {
			v = append(v, violation{2, fmt.Sprintf("open #%d (%s) has %s", n, s.name(n), strings.Join(wrong, ", "))})
		}
	}
	return v
}

// 3: closed support issues on the board are Done.
func (s snapshot) closedAreDone() []violation {
	var v []violation
	for _, n := range sortedIDs(s.issues) {
		is := s.issues[n]
		if !isSupport(is) || is.State != "closed" {
			continue
		}
		for _, vals := range s.itemsOf(n) {
			if vals["Status"] != "Done" {
				v = append(v, violation{3, fmt.Sprintf("#%d (%s) is %s but its board item is %q", n, s.name(n), stateOf(is), vals["Status"])})
			}
		}
	}
	return v
}

// level ranks an open support issue on the board: hub down, then Urgent,
// High, Medium, Low by its label.
func (s snapshot) level(is sandbox.Issue) int {
	if id, ok := s.ticketOf(is.Number); ok && s.tickets[id].HasTag("hub-down") {
		return 0
	}
	return map[string]int{"Urgent": 1, "High": 2, "Medium": 3, "Low": 4}[wantPriority(is)]
}

// 4: open support items first, by level; it reports the first item out
// of place.
func (s snapshot) order() []violation {
	levelNames := []string{"hub down", "Urgent", "High", "Medium", "Low"}
	prevLevel, prev, firstOther := -1, 0, ""
	for _, it := range s.board {
		n, ok := issueOfItem(it)
		is := s.issues[n]
		if !ok || !isSupport(is) || is.State != "open" {
			if firstOther == "" {
				firstOther = s.itemName(it)
			}
			continue
		}
		if firstOther != "" {
			return []violation{{4, fmt.Sprintf("open #%d (%s) is below %s", n, s.name(n), firstOther)}}
		}
		l := s.level(is)
		if l < prevLevel {
			return []violation{{4, fmt.Sprintf("#%d (%s, %s) is below #%d (%s, %s)", n, s.name(n), levelNames[l], prev, s.name(prev), levelNames[prevLevel])}}
		}
		prevLevel, prev = l, n
	}
	return nil
}

// 5: ticket status and issue state follow each other: a done ticket has a
// closed issue, an issue closed as completed a done ticket. (An issue
// closed as not planned leaves its ticket as it is.)
func (s snapshot) statusFollows() []violation {
	var v []violation
	for _, id := range sortedIDs(s.tickets) {
		ns := s.mirrors[id]
		if len(ns) == 0 {
			continue
		}
		t, is := s.tickets[id], s.issues[slices.Min(ns)]
		st := statuses[t.Status]
		switch {
		case done(t.Status) && is.State != "closed":
			v = append(v, violation{5, fmt.Sprintf("ticket %d is %s but #%d is open", id, st, is.Number)})
		case is.State == "closed" && is.StateReason == "completed" && !done(t.Status):
			v = append(v, violation{5, fmt.Sprintf("#%d is closed as completed but ticket %d is %s", is.Number, id, st)})
		}
	}
	return v
}

// 6: one link note per mirrored ticket, linking its issue. Where separate
// processes race (racing: the at-once mode), the duplicate one of them
// made, and closed as such, keeps the link note it left (FreshDesk notes
// are not taken back): notes to issues closed as duplicates are let be.
func (s snapshot) oneLinkNote(racing bool) []violation {
	var v []violation
	for _, id := range sortedIDs(s.tickets) {
		ns := s.mirrors[id]
		links := linkNotes(s.convs[id])
		if racing {
			links = slices.DeleteFunc(links, func(n int) bool { return s.issues[n].StateReason == "duplicate" })
		}
		switch {
		case len(ns) == 0 && len(links) > 0:
			v = append(v, violation{6, fmt.Sprintf("ticket %d has no issue but link notes to %v", id, links)})
		case len(ns) > 0 && (len(links) != 1 || links[0] != slices.Min(ns)):
			v = append(v, violation{6, fmt.Sprintf("ticket %d (#%d) has link notes to %v", id, slices.Min(ns), links)})
		}
	}
	return v
}

// 7: nothing the requester is or wrote reaches GitHub.
func (s snapshot) noRequesterData(secrets []string) []violation {
	var v []violation
	for _, n := range sortedIDs(s.issues) {
		is := s.issues[n]
		texts := append([]string{is.Title, is.Body}, is.Comments...)
		for _, secret := range secrets {
			for _, text := range texts {
				if strings.Contains(text, secret) {
					v = append(v, violation{7, fmt.Sprintf("#%d carries requester data %q", n, secret)})
					break
				}
			}
		}
	}
	return v
}

// name says what an issue is, without its number: the ticket it mirrors,
// its hand-made title, or its title.
func (s snapshot) name(n int) string {
	if id, ok := s.ticketOf(n); ok {
		return fmt.Sprintf("ticket %d", id)
	}
	return fmt.Sprintf("%q", s.issues[n].Title)
}

// itemName says what a board item is, for a message.
func (s snapshot) itemName(it sandbox.ProjectItem) string {
	if n, ok := issueOfItem(it); ok {
		return fmt.Sprintf("#%d (%s, %s)", n, s.name(n), stateOf(s.issues[n]))
	}
	return it.Issue
}

// --- Reporting ---------------------------------------------------------------

// recorder keeps, per invariant, the first step after which it broke and
// how many steps it was broken after.
type recorder struct {
	first   map[int]string
	firstAt map[int]int
	broken  map[int]int
	steps   []string
}

// check records the violations found after step i.
func (r *recorder) check(i int, step string, vs []violation) {
	if r.first == nil {
		r.first, r.firstAt, r.broken = map[int]string{}, map[int]int{}, map[int]int{}
	}
	if len(r.steps) < i {
		r.steps = append(r.steps, step)
	}
	seen := map[int]bool{}
	for _, v := range vs {
		if _, ok := r.first[v.inv]; !ok {
			r.first[v.inv], r.firstAt[v.inv] = fmt.Sprintf("after %s: %s", step, v.msg), i
		}
		if !seen[v.inv] {
			seen[v.inv] = true
			r.broken[v.inv]++
		}
	}
}

// invariants are the invariants that broke, in order.
func (r *recorder) invariants() []int {
	invs := make([]int, 0, len(r.first))
	for inv := range r.first {
		invs = append(invs, inv)
	}
	slices.Sort(invs)
	return invs
}

// report fails the test once per broken invariant, with its first break,
// how to reproduce it, and the steps that led there.
func (r *recorder) report(t *testing.T, seed int, m mode) {
	t.Helper()
	if len(r.first) == 0 {
		return
	}
	last := 0
	for _, inv := range r.invariants() {
		t.Errorf("seed=%d %s: invariant %d (%s) broken after %d of %d steps; first %s",
			seed, m, inv, invariants[inv], r.broken[inv], len(r.steps), r.first[inv])
		last = max(last, r.firstAt[inv])
	}
	t.Logf("reproduce: go test ./internal/run -run '^TestModel$/^seed=%d$/^%s$' -model.seeds %d -model.steps %d -model.trace", seed, m, seed, *modelSteps)
	t.Logf("the steps up to the last first break:\n  %s", strings.Join(r.steps[:last], "\n  "))
}

// --- The final worlds, normalised ---------------------------------------------

// normal is a world without issue numbers or creation order: each ticket,
// hand-made issue and other board item by a key, and the board's order by
// those keys. Assignees and comments are left out: routing differs by path.
type normal struct {
	things map[string]string
	order  []string
}

// normalise reads the world as the final comparison sees it.
func (w *world) normalise() normal {
	s := w.snapshot()
	n := normal{things: map[string]string{}}
	key := map[int]string{}
	for _, id := range sortedIDs(s.tickets) {
		t := s.tickets[id]
		k := fmt.Sprintf("ticket %d", id)
		desc := fmt.Sprintf("ticket %s, tags %v, ", statuses[t.Status], t.Tags)
		if ns := s.mirrors[id]; len(ns) > 0 {
			key[slices.Min(ns)] = k
			desc += s.describeIssue(slices.Min(ns)) + fmt.Sprintf(", %d link note(s)", len(linkNotes(s.convs[id])))
		} else {
			desc += "no issue"
		}
		n.things[k] = desc
	}
	for h, num := range w.hands {
		k := fmt.Sprintf("hand-made %q", h)
		key[num] = k
		n.things[k] = s.describeIssue(num)
	}
	for num, title := range w.others {
		key[num] = fmt.Sprintf("other %q", title)
	}
	// Closed support items keep the order history gave them (they sink to
	// Done as they close): each run of them is compared as a set.
	var closed []string
	flush := func() {
		slices.Sort(closed)
		n.order, closed = append(n.order, closed...), nil
	}
	for _, it := range s.board {
		num, _ := issueOfItem(it)
		if is := s.issues[num]; isSupport(is) && is.State == "closed" {
			closed = append(closed, key[num]+" (closed)")
			continue
		}
		flush()
		n.order = append(n.order, key[num])
	}
	flush()
	return n
}

// describeIssue is an issue as the final comparison sees it.
func (s snapshot) describeIssue(n int) string {
	is := s.issues[n]
	labels := slices.Clone(is.Labels)
	slices.Sort(labels)
	board := "not on the board"
	if items := s.itemsOf(n); len(items) > 0 {
		var vals []string
		for _, it := range items {
			vals = append(vals, fmt.Sprintf("%s/%s/%s", it["Status"], it["Priority"], it["Iteration"]))
		}
		board = "board " + strings.Join(vals, " + ")
	}
	return fmt.Sprintf("issue %q %s, labels %v, %s", is.Title, stateOf(is), labels, board)
}

// compareFinals checks that the modes that ran ended in the same world as
// the schedule mode.
func compareFinals(t *testing.T, seed int, finals map[mode]normal) {
	t.Helper()
	ref, ok := finals[schedule]
	if !ok {
		return // run alone with -run: nothing to compare with
	}
	for _, m := range []mode{deliveries, both} {
		got, ok := finals[m]
		if !ok {
			continue
		}
		if diffs := differences(m, got, ref); len(diffs) > 0 {
			t.Errorf("seed=%d: the final worlds of %s and %s differ (%d difference(s)):\n  %s\nreproduce: go test ./internal/run -run '^TestModel$/^seed=%d$' -model.seeds %d -model.steps %d",
				seed, m, schedule, len(diffs), strings.Join(diffs, "\n  "), seed, seed, *modelSteps)
		}
	}
}

// differences lists what differs between mode m's world and the schedule
// mode's, thing by thing, then the board's order.
func differences(m mode, got, ref normal) []string {
	keys := map[string]bool{}
	for k := range ref.things {
		keys[k] = true
	}
	for k := range got.things {
		keys[k] = true
	}
	var diffs []string
	for _, k := range sortedKeys(keys) {
		if got.things[k] != ref.things[k] {
			diffs = append(diffs, fmt.Sprintf("%s:\n      %-10s %s\n      %-10s %s", k, m, orNone(got.things[k]), schedule, orNone(ref.things[k])))
		}
	}
	if !slices.Equal(got.order, ref.order) {
		diffs = append(diffs, fmt.Sprintf("board order:\n      %-10s %s\n      %-10s %s", m, strings.Join(got.order, " | "), schedule, strings.Join(ref.order, " | ")))
	}
	return diffs
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func sortedIDs[K int | int64, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
