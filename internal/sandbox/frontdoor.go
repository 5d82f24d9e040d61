package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"
)

// maxBody bounds what an emulator reads of a request body.
const maxBody = 25 << 20

// frontDoor is what every emulator request passes through: routing,
// accounting, fault injection and latency, in one place.
type frontDoor struct {
	mux    *http.ServeMux
	ledger *Ledger
	faults *Faults
	clock  Clock
	// faultBody renders an injected error in the service's own shape.
	faultBody func(kind FaultKind, status int) []byte
}

func (f *frontDoor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	_, route := f.mux.Handler(r)
	if route == "" {
		route = "unrouted"
	}
	entry := Request{
		Method: r.Method, Route: route, Path: r.URL.Path, Body: body,
		Conditional: r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "",
	}
	d := f.faults.decide(route)
	if d.latency > 0 {
		time.Sleep(d.latency) // real time: latency is what a load test measures
	}
	if d.kind != "" && !d.afterEffect {
		entry.Fault = string(d.kind)
		f.failRecorded(w, d, entry)
		return
	}
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, r)
	if d.kind != "" {
		// The request took effect; its answer is lost.
		entry.Fault = string(d.kind) + "-after-effect"
		f.failRecorded(w, d, entry)
		return
	}
	// Recorded before the answer goes out: a client that has its answer
	// finds its request in the ledger.
	entry.Status = rec.Code
	f.ledger.record(entry)
	if f.clock != nil {
		// The service's own time, as every answer carries it (the net/http
		// server would otherwise stamp the wall clock's).
		w.Header().Set("Date", f.clock.Now().UTC().Format(http.TimeFormat))
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// failRecorded records an injected fault, then answers with it (or drops
// the connection).
func (f *frontDoor) failRecorded(w http.ResponseWriter, d decision, entry Request) {
	if d.kind == Drop {
		entry.Status = 0
		f.ledger.record(entry)
		panic(http.ErrAbortHandler)
	}
	entry.Status = d.status
	f.ledger.record(entry)
	f.fail(w, d)
}

// fail writes an injected fault's answer.
func (f *frontDoor) fail(w http.ResponseWriter, d decision) {
	if d.status == 429 || d.status == 403 {
		w.Header().Set("Retry-After", strconv.Itoa(int(d.retryAfter/time.Second)))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(d.status)
	if f.faultBody != nil {
		w.Write(f.faultBody(d.kind, d.status))
	} else {
		fmt.Fprintf(w, `{"message":%q}`, http.StatusText(d.status))
	}
}
