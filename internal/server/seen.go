package server

import (
	"container/list"
	"sync"
)

// recentDeliveries remembers the last few thousand X-GitHub-Delivery ids
// accepted, so a delivery replayed with the same id is done once. It is an
// LRU of fixed size: memory stays bounded however many arrive. (Replicas
// do not share it; what two replicas both do is made convergent where it
// writes, see internal/usecase/route.go.)
type recentDeliveries struct {
	mu    sync.Mutex
	max   int
	order *list.List // of string, most recent first
	ids   map[string]*list.Element
}

func newRecentDeliveries(max int) *recentDeliveries {
	return &recentDeliveries{max: max, order: list.New(), ids: map[string]*list.Element{}}
}

// add records id; false if it was already there.
func (r *recentDeliveries) add(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.ids[id]; ok {
		r.order.MoveToFront(e)
		return false
	}
	r.ids[id] = r.order.PushFront(id)
	if r.order.Len() > r.max {
		oldest := r.order.Back()
		r.order.Remove(oldest)
		delete(r.ids, oldest.Value.(string))
	}
	return true
}

// forget drops ids, so that their redelivery (by a person, after the work
// failed) is done again.
func (r *recentDeliveries) forget(ids ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		if e, ok := r.ids[id]; ok {
			r.order.Remove(e)
			delete(r.ids, id)
		}
	}
}
