package health

import (
	"encoding/json"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/untrusted"
)

// FormatVersion is the version of the JSON contract; it changes only when
// a field changes meaning or goes away (new fields may appear).
const FormatVersion = 1

// Report is the support health report. Its JSON form is the contract
// (WriteJSON): times are RFC 3339 in UTC, dates YYYY-MM-DD in the team's
// zone, durations are floats rounded to two decimals, in working hours for
// first response (*_hours) and working days for resolution (*_days);
// percentages are floats rounded to one decimal; a percentage, median or
// p90 with nothing to compute it from is null, never 0.
type Report struct {
	Version int `json:"version"`
	// Generated is Input.Now.
	Generated time.Time `json:"generated"`
	Team      string    `json:"team"`
	Timezone  string    `json:"timezone"`
	Targets   Targets   `json:"targets"`
	// Weeks are oldest first; the last is the current, partial week.
	Weeks []Week `json:"weeks"`
	// Total is the figures over all the weeks.
	Total Figures `json:"total"`
	// Hubs are the (at most) 5 hubs with the most tickets received.
	Hubs    []Hub   `json:"hubs"`
	Replies Replies `json:"replies"`

	loc *time.Location // the team's zone, for the renderers
}

// Targets are the response targets the figures were measured against, in
// working days.
type Targets struct {
	FirstResponse int `json:"first_response_working_days"`
	UpdateEvery   int `json:"update_every_working_days"`
}

// Week is one week's figures, [Start, End) in the team's zone.
type Week struct {
	Start civil.Date `json:"start"`
	End   civil.Date `json:"end"`
	// Partial is true for the current week, counted up to Generated.
	Partial bool `json:"partial"`
	Figures
	Stewards []Steward `json:"stewards"`
	Events   []Event   `json:"events"`
	// Holidays are the roster's team-wide holidays in the week: days that
	// count no working time.
	Holidays []civil.Date `json:"holidays"`
}

// Figures are what the report measures over a set of tickets and days.
type Figures struct {
	Received      Received      `json:"received"`
	FirstResponse FirstResponse `json:"first_response"`
	Updates       Updates       `json:"updates"`
	Resolved      Resolved      `json:"resolved"`
}

// Received counts the tickets created: in all, by priority, on a hub with
// an event that day, and tagged hub-down.
type Received struct {
	Total   int `json:"total"`
	Low     int `json:"low"`
	Medium  int `json:"medium"`
	High    int `json:"high"`
	Urgent  int `json:"urgent"`
	Other   int `json:"other"`
	Event   int `json:"event"`
	HubDown int `json:"hub_down"`
}

// FirstResponse is how the received tickets were first answered.
type FirstResponse struct {
	Met       int `json:"met"`
	Missed    int `json:"missed"`
	NotYetDue int `json:"not_yet_due"`
	// Answered is how many have a first response (the median's and p90's n).
	Answered    int      `json:"answered"`
	PercentMet  *float64 `json:"percent_met"`
	MedianHours *float64 `json:"median_hours"`
	P90Hours    *float64 `json:"p90_hours"`
}

// Updates is the share of open-ticket working days with an update on time.
type Updates struct {
	TicketDays int `json:"ticket_days"`
	OnTime     int `json:"on_time"`
	// Unknown ticket-days are in neither count: their conversations were
	// not read and the stats cannot settle them.
	Unknown       int      `json:"unknown"`
	PercentOnTime *float64 `json:"percent_on_time"`
}

// Resolved counts the tickets resolved and how long they took.
type Resolved struct {
	Count      int      `json:"count"`
	MedianDays *float64 `json:"median_days"`
}

// Steward is someone on duty in a week.
type Steward struct {
	GitHub string `json:"github"`
	Name   string `json:"name"`
	// Covering is the rostered steward this person stood in for.
	Covering string `json:"covering,omitempty"`
}

// Event is a roster event overlapping a week, [From, To).
type Event struct {
	Name string     `json:"name"`
	Hub  string     `json:"hub"`
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
}

// Hub is one hub's figures over the whole report. Its name is a stranger's
// text: JSON carries it as written (escaped as JSON, with <, > and &
// as \u escapes), every other renderer through its sink's escaper.
type Hub struct {
	Name untrusted.Text `json:"-"`
	Figures
}

// MarshalJSON writes the hub with its name.
func (h Hub) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name string `json:"name"`
		Figures
	}{h.Name.Unescaped(), h.Figures})
}

// UnmarshalJSON reads a hub back (a saved report): its name stays a
// stranger's text.
func (h *Hub) UnmarshalJSON(data []byte) error {
	var v struct {
		Name string `json:"name"`
		Figures
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	h.Name, h.Figures = untrusted.Of(v.Name), v.Figures
	return nil
}

// Replies says how complete the updates figure is.
type Replies struct {
	// Read is how many tickets had their public replies known.
	Read int `json:"read"`
	// Unsettled is how many tickets have ticket-days counted as unknown;
	// reading their conversations (ToRead) would settle them.
	Unsettled int `json:"unsettled"`
}
