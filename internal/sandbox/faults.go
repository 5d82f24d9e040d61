package sandbox

import (
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// FaultKind is a way a request can fail.
type FaultKind string

// The faults an emulator can inject.
const (
	// ServerError answers 500, 502 or 503 (chosen by the seeded source).
	ServerError FaultKind = "server-error"
	// TooManyRequests answers 429 with Retry-After.
	TooManyRequests FaultKind = "429"
	// SecondaryLimit answers 403 with Retry-After and GitHub's secondary
	// rate-limit message.
	SecondaryLimit FaultKind = "403"
	// Drop closes the connection without an answer.
	Drop FaultKind = "drop"
)

// Fault is one fault-injection rule.
type Fault struct {
	// Route limits the rule to requests whose route pattern starts with it
	// ("POST /repos/" or "GET /api/v2/tickets"); empty means every route.
	Route string
	// Rate is the probability, 0..1, that a matching request fails.
	Rate float64
	// Kinds are chosen from uniformly when the rule fires.
	Kinds []FaultKind
	// RetryAfter goes in Retry-After for 429 and 403 (default 60s).
	RetryAfter time.Duration
	// Latency is added to every matching request, fault or not.
	Latency time.Duration
	// AfterEffect makes the fault strike after the request took effect:
	// the write happened but the client never hears of it, the case that
	// duplicates work in naive clients.
	AfterEffect bool
}

// Faults decides, from a seeded source, which requests fail. The same seed
// and the same sequence of requests fail the same way, so a failing test
// replays exactly.
type Faults struct {
	mu    sync.Mutex
	rng   *rand.Rand
	rules []Fault
}

// NewFaults returns fault injection seeded with seed and the given rules.
func NewFaults(seed uint64, rules ...Fault) *Faults {
	return &Faults{rng: rand.New(rand.NewPCG(seed, 0x57e3a4d)), rules: rules}
}

// decision is what happens to one request.
type decision struct {
	kind        FaultKind
	status      int
	retryAfter  time.Duration
	latency     time.Duration
	afterEffect bool
}

func (f *Faults) decide(route string) decision {
	var d decision
	if f == nil {
		return d
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rules {
		if !strings.HasPrefix(route, r.Route) {
			continue
		}
		d.latency += r.Latency
		if d.kind != "" || r.Rate <= 0 || len(r.Kinds) == 0 || f.rng.Float64() >= r.Rate {
			continue
		}
		d.kind = r.Kinds[f.rng.IntN(len(r.Kinds))]
		d.afterEffect = r.AfterEffect
		d.retryAfter = r.RetryAfter
		if d.retryAfter == 0 {
			d.retryAfter = 60 * time.Second
		}
		switch d.kind {
		case ServerError:
			d.status = []int{500, 502, 503}[f.rng.IntN(3)]
		case TooManyRequests:
			d.status = 429
		case SecondaryLimit:
			d.status = 403
		}
	}
	return d
}
