package gh

import (
	"testing"
	"time"
)

// Two passes over one project take turns (a delivery's read and the
// writes computed from it are not interleaved with another's); passes
// over different projects do not wait for each other.
func TestBoardPassesOverOneProjectTakeTurns(t *testing.T) {
	c := &Client{holds: &holds{}}
	a, b := c.Board(Project{Owner: "Acme", Number: 7}), c.Board(Project{Owner: "acme", Number: 7})
	other := c.Board(Project{Owner: "acme", Number: 8})
	release := a.Hold()
	got := make(chan string, 2)
	go func() { r := b.Hold(); got <- "same"; r() }()
	go func() { r := other.Hold(); got <- "other"; r() }()
	if first := <-got; first != "other" {
		t.Fatalf("%s went first while the project was held", first)
	}
	select {
	case s := <-got:
		t.Fatalf("%s went while the project was held", s)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	if s := <-got; s != "same" {
		t.Fatalf("got %s", s)
	}
}
