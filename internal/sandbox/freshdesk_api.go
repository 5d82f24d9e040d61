package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (f *Freshdesk) routes(mux *http.ServeMux) {
	h := func(credits func(*http.Request) int, list bool, fn func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !f.authorized(r) {
				fdJSON(w, http.StatusUnauthorized, map[string]string{
					"code": "invalid_credentials", "message": "You have to be logged in to perform this action."})
				return
			}
			if !f.admit(w, credits(r), list) {
				return
			}
			fn(w, r)
		}
	}
	one := func(*http.Request) int { return 1 }
	mux.Handle("GET /api/v2/tickets", h(includeCredits(2), true, f.listTickets))
	mux.Handle("GET /api/v2/tickets/{id}", h(includeCredits(1), false, f.getTicket))
	mux.Handle("PUT /api/v2/tickets/{id}", h(one, false, f.updateTicket))
	mux.Handle("GET /api/v2/tickets/{id}/conversations", h(one, false, f.listConversations))
	mux.Handle("POST /api/v2/tickets/{id}/notes", h(one, false, f.addNote))
	mux.Handle("POST /api/v2/tickets/{id}/reply", h(one, false, f.addReply))
	mux.Handle("GET /api/v2/search/tickets", h(one, false, f.searchTickets))
	mux.Handle("GET /api/v2/ticket_fields", h(one, false, f.ticketFields))
	mux.Handle("GET /api/v2/companies/{id}", h(one, false, f.getCompany))
	mux.Handle("GET /api/v2/admin/groups/{id}", h(one, false, f.getGroup))
	mux.Handle("PUT /api/v2/admin/groups/{id}", h(one, false, f.updateGroup))
	// Anything else under the API is FreshDesk's 404.
	mux.Handle("/", h(one, false, func(w http.ResponseWriter, r *http.Request) { fdNotFound(w) }))
}

// includeCredits is a request's cost when each include costs each more
// credits: 2 on List All Tickets, 1 on View a Ticket (FreshDesk API v2
// reference, the include parameter of each).
func includeCredits(each int) func(*http.Request) int {
	return func(r *http.Request) int {
		inc := r.URL.Query().Get("include")
		if inc == "" {
			return 1
		}
		return 1 + each*len(strings.Split(inc, ","))
	}
}

func (f *Freshdesk) authorized(r *http.Request) bool {
	user, _, ok := r.BasicAuth()
	return ok && f.opts.APIKey != "" && user == f.opts.APIKey
}

// admit charges credits against the budget of the window (a minute, an
// hour with PerHour) and a listing against the per-minute listing
// sub-limit, writing the X-RateLimit headers, or answers 429 with
// Retry-After. A refused request costs nothing.
func (f *Freshdesk) admit(w http.ResponseWriter, credits int, list bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	window, per := time.Minute, "minute"
	if f.opts.PerHour {
		window, per = time.Hour, "hour"
	}
	if now.Sub(f.window) >= window || now.Before(f.window) {
		f.window = now.Truncate(window)
		f.used = 0
	}
	if now.Sub(f.listWindow) >= time.Minute || now.Before(f.listWindow) {
		f.listWindow = now.Truncate(time.Minute)
		f.listed = 0
	}
	w.Header().Set("X-RateLimit-Total", strconv.Itoa(f.opts.RateLimit))
	var reset time.Time
	if f.used+credits > f.opts.RateLimit {
		reset = f.window.Add(window)
	} else if list && f.listed+1 > f.opts.ListLimit {
		reset, per = f.listWindow.Add(time.Minute), "minute"
	}
	if !reset.IsZero() {
		retry := max(1, int(reset.Sub(now).Seconds()+0.999))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(0, f.opts.RateLimit-f.used)))
		w.Header().Set("X-RateLimit-Used-CurrentRequest", "0")
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		fdJSON(w, http.StatusTooManyRequests, map[string]string{
			"message": fmt.Sprintf("You have exceeded the limit of requests per %s. Try again in %d seconds.", per, retry)})
		return false
	}
	f.used += credits
	f.credits += credits
	if list {
		f.listed++
	}
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(f.opts.RateLimit-f.used))
	w.Header().Set("X-RateLimit-Used-CurrentRequest", strconv.Itoa(credits))
	return true
}

func fdJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fdNotFound(w http.ResponseWriter) {
	fdJSON(w, http.StatusNotFound, map[string]string{"description": "Resource not found"})
}

func fdFaultBody(kind FaultKind, status int) []byte {
	if status == 429 {
		return []byte(`{"message":"You have exceeded the limit of requests per minute."}`)
	}
	return []byte(fmt.Sprintf(`{"description":%q}`, http.StatusText(status)))
}

// fdError is one entry of FreshDesk's validation error list.
type fdError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

func fdInvalid(w http.ResponseWriter, errs ...fdError) {
	fdJSON(w, http.StatusBadRequest, map[string]any{"description": "Validation failed", "errors": errs})
}

func fdTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func fdID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ticketJSON renders t as FreshDesk does; f.mu is held.
func (f *Freshdesk) ticketJSON(t *FDTicket, description bool, includes []string) map[string]any {
	cf := t.CustomFields
	if cf == nil {
		cf = map[string]any{}
	}
	var typ any
	if t.Type != "" {
		typ = t.Type
	}
	m := map[string]any{
		"id": t.ID, "subject": t.Subject, "status": t.Status, "priority": t.Priority, "source": t.Source,
		"type": typ, "tags": t.Tags, "custom_fields": cf, "requester_id": t.RequesterID,
		"responder_id": fdID(t.ResponderID), "group_id": fdID(t.GroupID), "company_id": fdID(t.CompanyID),
		"created_at": fdTime(t.CreatedAt), "updated_at": fdTime(t.UpdatedAt), "due_by": fdTime(t.DueBy),
		"fr_due_by": fdTime(t.FrDueBy), "fr_escalated": t.FrEscalated, "is_escalated": t.IsEscalated,
		"spam": t.Spam, "cc_emails": []string{}, "fwd_emails": []string{}, "reply_cc_emails": []string{},
	}
	if description {
		m["description"] = t.Description
		m["description_text"] = bodyText(t.Description)
	}
	for _, inc := range includes {
		switch inc {
		case "requester":
			if c, ok := f.contacts[t.RequesterID]; ok {
				m["requester"] = map[string]any{"id": c.ID, "name": c.Name, "email": c.Email, "mobile": c.Mobile, "phone": c.Phone}
			} else {
				m["requester"] = map[string]any{"id": t.RequesterID, "name": "", "email": nil, "mobile": nil, "phone": nil}
			}
		case "company":
			if c, ok := f.companies[t.CompanyID]; ok {
				m["company"] = map[string]any{"id": c.ID, "name": c.Name}
			} else {
				m["company"] = map[string]any{}
			}
		case "stats":
			s := t.Stats
			m["stats"] = map[string]any{
				"first_responded_at": fdTime(s.FirstRespondedAt), "agent_responded_at": fdTime(s.AgentRespondedAt),
				"requester_responded_at": fdTime(s.RequesterRespondedAt), "resolved_at": fdTime(s.ResolvedAt),
				"closed_at": fdTime(s.ClosedAt), "pending_since": fdTime(s.PendingSince),
				"reopened_at": fdTime(s.ReopenedAt), "status_updated_at": fdTime(s.StatusUpdatedAt),
			}
		case "conversations":
			convs := []map[string]any{}
			for _, id := range t.conversationIDs {
				if len(convs) == 10 {
					break
				}
				convs = append(convs, conversationJSON(f.conversations[id]))
			}
			m["conversations"] = convs
		case "description":
			m["description"] = t.Description
			m["description_text"] = bodyText(t.Description)
		}
	}
	return m
}

func conversationJSON(c *FDConversation) map[string]any {
	return map[string]any{
		"id": c.ID, "ticket_id": c.TicketID, "body": c.Body, "body_text": bodyText(c.Body),
		"incoming": c.Incoming, "private": c.Private, "user_id": c.UserID, "source": c.Source,
		"created_at": fdTime(c.CreatedAt), "updated_at": fdTime(c.UpdatedAt),
		"to_emails": []string{}, "cc_emails": []string{}, "bcc_emails": []string{}, "attachments": []any{},
	}
}

// includes parses and checks the include parameter against allowed values.
func includes(w http.ResponseWriter, r *http.Request, allowed ...string) ([]string, bool) {
	v := r.URL.Query().Get("include")
	if v == "" {
		return nil, true
	}
	parts := strings.Split(v, ",")
	for _, p := range parts {
		if !slices.Contains(allowed, p) {
			fdInvalid(w, fdError{"include", "It should be one/more of these values: '" + strings.Join(allowed, ",") + "'", "invalid_value"})
			return nil, false
		}
	}
	return parts, true
}

// paging reads per_page and page, answering 400 as FreshDesk does.
func paging(w http.ResponseWriter, q url.Values, maxPage int) (perPage, page int, ok bool) {
	perPage, page = 30, 1
	var errs []fdError
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			errs = append(errs, fdError{"per_page", "It should be a Positive Number", "invalid_value"})
		case n > 100:
			errs = append(errs, fdError{"per_page", "It should be a Positive Number less than or equal to 100", "invalid_value"})
		default:
			perPage = n
		}
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			errs = append(errs, fdError{"page", "It should be a Positive Number", "invalid_value"})
		case maxPage > 0 && n > maxPage:
			errs = append(errs, fdError{"page", fmt.Sprintf("It should be a Positive Number less than or equal to %d", maxPage), "invalid_value"})
		default:
			page = n
		}
	}
	if len(errs) > 0 {
		fdInvalid(w, errs...)
		return 0, 0, false
	}
	return perPage, page, true
}

// linkNext sets the Link header to the next page when there is one.
func linkNext(w http.ResponseWriter, r *http.Request, page int, more bool) {
	if !more {
		return
	}
	u := *r.URL
	q := u.Query()
	q.Set("page", strconv.Itoa(page+1))
	u.RawQuery = q.Encode()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	w.Header().Set("Link", fmt.Sprintf(`<%s://%s%s>; rel="next"`, scheme, r.Host, u.RequestURI()))
}

func (f *Freshdesk) listTickets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	inc, ok := includes(w, r, "requester", "stats", "description")
	if !ok {
		return
	}
	perPage, page, ok := paging(w, q, 300)
	if !ok {
		return
	}
	var errs []fdError
	orderBy := cmp.Or(q.Get("order_by"), "created_at")
	if !slices.Contains([]string{"created_at", "due_by", "updated_at", "status"}, orderBy) {
		errs = append(errs, fdError{"order_by", "It should be one of these values: 'created_at,due_by,updated_at,status'", "invalid_value"})
	}
	orderType := cmp.Or(q.Get("order_type"), "desc")
	if orderType != "asc" && orderType != "desc" {
		errs = append(errs, fdError{"order_type", "It should be one of these values: 'asc,desc'", "invalid_value"})
	}
	var since time.Time
	if v := q.Get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, fdError{"updated_since", "It should be in the 'valid date time' format", "invalid_date"})
		}
		since = t
	}
	if len(errs) > 0 {
		fdInvalid(w, errs...)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	cutoff := f.clock.Now().Add(-30 * 24 * time.Hour)
	var list []*FDTicket
	for _, t := range f.tickets {
		if t.Spam || t.Deleted {
			continue
		}
		if since.IsZero() && t.CreatedAt.Before(cutoff) {
			continue // without updated_since, only the last 30 days
		}
		if !since.IsZero() && t.UpdatedAt.Before(since) {
			continue
		}
		list = append(list, t)
	}
	key := func(t *FDTicket) int64 {
		switch orderBy {
		case "due_by":
			return t.DueBy.UnixNano()
		case "updated_at":
			return t.UpdatedAt.UnixNano()
		case "status":
			return int64(t.Status)
		}
		return t.CreatedAt.UnixNano()
	}
	slices.SortFunc(list, func(a, b *FDTicket) int {
		c := cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a.ID, b.ID))
		if orderType == "desc" {
			return -c
		}
		return c
	})
	lo := min((page-1)*perPage, len(list))
	hi := min(lo+perPage, len(list))
	out := make([]map[string]any, 0, hi-lo)
	for _, t := range list[lo:hi] {
		out = append(out, f.ticketJSON(t, false, inc))
	}
	linkNext(w, r, page, hi < len(list) && page < 300)
	fdJSON(w, http.StatusOK, out)
}

// ticket finds the ticket named by the path, or answers 404; f.mu is held.
func (f *Freshdesk) ticket(w http.ResponseWriter, r *http.Request) *FDTicket {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	t, ok := f.tickets[id]
	if err != nil || !ok || t.Deleted {
		fdNotFound(w)
		return nil
	}
	return t
}

func (f *Freshdesk) getTicket(w http.ResponseWriter, r *http.Request) {
	inc, ok := includes(w, r, "conversations", "requester", "company", "stats")
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if t := f.ticket(w, r); t != nil {
		fdJSON(w, http.StatusOK, f.ticketJSON(t, true, inc))
	}
}

// statuses returns the account's status ids and names; f.mu is held.
func (f *Freshdesk) statuses() map[int]string {
	s := map[int]string{StatusOpen: "Open", StatusPending: "Pending", StatusResolved: "Resolved", StatusClosed: "Closed"}
	for id, name := range f.extraStatuses {
		s[id] = name
	}
	return s
}

// customerStatus is what the customer portal calls FreshDesk's own
// statuses; an account's statuses show their own name.
var customerStatus = map[int]string{StatusOpen: "Being Processed", StatusPending: "Awaiting your Reply",
	StatusResolved: "This ticket has been Resolved", StatusClosed: "This ticket has been Closed"}

func (f *Freshdesk) updateTicket(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		fdJSON(w, http.StatusBadRequest, map[string]any{"description": "Validation failed",
			"errors": []fdError{{"", "Request body has invalid json format", "invalid_json"}}})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.ticket(w, r)
	if t == nil {
		return
	}
	next := *t
	next.Tags = slices.Clone(t.Tags)
	var errs []fdError
	str := func(k string, raw json.RawMessage, dst *string, allowBlank bool) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			errs = append(errs, fdError{k, "Value set is of type " + jsonType(raw) + ".It should be a/an String", "datatype_mismatch"})
			return
		}
		if !allowBlank && strings.TrimSpace(s) == "" {
			errs = append(errs, fdError{k, "It should not be blank as this is a mandatory field", "missing_field"})
			return
		}
		*dst = s
	}
	num := func(k string, raw json.RawMessage, dst *int64) bool {
		var n int64
		if json.Unmarshal(raw, &n) != nil {
			errs = append(errs, fdError{k, "Value set is of type " + jsonType(raw) + ".It should be a/an Positive Integer", "datatype_mismatch"})
			return false
		}
		*dst = n
		return true
	}
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		raw := body[k]
		switch k {
		case "subject":
			str(k, raw, &next.Subject, false)
		case "description":
			str(k, raw, &next.Description, false)
		case "type":
			str(k, raw, &next.Type, true)
		case "status":
			var n int64
			if num(k, raw, &n) {
				if _, ok := f.statuses()[int(n)]; !ok {
					ids := make([]string, 0)
					for id := range f.statuses() {
						ids = append(ids, strconv.Itoa(id))
					}
					slices.Sort(ids)
					errs = append(errs, fdError{k, "It should be one of these values: '" + strings.Join(ids, ",") + "'", "invalid_value"})
				}
				next.Status = int(n)
			}
		case "priority":
			var n int64
			if num(k, raw, &n) {
				if n < 1 || n > 4 {
					errs = append(errs, fdError{k, "It should be one of these values: '1,2,3,4'", "invalid_value"})
				}
				next.Priority = int(n)
			}
		case "responder_id":
			num(k, raw, &next.ResponderID)
		case "group_id":
			num(k, raw, &next.GroupID)
		case "tags":
			var tags []string
			if json.Unmarshal(raw, &tags) != nil {
				errs = append(errs, fdError{k, "It should be an Array of Strings", "datatype_mismatch"})
			}
			next.Tags = tags
		case "custom_fields":
			var cf map[string]any
			if json.Unmarshal(raw, &cf) != nil {
				errs = append(errs, fdError{k, "It should be a key/value pair", "datatype_mismatch"})
			}
			next.CustomFields = mergeFields(t.CustomFields, cf)
		default:
			errs = append(errs, fdError{k, "Unexpected/invalid field in request", "invalid_field"})
		}
	}
	if len(errs) == 0 && next.Status != t.Status && (next.Status == StatusResolved || next.Status == StatusClosed) {
		for _, fd := range f.fields {
			if v, ok := next.CustomFields[fd.Name]; fd.RequiredForClosure && (!ok || v == nil || v == "") {
				errs = append(errs, fdError{fd.Name, "It should not be blank as this is a mandatory field", "missing_field"})
			}
		}
	}
	if len(errs) > 0 {
		fdInvalid(w, errs...)
		return
	}
	now := f.clock.Now().UTC()
	if next.Status != t.Status {
		f.statusChanged(&next, t.Status, now)
	}
	next.UpdatedAt = now
	*t = next
	f.snapshot(t)
	fdJSON(w, http.StatusOK, f.ticketJSON(t, true, nil))
}

func mergeFields(old, change map[string]any) map[string]any {
	out := make(map[string]any, len(old)+len(change))
	for k, v := range old {
		out[k] = v
	}
	for k, v := range change {
		out[k] = v
	}
	return out
}

func jsonType(raw json.RawMessage) string {
	var v any
	json.Unmarshal(raw, &v)
	switch v.(type) {
	case string:
		return "String"
	case float64:
		return "Integer"
	case bool:
		return "Boolean"
	case nil:
		return "Null"
	case []any:
		return "Array"
	}
	return "key/value pair"
}

func (f *Freshdesk) listConversations(w http.ResponseWriter, r *http.Request) {
	perPage, page, ok := paging(w, r.URL.Query(), 0)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.ticket(w, r)
	if t == nil {
		return
	}
	lo := min((page-1)*perPage, len(t.conversationIDs))
	hi := min(lo+perPage, len(t.conversationIDs))
	out := make([]map[string]any, 0, hi-lo)
	for _, id := range t.conversationIDs[lo:hi] {
		out = append(out, conversationJSON(f.conversations[id]))
	}
	linkNext(w, r, page, hi < len(t.conversationIDs))
	fdJSON(w, http.StatusOK, out)
}

// conversationBody decodes a note or reply body, allowing only the keys given.
func conversationBody(w http.ResponseWriter, r *http.Request, allowed ...string) (map[string]json.RawMessage, string, bool) {
	var body map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		fdJSON(w, http.StatusBadRequest, map[string]any{"description": "Validation failed",
			"errors": []fdError{{"", "Request body has invalid json format", "invalid_json"}}})
		return nil, "", false
	}
	var errs []fdError
	for k := range body {
		if !slices.Contains(allowed, k) {
			errs = append(errs, fdError{k, "Unexpected/invalid field in request", "invalid_field"})
		}
	}
	var text string
	if raw, ok := body["body"]; !ok || json.Unmarshal(raw, &text) != nil || strings.TrimSpace(text) == "" {
		errs = append(errs, fdError{"body", "It should not be blank as this is a mandatory field", "missing_field"})
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b fdError) int { return strings.Compare(a.Field, b.Field) })
		fdInvalid(w, errs...)
		return nil, "", false
	}
	return body, text, true
}

func (f *Freshdesk) addNote(w http.ResponseWriter, r *http.Request) {
	body, text, ok := conversationBody(w, r, "body", "private", "incoming", "user_id", "notify_emails")
	if !ok {
		return
	}
	private := true
	if raw, ok := body["private"]; ok {
		json.Unmarshal(raw, &private)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.ticket(w, r)
	if t == nil {
		return
	}
	c := f.addConversation(t, FDConversation{Body: text, Private: private, UserID: f.opts.AgentID, Source: 2})
	t.UpdatedAt = c.CreatedAt
	f.snapshot(t)
	fdJSON(w, http.StatusCreated, conversationJSON(c))
}

func (f *Freshdesk) addReply(w http.ResponseWriter, r *http.Request) {
	_, text, ok := conversationBody(w, r, "body", "from_email", "user_id", "cc_emails", "bcc_emails")
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.ticket(w, r)
	if t == nil {
		return
	}
	c := f.addConversation(t, FDConversation{Body: text, UserID: f.opts.AgentID, Source: 0})
	if t.Stats.FirstRespondedAt.IsZero() {
		t.Stats.FirstRespondedAt = c.CreatedAt
	}
	t.Stats.AgentRespondedAt = c.CreatedAt
	t.UpdatedAt = c.CreatedAt
	f.snapshot(t)
	fdJSON(w, http.StatusCreated, conversationJSON(c))
}

// ticketFields is GET /ticket_fields: the status field (its choices map
// each status id to its agent and customer labels, the account's own
// statuses included), priority, and the custom fields; ?type= keeps the
// fields of one type (default_status for the statuses alone).
func (f *Freshdesk) ticketFields(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	choices := map[string][]string{}
	for id, name := range f.statuses() {
		choices[strconv.Itoa(id)] = []string{name, cmp.Or(customerStatus[id], name)}
	}
	all := []map[string]any{
		{"id": 1, "name": "status", "label": "Status", "type": "default_status", "default": true, "required_for_closure": false, "choices": choices},
		{"id": 2, "name": "priority", "label": "Priority", "type": "default_priority", "default": true, "required_for_closure": false,
			"choices": map[string]int{"Low": 1, "Medium": 2, "High": 3, "Urgent": 4}},
	}
	for i, fd := range f.fields {
		all = append(all, map[string]any{"id": 100 + i, "name": fd.Name, "label": fd.Label, "type": fd.Type,
			"default": false, "required_for_closure": fd.RequiredForClosure, "choices": fd.Choices})
	}
	out := make([]map[string]any, 0, len(all))
	for _, fd := range all {
		if typ := r.URL.Query().Get("type"); typ == "" || fd["type"] == typ {
			out = append(out, fd)
		}
	}
	fdJSON(w, http.StatusOK, out)
}

func (f *Freshdesk) getCompany(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	c, ok := f.companies[id]
	if err != nil || !ok {
		fdNotFound(w)
		return
	}
	fdJSON(w, http.StatusOK, map[string]any{"id": c.ID, "name": c.Name, "description": nil, "domains": []string{},
		"created_at": fdTime(f.clock.Now()), "updated_at": fdTime(f.clock.Now()), "custom_fields": map[string]any{}})
}

func (f *Freshdesk) group(w http.ResponseWriter, r *http.Request) *FDGroup {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	g, ok := f.groups[id]
	if err != nil || !ok {
		fdNotFound(w)
		return nil
	}
	return g
}

func groupJSON(g *FDGroup) map[string]any {
	ids := g.AgentIDs
	if ids == nil {
		ids = []int64{}
	}
	return map[string]any{"id": g.ID, "name": g.Name, "agent_ids": ids}
}

func (f *Freshdesk) getGroup(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g := f.group(w, r); g != nil {
		fdJSON(w, http.StatusOK, groupJSON(g))
	}
}

func (f *Freshdesk) updateGroup(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name     *string  `json:"name"`
		AgentIDs *[]int64 `json:"agent_ids"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		fdInvalid(w, fdError{"", err.Error(), "invalid_field"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.group(w, r)
	if g == nil {
		return
	}
	if body.Name != nil {
		g.Name = *body.Name
	}
	if body.AgentIDs != nil {
		g.AgentIDs = slices.Clone(*body.AgentIDs)
	}
	fdJSON(w, http.StatusOK, groupJSON(g))
}
