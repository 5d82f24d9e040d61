package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// The front door keeps what a stranger can make the server hold small.
// A delivery's body is read only when its headers could be genuine, only up
// to BodyLimit, and only once its bytes fit in InFlightBytes, the budget
// shared by every body being read or checked at once. So a flood of large
// unsigned bodies costs at most InFlightBytes of memory however many
// connections carry it, and a delivery that waited longer than BudgetWait
// for room is answered 503 (the one case where nothing else can be done:
// the flood owns the budget).

// signatureHeader reports whether sig can be a GitHub signature at all:
// "sha256=" and 64 hex digits. Anything else is refused before the body is
// read.
func signatureHeader(sig string) bool {
	h, ok := strings.CutPrefix(sig, "sha256=")
	if !ok || len(h) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}

// readBody reads a body of at most BodyLimit bytes, holding its size in the
// in-flight budget until release is called. It answers the request itself
// (413, 503, 400) when it returns a code other than 200.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (body []byte, release func(), code int) {
	limit := s.cfg.BodyLimit
	if r.ContentLength > limit {
		http.Error(w, "delivery too large", http.StatusRequestEntityTooLarge)
		return nil, nil, http.StatusRequestEntityTooLarge
	}
	// Reserve what the body announced, or the most it may be when it
	// announced nothing (chunked; GitHub always announces it).
	reserve := limit
	if r.ContentLength >= 0 {
		reserve = r.ContentLength
	}
	if s.large(reserve) {
		reserve = limit // a reused buffer of the largest size is charged in full
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.BudgetWait)
	err := s.inflight.Acquire(ctx, reserve)
	cancel()
	if err != nil {
		s.m.budgetRefused.Inc()
		http.Error(w, "too many deliveries are being received at once: try again shortly", http.StatusServiceUnavailable)
		return nil, nil, http.StatusServiceUnavailable
	}
	mem := s.buffer(reserve)
	release = func() {
		s.recycle(mem)
		s.inflight.Release(reserve)
	}
	// A body that trickles in holds its reservation: it gets BodyTimeout to
	// arrive in full. (Not every ResponseWriter supports deadlines; the
	// server's ReadTimeout then bounds it.)
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout))
	buf := bytes.NewBuffer(mem)
	_, err = buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		release()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "delivery too large", http.StatusRequestEntityTooLarge)
			return nil, nil, http.StatusRequestEntityTooLarge
		}
		http.Error(w, "could not read the delivery", http.StatusBadRequest)
		return nil, nil, http.StatusBadRequest
	}
	return buf.Bytes(), release, http.StatusOK
}

// large reports whether a body of n bytes gets a reused buffer: from half
// the limit up.
func (s *Server) large(n int64) bool { return n >= s.cfg.BodyLimit/2 }

// buffer returns an empty buffer with room for n bytes and the MinRead more
// that bytes.Buffer.ReadFrom asks for before it sees the end (without it,
// the buffer would double). Large ones are reused: a flood of large bodies
// then costs the same few buffers over and over, not garbage for the
// collector to catch up with.
func (s *Server) buffer(n int64) []byte {
	if !s.large(n) {
		return make([]byte, 0, n+bytes.MinRead)
	}
	select {
	case b := <-s.buffers:
		return b[:0]
	default:
		return make([]byte, 0, s.cfg.BodyLimit+bytes.MinRead)
	}
}

// recycle keeps a large buffer for the next body, as many as the in-flight
// budget can use at once.
func (s *Server) recycle(b []byte) {
	if int64(cap(b)) != s.cfg.BodyLimit+bytes.MinRead {
		return
	}
	select {
	case s.buffers <- b:
	default:
	}
}

// ValidSignature reports whether sig is "sha256=" and the hex HMAC-SHA256
// of body under secret, compared in constant time. SHA-1 signatures are
// not accepted.
func ValidSignature(secret, body []byte, sig string) bool {
	hexSig, ok := strings.CutPrefix(sig, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

func (s *Server) answer(w http.ResponseWriter, source, event string, code int, msg string) {
	s.count(source, event, code)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}
