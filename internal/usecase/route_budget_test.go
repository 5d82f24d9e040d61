package usecase_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/usecase"
)

// routeOneDelivery routes one new issue, as an issues.labeled delivery
// does, in a repository with n earlier support issues (each assigned
// once), and returns the GitHub requests it made.
func routeOneDelivery(t *testing.T, n int) int {
	w := newTriageWorld(t)
	logins := []string{"ada-l", "bliskov", "ewd", "dknuth"}
	for i := range n {
		k := w.g.CreateIssue("open-infra", "support", "grace", fmt.Sprint("earlier ", i), "", "support")
		w.g.HumanUpdate("open-infra", "support", k, "grace", func(c *sandbox.IssueChange) { c.Assignees = []string{logins[i%len(logins)]} })
		w.clock.Advance(time.Minute)
	}
	number := w.g.CreateIssue("open-infra", "support", "grace", "Kernel dies", "", "support")
	w.g.Ledger().Reset()
	r, err := w.triage().Route(context.Background(), number, false)
	if err != nil || r.Choice == nil {
		t.Fatalf("route: %+v %v", r, err)
	}
	return w.g.Ledger().Len()
}

// One delivery's routing reads a fixed budget of history: its requests do
// not grow with the number of support issues.
func TestRoutingOneDeliveryCostsTheSameHoweverManySupportIssues(t *testing.T) {
	few, many := routeOneDelivery(t, 5), routeOneDelivery(t, 300)
	if limit := usecase.RouteBudget + 8; many > limit {
		t.Errorf("routing one issue among 300 made %d GitHub requests, more than the budget of %d", many, limit)
	}
	if few != 6+8 || many != usecase.RouteBudget+8 { // 6: the five and the new one
		t.Errorf("requests: %d with 5 issues, %d with 300; want %d and %d", few, many, 6+8, usecase.RouteBudget+8)
	}
}
