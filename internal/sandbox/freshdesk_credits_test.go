package sandbox

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Issue #25, fact 5. Source: FreshDesk API v2 reference, List All Tickets
// ("include": each include consumes 2 additional credits: include=stats
// costs 3) and View a Ticket (each include consumes one additional
// credit), and the reference's rate-limit section:
// X-RateLimit-Used-CurrentRequest is the credits the request used.
func TestFreshdeskListIncludesCostTwoCreditsEach(t *testing.T) {
	fd, srv, _ := newFD(t, FreshdeskOptions{})
	id := fd.AddTicket(FDTicket{Subject: "s"})
	var sum int
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/api/v2/tickets", 1},
		{"/api/v2/tickets?include=stats", 3},
		{"/api/v2/tickets?include=stats,requester", 5},
		{"/api/v2/tickets?include=stats,requester,description", 7},
		{fmt.Sprintf("/api/v2/tickets/%d", id), 1},
		{fmt.Sprintf("/api/v2/tickets/%d?include=stats,requester", id), 3},
		{"/api/v2/ticket_fields", 1},
	} {
		resp, body := fdDo(t, "GET", srv.URL+tc.path, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", tc.path, resp.StatusCode, body)
		}
		sum += tc.want
		if got := resp.Header.Get("X-RateLimit-Used-CurrentRequest"); got != strconv.Itoa(tc.want) {
			t.Errorf("%s: X-RateLimit-Used-CurrentRequest %s, want %d", tc.path, got, tc.want)
		}
		if got := resp.Header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(700-sum) {
			t.Errorf("%s: X-RateLimit-Remaining %s, want %d", tc.path, got, 700-sum)
		}
	}
	// The accounting a benchmark reads: credits charged, whatever the
	// window.
	if got := fd.Credits(); got != sum {
		t.Errorf("Credits() = %d, want %d", got, sum)
	}
	// A refused request costs nothing and says so.
	small, srv2, _ := newFD(t, FreshdeskOptions{RateLimit: 4})
	small.AddTicket(FDTicket{Subject: "s"})
	fdDo(t, "GET", srv2.URL+"/api/v2/tickets?include=stats", "")
	resp, _ := fdDo(t, "GET", srv2.URL+"/api/v2/tickets?include=stats", "")
	if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Used-CurrentRequest") != "0" || resp.Header.Get("X-RateLimit-Remaining") != "1" {
		t.Errorf("over the budget: %d used %s remaining %s", resp.StatusCode,
			resp.Header.Get("X-RateLimit-Used-CurrentRequest"), resp.Header.Get("X-RateLimit-Remaining"))
	}
	if got := small.Credits(); got != 3 {
		t.Errorf("Credits() after a 429 = %d, want 3", got)
	}
}

// Issue #25, fact 5. Source: FreshDesk API v2 reference, rate limit:
// accounts on the legacy plans (Blossom, Garden: 3,000 an hour; Estate,
// Forest: 5,000 an hour) are metered per hour, with the same headers
// (X-RateLimit-Total is the hour's budget) and Retry-After in seconds.
// No header names the window.
func TestFreshdeskLegacyPlanMetersPerHour(t *testing.T) {
	fd, srv, _ := newFD(t, FreshdeskOptions{PerHour: true})
	id := fd.AddTicket(FDTicket{Subject: "s"})
	resp, _ := fdDo(t, "GET", fmt.Sprintf("%s/api/v2/tickets/%d", srv.URL, id), "")
	if resp.Header.Get("X-RateLimit-Total") != "3000" || resp.Header.Get("X-RateLimit-Remaining") != "2999" {
		t.Errorf("a legacy plan's headers: total %s remaining %s, want 3000 and 2999",
			resp.Header.Get("X-RateLimit-Total"), resp.Header.Get("X-RateLimit-Remaining"))
	}
	for _, h := range []string{"X-RateLimit-Window", "X-RateLimit-Reset"} {
		if v := resp.Header.Get(h); v != "" {
			t.Errorf("FreshDesk sends no %s; the sandbox sent %q", h, v)
		}
	}

	fd, srv, clock := newFD(t, FreshdeskOptions{PerHour: true, RateLimit: 3})
	id = fd.AddTicket(FDTicket{Subject: "s"})
	url := fmt.Sprintf("%s/api/v2/tickets/%d", srv.URL, id)
	clock.Advance(10 * time.Minute) // 09:10, ten minutes into the hour
	for range 3 {
		if resp, _ := fdDo(t, "GET", url, ""); resp.StatusCode != 200 {
			t.Fatalf("within the budget: %d", resp.StatusCode)
		}
	}
	resp, body := fdDo(t, "GET", url, "")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3000" || !strings.Contains(body, "per hour") {
		t.Errorf("over the hour's budget: %d Retry-After %q %s; want 429 and the 50 minutes left of the hour",
			resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	// A minute later the budget is still spent: it is an hour's.
	clock.Advance(time.Minute)
	if resp, _ := fdDo(t, "GET", url, ""); resp.StatusCode != 429 {
		t.Errorf("a minute later: %d, want 429", resp.StatusCode)
	}
	clock.Advance(49 * time.Minute)
	if resp, _ := fdDo(t, "GET", url, ""); resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("the next hour: %d remaining %s", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	}
}

// Issue #25, fact 9. Source: FreshDesk API v2 reference, Ticket Fields
// (List All Ticket Fields, GET /api/v2/ticket_fields, filtered with
// ?type=default_status: the status field's choices map each status id to
// its agent and customer labels) and Tickets (accounts may define
// statuses beyond 2-5, with ids from 6).
func TestFreshdeskCustomStatusesAreTheStatusFieldsChoices(t *testing.T) {
	fd, srv, clock := newFD(t, FreshdeskOptions{ExtraStatuses: map[int]string{6: "Waiting on Customer"}})
	fd.AddStatus(7, "Waiting on Third Party")
	resp, body := fdDo(t, "GET", srv.URL+"/api/v2/ticket_fields?type=default_status", "")
	var fields []struct {
		Name    string
		Type    string
		Choices map[string][]string
	}
	if err := json.Unmarshal([]byte(body), &fields); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s: %v", resp.StatusCode, body, err)
	}
	if len(fields) != 1 || fields[0].Name != "status" || fields[0].Type != "default_status" {
		t.Fatalf("?type=default_status lists %+v; want only the status field", fields)
	}
	ch := fields[0].Choices
	if len(ch) != 6 || fmt.Sprint(ch["2"]) != "[Open Being Processed]" || ch["6"][0] != "Waiting on Customer" ||
		ch["7"][0] != "Waiting on Third Party" || len(ch["7"]) != 2 {
		t.Errorf("status choices %v", ch)
	}
	// Without the filter, every field; with an unknown type, none.
	_, body = fdDo(t, "GET", srv.URL+"/api/v2/ticket_fields", "")
	if !strings.Contains(body, `"name":"status"`) || !strings.Contains(body, `"name":"priority"`) {
		t.Errorf("every field: %s", body)
	}
	if _, body = fdDo(t, "GET", srv.URL+"/api/v2/ticket_fields?type=custom_text", ""); strings.TrimSpace(body) != "[]" {
		t.Errorf("?type=custom_text without custom text fields: %s", body)
	}
	// A custom status is a status like the others: set, searched.
	id := fd.AddTicket(FDTicket{Subject: "s", ResponderID: 9})
	if resp, body := fdDo(t, "PUT", fmt.Sprintf("%s/api/v2/tickets/%d", srv.URL, id), `{"status":7}`); resp.StatusCode != 200 {
		t.Fatalf("setting a custom status: %d %s", resp.StatusCode, body)
	}
	clock.Advance(time.Minute)
	_, body = fdDo(t, "GET", srv.URL+"/api/v2/search/tickets?query="+urlQuery(`"agent_id:9 AND status:7"`), "")
	if !strings.Contains(body, `"total":1`) {
		t.Errorf("searching a custom status: %s", body)
	}
	if resp, body := fdDo(t, "PUT", fmt.Sprintf("%s/api/v2/tickets/%d", srv.URL, id), `{"status":8}`); resp.StatusCode != 400 || !strings.Contains(body, "'2,3,4,5,6,7'") {
		t.Errorf("a status the account does not define: %d %s", resp.StatusCode, body)
	}
}
