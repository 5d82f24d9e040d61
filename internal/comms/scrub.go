package comms

import (
	"regexp"
	"strings"
)

// Scrubbing is deliberately small: it takes out what most often carries a
// person in a ticket subject (e-mail addresses and phone numbers), so the
// team channel does not collect them. It is a function of its own so a
// fuller privacy filter can replace it in one place.

var (
	email = regexp.MustCompile(`(?i)[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}`)
	// phoneLike is a run of digits with the separators phone numbers are
	// written with; phone decides whether it is one.
	phoneLike = regexp.MustCompile(`\+?\(?\d[\d ().-]{5,}\d`)
	isoDate   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	dotted    = regexp.MustCompile(`^\d+(\.\d+)+$`)         // versions, IP addresses...
	dottedNA  = regexp.MustCompile(`^\d{3}\.\d{3}\.\d{4}$`) // ...but 555.123.4567 is a phone
)

// Scrub replaces e-mail addresses with [email] and phone numbers with
// [phone] in s.
func Scrub(s string) string {
	s = email.ReplaceAllString(s, "[email]")
	return phoneLike.ReplaceAllStringFunc(s, func(m string) string {
		if phone(m) {
			return "[phone]"
		}
		return m
	})
}

// phone reports whether a digit run reads as a phone number: 7 to 15
// digits (E.164 allows 15), and not a date, a version or an address.
func phone(m string) bool {
	t := strings.TrimSpace(m)
	if isoDate.MatchString(t) || dotted.MatchString(t) && !dottedNA.MatchString(t) {
		return false
	}
	digits := 0
	for _, r := range t {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 7 && digits <= 15
}
