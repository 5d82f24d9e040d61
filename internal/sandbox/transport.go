package sandbox

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
)

// Transport serves requests with an emulator in the same process, without
// a socket: `steward demo` runs with no network at all.
type Transport struct{ Handler http.Handler }

// RoundTrip implements http.RoundTripper. A dropped connection (an
// injected fault) is an error, as it would be over a socket.
func (t Transport) RoundTrip(r *http.Request) (resp *http.Response, err error) {
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			resp, err = nil, errors.New("sandbox: connection dropped")
		}
	}()
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body.Close()
		body = b
	}
	in := r.Clone(r.Context())
	in.Body = io.NopCloser(bytes.NewReader(body))
	in.RequestURI = r.URL.RequestURI()
	if in.Host == "" {
		in.Host = r.URL.Host
	}
	rec := httptest.NewRecorder()
	t.Handler.ServeHTTP(rec, in)
	resp = rec.Result()
	resp.Request = r
	return resp, nil
}
