package sla

import "strconv"

// Ticket priorities as helpdesks number them (FreshDesk's 1 to 4); the
// domain packages name and rank them without importing a helpdesk client.
const (
	PriorityLow    = 1
	PriorityMedium = 2
	PriorityHigh   = 3
	PriorityUrgent = 4
)

// HubDownTag is the FreshDesk tag of a ticket whose hub is down: it goes
// first on the dashboard, in the mirror and in the health report.
const HubDownTag = "hub-down"

// PriorityName names a priority.
func PriorityName(p int) string {
	switch p {
	case PriorityLow:
		return "Low"
	case PriorityMedium:
		return "Medium"
	case PriorityHigh:
		return "High"
	case PriorityUrgent:
		return "Urgent"
	}
	return "Priority " + strconv.Itoa(p)
}
