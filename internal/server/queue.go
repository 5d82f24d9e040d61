package server

import (
	"sync"
)

// job is the work one or more deliveries ask for on one key.
type job struct {
	// key is what must not be worked on twice at once: one issue or pull
	// request (repository#number) or one ticket.
	key string
	// variant tells apart deliveries for one key that ask for different
	// work (opened, labeled support, closed, ...); deliveries of the same
	// variant waiting together are one job.
	variant string
	source  string // github or freshdesk
	event   string
	// delivery is the first delivery's id; deliveries are all of them
	// (at most maxDeliveriesPerJob), forgotten again if the work fails so
	// that a redelivery is done.
	delivery   string
	deliveries []string
	payload    []byte
}

// maxDeliveriesPerJob bounds the ids one job remembers.
const maxDeliveriesPerJob = 64

// pushResult is what became of a job offered to the queue.
type pushResult int

const (
	queued    pushResult = iota // a new job waits for a worker
	coalesced                   // an identical job was waiting: it does this one's work too
	full                        // no room: too many jobs waiting
	closed                      // shutting down
)

// keyedQueue hands jobs to workers so that no key is worked on by two
// workers at once, and so that deliveries of one variant for one key that
// wait together become one job: a burst for a few issues needs a few
// slots, not one per delivery. It is bounded in jobs waiting (maxJobs) and
// in distinct variants waiting per key (maxPerKey).
type keyedQueue struct {
	mu        sync.Mutex
	cond      *sync.Cond
	keys      map[string]*slot
	ready     []string // keys with waiting jobs and no worker, oldest first
	waiting   int      // jobs waiting, over all keys
	maxJobs   int
	maxPerKey int
	closed    bool
}

type slot struct {
	jobs    []*job // waiting, one per variant, in arrival order
	running bool   // a worker has one of this key's jobs
	ready   bool   // in the ready list
}

func newKeyedQueue(maxJobs, maxPerKey int) *keyedQueue {
	q := &keyedQueue{keys: map[string]*slot{}, maxJobs: maxJobs, maxPerKey: maxPerKey}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// push offers j. A waiting job of the same key and variant takes j's
// payload (the newer) and delivery id; otherwise j waits, if there is room.
func (q *keyedQueue) push(j *job) pushResult {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return closed
	}
	sl := q.keys[j.key]
	if sl != nil {
		for _, w := range sl.jobs {
			if w.variant == j.variant {
				w.payload = j.payload
				if len(w.deliveries) < maxDeliveriesPerJob {
					w.deliveries = append(w.deliveries, j.deliveries...)
				}
				return coalesced
			}
		}
		if len(sl.jobs) >= q.maxPerKey {
			return full
		}
	}
	if q.waiting >= q.maxJobs {
		return full
	}
	if sl == nil {
		sl = &slot{}
		q.keys[j.key] = sl
	}
	sl.jobs = append(sl.jobs, j)
	q.waiting++
	if !sl.running && !sl.ready {
		sl.ready = true
		q.ready = append(q.ready, j.key)
		q.cond.Signal()
	}
	return queued
}

// pop waits for a job whose key no worker has, and marks the key taken;
// false once the queue is closed and nothing is ready.
func (q *keyedQueue) pop() (*job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.ready) == 0 {
		if q.closed {
			return nil, false
		}
		q.cond.Wait()
	}
	key := q.ready[0]
	q.ready[0] = ""
	q.ready = q.ready[1:]
	sl := q.keys[key]
	j := sl.jobs[0]
	sl.jobs[0] = nil
	sl.jobs = sl.jobs[1:]
	sl.ready, sl.running = false, true
	q.waiting--
	return j, true
}

// done gives j's key back: its next waiting job, if any, goes to the end
// of the ready list, so one busy key cannot starve the others.
func (q *keyedQueue) done(j *job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	sl := q.keys[j.key]
	sl.running = false
	if len(sl.jobs) == 0 {
		delete(q.keys, j.key)
		return
	}
	sl.ready = true
	q.ready = append(q.ready, j.key)
	q.cond.Signal()
}

// close stops taking jobs; workers finish what is waiting, then pop says
// false.
func (q *keyedQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// len is the number of jobs waiting.
func (q *keyedQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.waiting
}
