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

	"golang.org/x/sync/semaphore"
)

// The front door keeps what a stranger can make the server hold small.
// A delivery's body is read only when its headers could be genuine, only up
// to BodyLimit, and only as far as the in-flight budget (InFlightBytes,
// shared by every body being read or checked at once) has room for it. So
// a flood of large unsigned bodies costs at most InFlightBytes of memory
// however many connections carry it, and a delivery that waited longer
// than BudgetWait in all for room is answered 503 (the one case where
// nothing else can be done: the flood owns the budget).
//
// A body is charged as it arrives, not as it announces itself (issue #24,
// item 5): a header that merely looks like a signature costs nothing to
// send, and a body that trickles in a byte a second must not hold 5 MiB for
// the ten seconds it is given. So a body first holds at most probationBytes,
// from a small pool of its own (a sixteenth of the budget: 128 bodies that
// send nothing fill it, and deliveries smaller than that step need nothing
// else); each time it has filled the room it holds, it gets growth times as
// much from the rest of the budget, up to what it announced. Beyond its
// first step a body thus holds at most four times what it has sent (five at
// the step to a reused buffer of the largest size, which is charged in
// full).
//
// No body holds part of the budget while waiting forever for more: the
// first step is all or nothing; a later step that does not complete the
// body is taken only while it leaves room for a whole body beside it, and
// otherwise the body waits for all it may be at once. So once the bodies
// that hold all they may be are done (they need nothing more, and end
// within BodyTimeout), the rest has room for the next whole body.

// probationBytes is the most a body holds before it has sent that much.
// Most deliveries fit (the recorded issues deliveries are 2 to 19 KB; a
// pull request's, 21 to 26 KB, takes one more step).
const probationBytes = 16 << 10

// growth is how many times the room it filled a body gets next.
const growth = 4

// budgets splits InFlightBytes into the pool for bodies' first steps and
// the rest, for their later ones (and for Slack's commands). The rest
// always admits a body of BodyLimit beside its first step, so a budget of
// BodyLimit exactly leaves one body in its first step at a time.
func budgets(inflight, limit int64) (rest, probation *semaphore.Weighted) {
	_, pool := probationSize(inflight, limit)
	return semaphore.NewWeighted(inflight - pool), semaphore.NewWeighted(pool)
}

// probationSize is the first step a body may hold, and the pool of those:
// a sixteenth of inflight, at least one step, and at most what leaves a
// body of limit room in the rest.
func probationSize(inflight, limit int64) (step, pool int64) {
	step = min(probationBytes, limit)
	pool = min(max(inflight/16, step), inflight-limit+step)
	return step, pool
}

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

// admission is one body's hold on the budget: what it has of each pool
// and how much of BudgetWait it has left to wait for more.
type admission struct {
	s               *Server
	probation, rest int64
	wait            time.Duration
	mem             []byte // a reused buffer, given back on release
}

// take waits for n bytes of pool, at most for what is left of BudgetWait.
func (a *admission) take(ctx context.Context, pool *semaphore.Weighted, n int64) bool {
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(ctx, a.wait)
	err := pool.Acquire(ctx, n)
	cancel()
	a.wait -= time.Since(t0)
	return err == nil
}

// grow takes room for a buffer of n bytes, for a body that may be size:
// n itself while that leaves room for a whole body beside it (or n
// completes the body), else all the body may be. It says how much room
// the body has then.
func (a *admission) grow(ctx context.Context, n, size int64) (int64, bool) {
	s, limit := a.s, a.s.cfg.BodyLimit
	if s.large(size) && s.large(n) {
		n = limit // a reused buffer of the largest size is charged in full
	}
	held := a.probation + a.rest
	if n < size && n < limit {
		if s.inflight.TryAcquire(n - held + limit) {
			s.inflight.Release(limit)
			a.rest += n - held
			return n, true
		}
		n = size
		if s.large(size) {
			n = limit
		}
	}
	if !a.take(ctx, s.inflight, n-held) {
		return 0, false
	}
	a.rest += n - held
	return n, true
}

func (a *admission) release() {
	a.s.recycle(a.mem)
	a.s.probation.Release(a.probation)
	a.s.inflight.Release(a.rest)
}

// readBody reads a body of at most BodyLimit bytes, holding the room it
// fills in the in-flight budget until release is called: at most
// probationBytes, then growth times what it filled each time it filled
// it, up to what it announced (BodyLimit when it announced nothing). It
// answers the request itself (413, 503, 400) when it returns a code other
// than 200.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (body []byte, release func(), code int) {
	limit := s.cfg.BodyLimit
	if r.ContentLength > limit {
		http.Error(w, "delivery too large", http.StatusRequestEntityTooLarge)
		return nil, nil, http.StatusRequestEntityTooLarge
	}
	size := limit // the most it may be: GitHub always announces it
	if r.ContentLength >= 0 {
		size = r.ContentLength
	}
	step, _ := probationSize(s.cfg.InFlightBytes, limit)
	a := &admission{s: s, wait: s.cfg.BudgetWait}
	refuse := func() ([]byte, func(), int) {
		a.release()
		s.m.budgetRefused.Inc()
		http.Error(w, "too many deliveries are being received at once: try again shortly", http.StatusServiceUnavailable)
		return nil, nil, http.StatusServiceUnavailable
	}
	first := min(size, step)
	if !a.take(r.Context(), s.probation, first) {
		return refuse()
	}
	a.probation = first
	// A body gets BodyTimeout to arrive in full once it has room, not
	// counting the time it waits for more. (Not every ResponseWriter
	// supports deadlines; the server's ReadTimeout then bounds it.)
	rc := http.NewResponseController(w)
	deadline := time.Now().Add(s.cfg.BodyTimeout)
	_ = rc.SetReadDeadline(deadline)
	src := http.MaxBytesReader(w, r.Body, limit)
	buf, done, err := fill(src, make([]byte, 0, first), r.ContentLength)
	for err == nil && !done && int64(cap(buf)) <= limit {
		// It filled the room it had: it has shown it sends.
		t0 := time.Now()
		room, ok := a.grow(r.Context(), min(growth*int64(cap(buf)), size), size)
		if !ok {
			return refuse()
		}
		if wait := time.Since(t0); wait > time.Millisecond {
			deadline = deadline.Add(wait)
			_ = rc.SetReadDeadline(deadline)
		}
		a.mem = s.buffer(room)
		buf, done, err = fill(src, append(a.mem, buf...), r.ContentLength)
	}
	if err == nil && !done {
		err = &http.MaxBytesError{Limit: limit} // a full buffer of the largest size: MaxBytesReader says so first
	}
	if err != nil {
		a.release()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "delivery too large", http.StatusRequestEntityTooLarge)
			return nil, nil, http.StatusRequestEntityTooLarge
		}
		http.Error(w, "could not read the delivery", http.StatusBadRequest)
		return nil, nil, http.StatusBadRequest
	}
	return buf, a.release, http.StatusOK
}

// fill reads src into buf until the body ends, reaches its announced
// length n (n >= 0), or fills buf; done says it ended.
func fill(src io.Reader, buf []byte, n int64) (_ []byte, done bool, err error) {
	for {
		if n >= 0 && int64(len(buf)) >= n {
			return buf, true, nil
		}
		if len(buf) == cap(buf) {
			return buf, false, nil
		}
		k, err := src.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			return buf, true, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
}

// large reports whether a body of n bytes gets a reused buffer: from half
// the limit up.
func (s *Server) large(n int64) bool { return n >= s.cfg.BodyLimit/2 }

// buffer returns an empty buffer with room for n bytes (a large one has
// MinRead more, so that it is never full before the body has ended).
// Large ones are reused: a flood of large bodies then costs the same few
// buffers over and over, not garbage for the collector to catch up with.
func (s *Server) buffer(n int64) []byte {
	if !s.large(n) {
		return make([]byte, 0, n)
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
