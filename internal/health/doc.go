// Package health owns the "Support health" report (issue #27): how the
// support team kept its promises week by week, computed from FreshDesk's
// tickets and their stats, with the agent's public replies where they are
// known. It is pure: Build takes an Input (the moment, the roster, the
// working-day calendar, the response targets and the tickets) and returns a
// Report; the renderers write it as JSON (the contract), text, GitHub
// Markdown with Mermaid charts, or an HTML section of inline SVG charts.
// The only I/O is the reply cache's own file (Cache).
//
// # Weeks
//
// A week is seven calendar days in the team's time zone starting on the
// weekday of support.start, the rotation's handoff weekday, so a week never
// straddles a handoff. Weeks are civil dates: a week holding a
// daylight-saving change is 167 or 169 hours long. The report covers the
// last N weeks (12 by default, at most MaxWeeks) ending with the week that
// holds Input.Now, which is partial (Week.Partial) and counted up to Now.
//
// # The figures of a week
//
// Spam tickets are left out of everything.
//
// Received: the tickets created in the week, by priority (Low, Medium,
// High, Urgent, anything else as Other), how many were on a hub with a
// roster event running on the day of creation (events compare hub names as
// slugs, as the dashboard does), and how many are tagged hub-down. A ticket
// belongs to the week it was created in, for received and first response.
//
// First response, for the tickets received in the week, with target T =
// sla.first_response working days:
//   - the response time is the working time (Mon–Fri minus holidays in the
//     team's zone, 24 h per working day) from creation to the first agent
//     reply, minus the working time of the ticket's known Pending spell
//     that falls before that reply;
//   - met: answered with a response time of at most T;
//   - missed: answered later than T, or not answered and T has passed
//     (Pending excluded) by Now, or resolved without an answer after T had
//     passed;
//   - not yet due: not answered and T has not passed by Now; also a ticket
//     resolved without an answer before T had passed (a duplicate, a
//     "never mind"): there was nothing left to answer. Neither is in the
//     denominator;
//   - percent met = met / (met + missed);
//   - median and p90: nearest-rank percentiles (the value at rank
//     ⌈p/100 × n⌉ of the n response times sorted ascending, so always a
//     time some ticket really had; the median of an even count is the lower
//     middle) over the tickets answered so far, in working hours. Tickets
//     still unanswered are not in them: they are in missed.
//
// Updates on time, with U = sla.update_every working days, over the
// ticket-days of the week: each working day of the week that has ended by
// Now, and each ticket that at that day's end E had had its first response,
// was open (created before E, not resolved by E) and was not Pending.
// The ticket-day is on time when E comes before the update is due: U
// working days after the last public agent reply at or before E (the first
// response counts as one), or after the end of the ticket's known Pending
// spell if that came later (Pending stops the clock; leaving it starts it
// again, as the dashboard does). Percent on time = on time / ticket-days.
// The tickets of the figure are those active in the week whatever week
// they were created in.
//
// When a ticket's replies are not known (its conversations were not read:
// see NeedsReplies and ToRead), the stats give its first and last public
// reply. A ticket-day those two settle counts as above; one they cannot
// settle (it looks late, but a reply between the two might have been in
// time) is unknown: it is in neither count, and Updates.Unknown says how
// many there were. The figure is never guessed.
//
// Resolved: the tickets resolved in the week (FreshDesk's resolved_at, the
// first resolution after the latest reopening; for a resolved ticket
// without it, its last status change), and the median (nearest rank) of
// their resolution times in working days from creation to resolution,
// Pending included: it is how long the requester waited.
//
// Stewards: everyone on duty on any day of the week (covers applied), in
// order of their first day on duty in the week, then by handle. Events:
// the roster's events overlapping the week.
//
// # Hubs
//
// The 5 hubs (FreshDesk companies) with the most tickets received over the
// whole report, ties broken by the hub's name compared case-insensitively,
// then byte by byte; tickets without a hub are not ranked. Each has the
// figures above over the whole report: received, first response, updates on
// time (its tickets' ticket-days in the report's weeks) and resolved.
//
// # JSON (the contract)
//
// WriteJSON writes one object; version (FormatVersion) changes only when a
// field changes meaning or goes away, new fields may appear:
//
//	{"version": 1, "generated": RFC 3339 UTC (Input.Now),
//	 "team", "timezone",
//	 "targets": {"first_response_working_days", "update_every_working_days"},
//	 "weeks": [{"start", "end" (YYYY-MM-DD, [start, end) in the team's zone),
//	            "partial" (true for the current week),
//	            FIGURES,
//	            "stewards": [{"github", "name", "covering"?}],
//	            "events": [{"name", "hub", "from", "to"}],   to: the first day after
//	            "holidays": ["YYYY-MM-DD"]}],              oldest first
//	 "total": FIGURES (all the weeks),
//	 "hubs": [{"name", FIGURES}],  at most 5, most tickets first
//	 "replies": {"read" (tickets whose replies were known),
//	             "unsettled" (tickets with unknown ticket-days)}}
//
//	FIGURES = "received": {"total", "low", "medium", "high", "urgent",
//	                       "other", "event", "hub_down"},
//	          "first_response": {"met", "missed", "not_yet_due", "answered",
//	                             "percent_met", "median_hours", "p90_hours"},
//	          "updates": {"ticket_days", "on_time", "unknown",
//	                      "percent_on_time"},
//	          "resolved": {"count", "median_days"}
//
// Counts are integers. Durations are floats rounded to two decimals: first
// response in working hours, resolution in working days. Percentages are
// floats rounded to one decimal. A percentage, median or p90 with nothing
// to compute it from is null, never 0. Hub names are as the company wrote
// them (JSON-escaped, < > & as \u003c \u003e \u0026): a consumer escapes
// them for its own sink.
//
// # Pending spells
//
// FreshDesk's stats keep one Pending spell, the latest, from pending_since:
//   - a ticket Pending now has been since then;
//   - an open ticket left it at status_updated_at (its latest status
//     change), if that came after;
//   - a resolved or closed ticket's latest status change is its
//     resolution, which says nothing of when Pending ended; the spell is
//     taken to run to the resolution only when it began at or after the
//     last public reply (the ticket waited on the requester, then was
//     resolved). Otherwise it is not known.
//
// Spells not known (earlier ones, and the case above) count as open time:
// the figures can only come out stricter, never flattering.
package health
