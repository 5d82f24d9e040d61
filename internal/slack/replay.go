package slack

import (
	"container/list"
	"sync"
	"time"
)

// Bounds of the replay check.
const (
	// MaxRemembered is how many answered requests are remembered: far more
	// than a team sends in the window (Slack signs each command once and
	// never retries one), and under a megabyte.
	MaxRemembered = 4096
	// remembered is how long a request is remembered after its timestamp:
	// the 5 minutes slack-go accepts it for, and a minute more, so a
	// replay verified at the window's last instant still finds it.
	remembered = 6 * time.Minute
)

// replays remembers the requests answered while their timestamps are still
// accepted, so a request replayed in that window (same timestamp, same
// signature) is answered once. It holds at most max requests: only
// verified ones are added, so only Slack's own traffic fills it, and when
// it is full of requests still in their window a new one is refused rather
// than one forgotten (a forgotten one could be replayed). Times are the
// wall clock's, as the signature's window is (protocol time, not steward's
// business clock). Replicas do not share it.
type replays struct {
	mu    sync.Mutex
	max   int
	order *list.List // of seen, oldest first
	keys  map[string]*list.Element
}

type seen struct {
	key   string
	until time.Time
}

func newReplays(max int) *replays {
	return &replays{max: max, order: list.New(), keys: map[string]*list.Element{}}
}

// outcome of first.
type outcome int

const (
	fresh outcome = iota // not seen: remembered now
	replayed
	full // too many requests still in their window to remember one more
)

// first remembers key, a request whose timestamp is ts, at now.
func (r *replays) first(key string, ts, now time.Time) outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expire(now, false)
	if e, ok := r.keys[key]; ok {
		if now.Before(e.Value.(seen).until) {
			return replayed
		}
		r.order.Remove(e)
		delete(r.keys, key)
	}
	if r.order.Len() >= r.max {
		// Timestamps vary within the window, so an expired request may sit
		// behind one that is not: look at them all, only when full.
		r.expire(now, true)
		if r.order.Len() >= r.max {
			return full
		}
	}
	r.keys[key] = r.order.PushBack(seen{key: key, until: ts.Add(remembered)})
	return fresh
}

// expire forgets the requests whose window has passed: from the oldest
// until one still in its window, or (all) every one.
func (r *replays) expire(now time.Time, all bool) {
	for e := r.order.Front(); e != nil; {
		next := e.Next()
		s := e.Value.(seen)
		if now.Before(s.until) {
			if !all {
				return
			}
		} else {
			r.order.Remove(e)
			delete(r.keys, s.key)
		}
		e = next
	}
}

// len is how many requests are remembered.
func (r *replays) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.order.Len()
}
