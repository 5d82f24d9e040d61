package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// faultRun sends n requests to a FreshDesk emulator with the given faults
// and returns what the client saw of each.
func faultRun(t *testing.T, faults *Faults, n int) ([]string, *Freshdesk) {
	t.Helper()
	fd, srv, _ := newFD(t, FreshdeskOptions{Faults: faults})
	id := fd.AddTicket(FDTicket{Subject: "s"})
	client := &http.Client{}
	var seen []string
	for i := range n {
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v2/tickets/%d/notes", srv.URL, id), strings.NewReader(fmt.Sprintf(`{"body":"note %d"}`, i)))
		req.SetBasicAuth("fd-key", "X")
		resp, err := client.Do(req)
		if err != nil {
			seen = append(seen, "dropped")
			continue
		}
		resp.Body.Close()
		s := fmt.Sprint(resp.StatusCode)
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			s += "/" + ra
		}
		seen = append(seen, s)
	}
	return seen, fd
}

func TestFaultsReplayExactlyFromASeed(t *testing.T) {
	rule := Fault{Route: "POST /api/v2/", Rate: 0.3, Kinds: []FaultKind{ServerError, TooManyRequests, SecondaryLimit, Drop}}
	a, _ := faultRun(t, NewFaults(42, rule), 200)
	b, _ := faultRun(t, NewFaults(42, rule), 200)
	c, _ := faultRun(t, NewFaults(43, rule), 200)
	if strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("the same seed gave different faults:\n%v\n%v", a, b)
	}
	if strings.Join(a, " ") == strings.Join(c, " ") {
		t.Error("different seeds gave the same faults")
	}
	kinds := map[string]int{}
	for _, s := range a {
		kinds[strings.Split(s, "/")[0]]++
	}
	failed := 200 - kinds["201"]
	if failed < 40 || failed > 80 || kinds["dropped"] == 0 || kinds["429"] == 0 || kinds["403"] == 0 {
		t.Errorf("fault mix over 200 requests at 30%%: %v", kinds)
	}
	for _, s := range a {
		if (strings.HasPrefix(s, "429") || strings.HasPrefix(s, "403")) && !strings.HasSuffix(s, "/60") {
			t.Errorf("a limit answer without Retry-After: %s", s)
		}
	}
}

func TestFaultsBeforeTheEffectLeaveNoTrace(t *testing.T) {
	seen, fd := faultRun(t, NewFaults(7, Fault{Rate: 0.5, Kinds: []FaultKind{ServerError, Drop}}), 100)
	ok := 0
	for _, s := range seen {
		if s == "201" {
			ok++
		}
	}
	if got := len(fd.Conversations(1)); got != ok {
		t.Errorf("%d notes stored, but only %d requests succeeded", got, ok)
	}
	if fd.Ledger().Count(func(r Request) bool { return r.Fault != "" }) != 100-ok {
		t.Errorf("the ledger does not account for every fault:\n%s", fd.Ledger())
	}
}

func TestFaultsAfterTheEffectLoseOnlyTheAnswer(t *testing.T) {
	seen, fd := faultRun(t, NewFaults(7, Fault{Rate: 0.5, Kinds: []FaultKind{ServerError, Drop}, AfterEffect: true}), 100)
	if got := len(fd.Conversations(1)); got != 100 {
		t.Errorf("%d notes stored; every request took effect, so want 100 (client saw %v)", got, seen)
	}
}
