package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// fdQuery is a parsed FreshDesk search query: field:value terms joined by
// AND and OR, with parentheses.
type fdQuery interface{ match(t *FDTicket) bool }

type fdAnd []fdQuery
type fdOr []fdQuery
type fdTerm struct {
	field string
	op    byte // ':', '>' or '<'
	value string
}

func (q fdAnd) match(t *FDTicket) bool {
	for _, x := range q {
		if !x.match(t) {
			return false
		}
	}
	return true
}

func (q fdOr) match(t *FDTicket) bool {
	for _, x := range q {
		if x.match(t) {
			return true
		}
	}
	return false
}

var fdSearchFields = []string{"agent_id", "company_id", "created_at", "due_by", "fr_due_by", "group_id", "priority", "status", "tag", "type", "updated_at"}

func (q fdTerm) match(t *FDTicket) bool {
	num := func(n int64) bool { v, err := strconv.ParseInt(q.value, 10, 64); return err == nil && v == n }
	date := func(at time.Time) bool {
		d, err := time.Parse(time.DateOnly, q.value)
		if err != nil {
			return false
		}
		switch q.op {
		case '>':
			return !at.Before(d)
		case '<':
			return at.Before(d.Add(24 * time.Hour))
		}
		return !at.Before(d) && at.Before(d.Add(24*time.Hour))
	}
	switch q.field {
	case "tag":
		return slices.ContainsFunc(t.Tags, func(s string) bool { return strings.EqualFold(s, q.value) })
	case "status":
		return num(int64(t.Status))
	case "priority":
		return num(int64(t.Priority))
	case "group_id":
		return num(t.GroupID)
	case "agent_id":
		return num(t.ResponderID)
	case "company_id":
		return num(t.CompanyID)
	case "type":
		return strings.EqualFold(t.Type, q.value)
	case "created_at":
		return date(t.CreatedAt)
	case "updated_at":
		return date(t.UpdatedAt)
	case "due_by":
		return date(t.DueBy)
	case "fr_due_by":
		return date(t.FrDueBy)
	}
	return false
}

type fdParser struct {
	s   string
	pos int
}

func parseFDQuery(s string) (fdQuery, error) {
	p := &fdParser{s: s}
	q, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.skip(); p.pos < len(p.s) {
		return nil, fmt.Errorf("unexpected %q at %d", p.s[p.pos:], p.pos)
	}
	return q, nil
}

func (p *fdParser) skip() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *fdParser) keyword(k string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.pos:], k+" ") || strings.HasPrefix(p.s[p.pos:], k+"(") {
		p.pos += len(k)
		return true
	}
	return false
}

func (p *fdParser) or() (fdQuery, error) {
	var q fdOr
	for {
		a, err := p.and()
		if err != nil {
			return nil, err
		}
		q = append(q, a)
		if !p.keyword("OR") {
			break
		}
	}
	if len(q) == 1 {
		return q[0], nil
	}
	return q, nil
}

func (p *fdParser) and() (fdQuery, error) {
	var q fdAnd
	for {
		a, err := p.atom()
		if err != nil {
			return nil, err
		}
		q = append(q, a)
		if !p.keyword("AND") {
			break
		}
	}
	if len(q) == 1 {
		return q[0], nil
	}
	return q, nil
}

func (p *fdParser) atom() (fdQuery, error) {
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == '(' {
		p.pos++
		q, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.skip(); p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return nil, fmt.Errorf("missing ')'")
		}
		p.pos++
		return q, nil
	}
	colon := strings.IndexByte(p.s[p.pos:], ':')
	if colon <= 0 {
		return nil, fmt.Errorf("expected field:value at %d", p.pos)
	}
	t := fdTerm{field: p.s[p.pos : p.pos+colon], op: ':'}
	if !slices.Contains(fdSearchFields, t.field) {
		return nil, fmt.Errorf("%q is not a searchable field", t.field)
	}
	p.pos += colon + 1
	if p.pos < len(p.s) && (p.s[p.pos] == '>' || p.s[p.pos] == '<') {
		t.op = p.s[p.pos]
		p.pos++
	}
	if p.pos < len(p.s) && p.s[p.pos] == '\'' {
		end := strings.IndexByte(p.s[p.pos+1:], '\'')
		if end < 0 {
			return nil, fmt.Errorf("unterminated quote")
		}
		t.value = p.s[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
	} else {
		start := p.pos
		for p.pos < len(p.s) && p.s[p.pos] != ' ' && p.s[p.pos] != ')' {
			p.pos++
		}
		t.value = p.s[start:p.pos]
	}
	return t, nil
}

// searchTickets is GET /search/tickets: 30 results a page, pages 1 to 10,
// over an index that trails writes by SearchLag.
func (f *Freshdesk) searchTickets(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("query")
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		fdInvalid(w, fdError{"query", "It should be a valid query enclosed in double quotes", "invalid_value"})
		return
	}
	if len(raw) > 512 {
		fdInvalid(w, fdError{"query", "It should not be more than 512 characters", "invalid_value"})
		return
	}
	q, err := parseFDQuery(raw[1 : len(raw)-1])
	if err != nil {
		fdInvalid(w, fdError{"query", err.Error(), "invalid_value"})
		return
	}
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10 {
			fdInvalid(w, fdError{"page", "It should be a Positive Number less than or equal to 10", "invalid_value"})
			return
		}
		page = n
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	horizon := f.clock.Now().Add(-f.opts.SearchLag)
	var hits []*FDTicket
	for id := range f.history {
		versions := f.history[id]
		i := len(versions) - 1
		for i >= 0 && versions[i].at.After(horizon) {
			i--
		}
		if i < 0 {
			continue // not indexed yet
		}
		t := &versions[i].t
		if !t.Spam && !t.Deleted && q.match(t) {
			hits = append(hits, t)
		}
	}
	slices.SortFunc(hits, func(a, b *FDTicket) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	lo := min((page-1)*30, len(hits))
	hi := min(lo+30, len(hits))
	results := make([]map[string]any, 0, hi-lo)
	for _, t := range hits[lo:hi] {
		results = append(results, f.ticketJSON(t, true, nil))
	}
	fdJSON(w, http.StatusOK, map[string]any{"results": results, "total": len(hits)})
}
