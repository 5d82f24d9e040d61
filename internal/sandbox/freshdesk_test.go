package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func newFD(t *testing.T, o FreshdeskOptions) (*Freshdesk, *httptest.Server, *ManualClock) {
	t.Helper()
	clock := NewManualClock(t0)
	if o.Clock == nil {
		o.Clock = clock
	}
	if o.APIKey == "" {
		o.APIKey = "fd-key"
	}
	fd := NewFreshdesk(o)
	srv := httptest.NewServer(fd)
	t.Cleanup(srv.Close)
	return fd, srv, clock
}

// fdDo sends a request the way a plain FreshDesk client would.
func fdDo(t *testing.T, method, url, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("fd-key", "X")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var nextLink = regexp.MustCompile(`<([^>]+)>; rel="next"`)

func TestFreshdeskWalks1000TicketsThroughPagination(t *testing.T) {
	fd, srv, clock := newFD(t, FreshdeskOptions{})
	for i := range 1000 {
		fd.AddTicket(FDTicket{Subject: fmt.Sprintf("ticket %d", i), CreatedAt: t0.Add(-time.Duration(i) * time.Minute)})
	}
	clock.Advance(time.Hour)
	url := srv.URL + "/api/v2/tickets?per_page=100&order_by=created_at&order_type=asc&updated_since=2026-10-01T00:00:00Z"
	seen := map[float64]bool{}
	pages := 0
	for url != "" {
		resp, body := fdDo(t, "GET", url, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", url, resp.StatusCode, body)
		}
		var list []map[string]any
		json.Unmarshal([]byte(body), &list)
		for _, tk := range list {
			if seen[tk["id"].(float64)] {
				t.Fatalf("ticket %v twice", tk["id"])
			}
			seen[tk["id"].(float64)] = true
			if _, ok := tk["description"]; ok {
				t.Fatal("the list must not include description unless asked")
			}
		}
		pages++
		url = ""
		if m := nextLink.FindStringSubmatch(resp.Header.Get("Link")); m != nil {
			url = m[1]
		}
	}
	if len(seen) != 1000 || pages != 10 {
		t.Errorf("walked %d tickets in %d pages, want 1000 in 10", len(seen), pages)
	}
	if got := fd.Ledger().Count(Route("GET /api/v2/tickets")); got != 10 {
		t.Errorf("ledger counts %d list requests, want 10:\n%s", got, fd.Ledger())
	}
	if got := fd.Ledger().Len(); got != 10 {
		t.Errorf("ledger counts %d requests in all, want 10", got)
	}
}

func TestFreshdeskListRules(t *testing.T) {
	fd, srv, clock := newFD(t, FreshdeskOptions{})
	old := fd.AddTicket(FDTicket{Subject: "old", CreatedAt: t0.Add(-40 * 24 * time.Hour)})
	recent := fd.AddTicket(FDTicket{Subject: "recent", CreatedAt: t0.Add(-2 * 24 * time.Hour)})
	fd.AddTicket(FDTicket{Subject: "spam", Spam: true})
	clock.Advance(time.Minute)

	ids := func(body string) []int64 {
		var list []struct{ ID int64 }
		json.Unmarshal([]byte(body), &list)
		var out []int64
		for _, x := range list {
			out = append(out, x.ID)
		}
		return out
	}
	_, body := fdDo(t, "GET", srv.URL+"/api/v2/tickets", "")
	if got := ids(body); fmt.Sprint(got) != fmt.Sprint([]int64{recent}) {
		t.Errorf("without updated_since: %v, want only the last 30 days %v", got, recent)
	}
	_, body = fdDo(t, "GET", srv.URL+"/api/v2/tickets?updated_since=2026-01-01T00:00:00Z&order_type=asc", "")
	if got := ids(body); fmt.Sprint(got) != fmt.Sprint([]int64{old, recent}) {
		t.Errorf("with updated_since: %v", got)
	}
	resp, body := fdDo(t, "GET", srv.URL+"/api/v2/tickets?per_page=101", "")
	if resp.StatusCode != 400 || !strings.Contains(body, `"description":"Validation failed"`) || !strings.Contains(body, `"field":"per_page"`) {
		t.Errorf("per_page=101: %d %s", resp.StatusCode, body)
	}
	resp, body = fdDo(t, "GET", srv.URL+"/api/v2/tickets?page=301", "")
	if resp.StatusCode != 400 || !strings.Contains(body, `"field":"page"`) {
		t.Errorf("page=301: %d %s", resp.StatusCode, body)
	}
	resp, _ = fdDo(t, "GET", srv.URL+"/api/v2/tickets?include=stats,requester", "")
	if resp.Header.Get("X-RateLimit-Used-CurrentRequest") != "5" {
		t.Errorf("two includes on a list cost %s credits, want 5 (2 each)", resp.Header.Get("X-RateLimit-Used-CurrentRequest"))
	}
	resp, body = fdDo(t, "GET", srv.URL+"/api/v2/tickets/999", "")
	if resp.StatusCode != 404 || strings.TrimSpace(body) != `{"description":"Resource not found"}` {
		t.Errorf("404: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v2/tickets", nil)
	req.SetBasicAuth("wrong", "X")
	r2, _ := http.DefaultClient.Do(req)
	r2.Body.Close()
	if r2.StatusCode != 401 {
		t.Errorf("wrong key: %d", r2.StatusCode)
	}
}

func TestFreshdeskRateLimitSequence(t *testing.T) {
	fd, srv, clock := newFD(t, FreshdeskOptions{RateLimit: 5, ListLimit: 2})
	fd.AddTicket(FDTicket{Subject: "a"})
	var statuses []string
	for range 3 {
		resp, _ := fdDo(t, "GET", srv.URL+"/api/v2/tickets", "")
		statuses = append(statuses, fmt.Sprintf("%d/%s", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining")))
	}
	for range 4 {
		resp, _ := fdDo(t, "GET", srv.URL+"/api/v2/tickets/1", "")
		statuses = append(statuses, fmt.Sprintf("%d/%s", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining")))
	}
	// The third listing exceeds the listing sub-limit; it is refused and
	// costs nothing. Then three more credits remain of five.
	want := "200/4 200/3 429/3 200/2 200/1 200/0 429/0"
	if got := strings.Join(statuses, " "); got != want {
		t.Errorf("sequence %s, want %s", got, want)
	}
	resp, _ := fdDo(t, "GET", srv.URL+"/api/v2/tickets/1", "")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "60" {
		t.Errorf("over the limit: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	clock.Advance(60 * time.Second)
	if resp, _ := fdDo(t, "GET", srv.URL+"/api/v2/tickets/1", ""); resp.StatusCode != 200 {
		t.Errorf("after Retry-After: %d", resp.StatusCode)
	}
	if n := fd.Ledger().Count(func(r Request) bool { return r.Status == 429 }); n != 3 {
		t.Errorf("ledger has %d 429s, want 3", n)
	}
}

func TestFreshdeskUpdatesArePartialAndValidated(t *testing.T) {
	fd, srv, clock := newFD(t, FreshdeskOptions{})
	fd.AddField(FDField{Name: "cf_root_cause", Label: "Root cause", Type: "custom_text", RequiredForClosure: true})
	id := fd.AddTicket(FDTicket{Subject: "hub down", Priority: PriorityHigh, Tags: []string{"engineering"}})
	url := fmt.Sprintf("%s/api/v2/tickets/%d", srv.URL, id)
	clock.Advance(time.Minute)

	resp, body := fdDo(t, "PUT", url, `{"priority":4}`)
	if resp.StatusCode != 200 {
		t.Fatalf("partial update: %d %s", resp.StatusCode, body)
	}
	if tk, _ := fd.Ticket(id); tk.Priority != 4 || tk.Subject != "hub down" || !tk.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("after update: %+v", tk)
	}
	// Sending the whole object with empty defaults is a 400.
	resp, body = fdDo(t, "PUT", url, `{"id":1,"subject":"","status":2,"created_at":null}`)
	if resp.StatusCode != 400 {
		t.Fatalf("whole object: %d", resp.StatusCode)
	}
	for _, want := range []string{`"field":"created_at","message":"Unexpected/invalid field in request","code":"invalid_field"`, `"field":"id"`, `"field":"subject","message":"It should not be blank`} {
		if !strings.Contains(body, want) {
			t.Errorf("error body lacks %s: %s", want, body)
		}
	}
	resp, body = fdDo(t, "PUT", url, `{"status":4}`)
	if resp.StatusCode != 400 || !strings.Contains(body, `"field":"cf_root_cause"`) {
		t.Errorf("resolve without a required field: %d %s", resp.StatusCode, body)
	}
	resp, _ = fdDo(t, "PUT", url, `{"status":4,"custom_fields":{"cf_root_cause":"disk full"}}`)
	if tk, _ := fd.Ticket(id); resp.StatusCode != 200 || tk.Status != StatusResolved || tk.Stats.ResolvedAt.IsZero() {
		t.Errorf("resolve: %d %+v", resp.StatusCode, tk)
	}
	resp, body = fdDo(t, "PUT", url, `{"status":9}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "'2,3,4,5'") {
		t.Errorf("unknown status: %d %s", resp.StatusCode, body)
	}
	// A customer reply reopens the resolved ticket.
	clock.Advance(time.Minute)
	fd.CustomerReply(id, "<p>still broken</p>")
	if tk, _ := fd.Ticket(id); tk.Status != StatusOpen || tk.Stats.ReopenedAt.IsZero() {
		t.Errorf("customer reply did not reopen: %+v", tk)
	}
}

func TestFreshdeskNotesAndReplies(t *testing.T) {
	fd, srv, _ := newFD(t, FreshdeskOptions{AgentID: 77})
	id := fd.AddTicket(FDTicket{Subject: "s"})
	base := fmt.Sprintf("%s/api/v2/tickets/%d", srv.URL, id)
	resp, body := fdDo(t, "POST", base+"/notes", `{"body":"<p>Linked to <a href=\"x\">issue</a></p>"}`)
	if resp.StatusCode != 201 || !strings.Contains(body, `"private":true`) || !strings.Contains(body, `"body_text":"Linked to  issue"`) {
		t.Errorf("note: %d %s", resp.StatusCode, body)
	}
	resp, body = fdDo(t, "POST", base+"/reply", `{"body":"hi","private":true}`)
	if resp.StatusCode != 400 || !strings.Contains(body, `"field":"private","message":"Unexpected/invalid field in request"`) {
		t.Errorf("reply with private: %d %s", resp.StatusCode, body)
	}
	resp, _ = fdDo(t, "POST", base+"/reply", `{"body":"We are on it."}`)
	tk, _ := fd.Ticket(id)
	if resp.StatusCode != 201 || tk.Stats.FirstRespondedAt.IsZero() {
		t.Errorf("reply: %d, first_responded_at %v", resp.StatusCode, tk.Stats.FirstRespondedAt)
	}
	convs := fd.Conversations(id)
	if len(convs) != 2 || !convs[0].Private || convs[1].Private || convs[0].UserID != 77 {
		t.Errorf("conversations: %+v", convs)
	}
	for i := range 12 {
		fd.CustomerReply(id, fmt.Sprintf("message %d", i))
	}
	_, body = fdDo(t, "GET", base+"?include=conversations,stats,requester,company", "")
	var got struct {
		Conversations []any `json:"conversations"`
		Stats         map[string]any
	}
	json.Unmarshal([]byte(body), &got)
	if len(got.Conversations) != 10 || got.Stats["first_responded_at"] == nil {
		t.Errorf("include=conversations gives %d (cap 10), stats %v", len(got.Conversations), got.Stats)
	}
	resp, body = fdDo(t, "GET", base+"/conversations?per_page=5&page=3", "")
	var page []any
	json.Unmarshal([]byte(body), &page)
	if len(page) != 4 || resp.Header.Get("Link") != "" {
		t.Errorf("last conversations page: %d items, Link %q", len(page), resp.Header.Get("Link"))
	}
}

func TestFreshdeskSearchLagsAndCaps(t *testing.T) {
	fd, srv, clock := newFD(t, FreshdeskOptions{SearchLag: 2 * time.Minute})
	for i := range 320 {
		fd.AddTicket(FDTicket{Subject: fmt.Sprint(i), Tags: []string{"engineering"}, Priority: 1 + i%4})
	}
	q := func(query string, page int) (int, int, string) {
		resp, body := fdDo(t, "GET", fmt.Sprintf("%s/api/v2/search/tickets?query=%s&page=%d", srv.URL, urlQuery(query), page), "")
		var r struct {
			Total   int
			Results []any
		}
		json.Unmarshal([]byte(body), &r)
		return resp.StatusCode, r.Total, fmt.Sprint(len(r.Results))
	}
	if _, total, _ := q(`"tag:'engineering'"`, 1); total != 0 {
		t.Errorf("fresh tickets found before the index caught up: %d", total)
	}
	clock.Advance(3 * time.Minute)
	if code, total, n := q(`"tag:'engineering' AND (priority:4 OR priority:3)"`, 1); code != 200 || total != 160 || n != "30" {
		t.Errorf("search: %d total %d page %s", code, total, n)
	}
	if code, _, _ := q(`"tag:'engineering'"`, 11); code != 400 {
		t.Errorf("page 11: %d", code)
	}
	if code, _, _ := q(`tag:'engineering'`, 1); code != 400 {
		t.Errorf("unquoted query: %d", code)
	}
	if code, _, _ := q(`"`+strings.Repeat("tag:x OR ", 60)+`tag:x"`, 1); code != 400 {
		t.Errorf("query over 512 characters: %d", code)
	}
	// A change is invisible to search until the lag passes.
	fd.AgentUpdate(1, func(tk *FDTicket) { tk.Tags = []string{"billing"} })
	if _, total, _ := q(`"tag:'billing'"`, 1); total != 0 {
		t.Errorf("search saw a change before the lag: %d", total)
	}
	clock.Advance(3 * time.Minute)
	if _, total, _ := q(`"tag:'billing'"`, 1); total != 1 {
		t.Errorf("search missed a change after the lag: %d", total)
	}
}

func urlQuery(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "\"", "%22", "'", "%27", "(", "%28", ")", "%29", ":", "%3A").Replace(s)
}

func TestFreshdeskGroups(t *testing.T) {
	fd, srv, _ := newFD(t, FreshdeskOptions{})
	fd.AddGroup(FDGroup{ID: 5, Name: "Stewards", AgentIDs: []int64{1}})
	resp, body := fdDo(t, "PUT", srv.URL+"/api/v2/admin/groups/5", `{"agent_ids":[2,3]}`)
	g, _ := fd.Group(5)
	if resp.StatusCode != 200 || fmt.Sprint(g.AgentIDs) != "[2 3]" || !strings.Contains(body, `"agent_ids":[2,3]`) {
		t.Errorf("group update: %d %s", resp.StatusCode, body)
	}
	if resp, _ := fdDo(t, "GET", srv.URL+"/api/v2/admin/groups/6", ""); resp.StatusCode != 404 {
		t.Errorf("missing group: %d", resp.StatusCode)
	}
}
