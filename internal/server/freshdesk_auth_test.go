package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Issue #25, fact 8: FreshDesk's "Trigger webhook" signs nothing; what it
// can carry is Basic auth, custom headers or a token in the URL. Besides
// the X-Steward-Token header, /webhooks/freshdesk takes Basic auth with the
// token as the password, whatever the user name; anything else is a 401,
// answered before the body is read.
func TestFreshdeskDeliveriesMayUseBasicAuth(t *testing.T) {
	s, _ := newServer(t, nullBackend{}, nil)
	h := s.Handler()
	for _, tc := range []struct {
		name   string
		header string // X-Steward-Token, when not empty
		basic  bool
		user   string
		pass   string
		code   int
	}{
		{name: "the header", header: fdToken, code: 202},
		{name: "Basic auth, the token as the password", basic: true, user: "freshdesk", pass: fdToken, code: 202},
		{name: "Basic auth, any user name", basic: true, user: "", pass: fdToken, code: 202},
		{name: "Basic auth with a wrong password", basic: true, user: "freshdesk", pass: "wrong", code: 401},
		{name: "Basic auth with the token as the user name", basic: true, user: fdToken, pass: "X", code: 401},
		{name: "Basic auth with the token's prefix", basic: true, user: "freshdesk", pass: fdToken[:len(fdToken)-1], code: 401},
		{name: "Basic auth with the token and more", basic: true, user: "freshdesk", pass: fdToken + "x", code: 401},
		{name: "a wrong header and no Basic auth", header: "wrong", code: 401},
		{name: "a wrong header, the right Basic auth", header: "wrong", basic: true, pass: fdToken, code: 202},
		{name: "nothing", code: 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var read atomic.Int64
			body := `{"ticket_id":42}`
			var req *http.Request
			if tc.code == 401 {
				// A refused delivery's body is not read.
				req = httptest.NewRequest("POST", "/webhooks/freshdesk", &countingBody{n: 5_000_000, read: &read})
			} else {
				req = httptest.NewRequest("POST", "/webhooks/freshdesk", strings.NewReader(body))
			}
			if tc.header != "" {
				req.Header.Set(FreshdeskHeader, tc.header)
			}
			if tc.basic {
				req.SetBasicAuth(tc.user, tc.pass)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.code || read.Load() != 0 {
				t.Errorf("answered %d after reading %d bytes of a refused body; want %d: %s", rec.Code, read.Load(), tc.code, rec.Body)
			}
			if tc.code == 401 && !strings.Contains(rec.Body.String(), "Basic auth") {
				t.Errorf("a 401 that does not say what is accepted: %s", rec.Body)
			}
		})
	}
}

// The comparison is over digests of equal length: a token of any length,
// right or wrong, is compared the same way, and a right one in either place
// is enough.
func TestFreshdeskAuthorized(t *testing.T) {
	for _, tc := range []struct {
		header, pass string
		basic        bool
		want         bool
	}{
		{"s3cret", "", false, true},
		{"", "s3cret", true, true},
		{"s3cret", "wrong", true, true},
		{"", "", true, false},
		{"", "", false, false},
		{"s3cre", "s3cret0", true, false},
		{strings.Repeat("s", 10_000), "", false, false},
	} {
		r := httptest.NewRequest("POST", "/webhooks/freshdesk", nil)
		if tc.header != "" {
			r.Header.Set(FreshdeskHeader, tc.header)
		}
		if tc.basic {
			r.SetBasicAuth("any", tc.pass)
		}
		if got := freshdeskAuthorized(r, "s3cret"); got != tc.want {
			t.Errorf("header %.10q, Basic %v password %q: %v, want %v", tc.header, tc.basic, tc.pass, got, tc.want)
		}
	}
}
