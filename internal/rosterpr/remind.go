package rosterpr

// ReminderMarker starts a reminder comment; the day makes it once a day.
const ReminderMarker = "<!-- steward:reminder %s -->"
