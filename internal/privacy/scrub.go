// Package privacy owns what personal data steward removes from text that
// leaves FreshDesk for a more public place (GitHub issues and boards,
// Slack, logs): e-mail addresses and phone numbers, found by pattern. It is
// pure and has no dependencies, so every adapter can use the same rule.
package privacy

import (
	"regexp"
	"strings"
)

// The placeholders that stand for what was removed.
const (
	Email = "[email]"
	Phone = "[phone]"
)

var (
	emailRE = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}`)
	// A phone number candidate: an optional +, digits and the separators
	// people write between them; judged by isPhone.
	phoneRE = regexp.MustCompile(`\+?\(?\d[\d \t().\-/]{4,}\d`)
	dateRE  = regexp.MustCompile(`\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}`)
	ipRE    = regexp.MustCompile(`^\d{1,3}(\.\d{1,3}){3}$`)
)

// Scrub replaces e-mail addresses with [email] and phone numbers with
// [phone]. A phone number is 7 to 15 digits (E.164's most) written with
// separators or a leading +, or 10 to 15 digits in a row; dates and IP
// addresses are left alone, and so are version numbers (too few digits).
func Scrub(s string) string {
	s = emailRE.ReplaceAllString(s, Email)
	return phoneRE.ReplaceAllStringFunc(s, func(m string) string {
		trimmed := strings.TrimRight(m, " \t(.-/")
		if !isPhone(trimmed) {
			return m
		}
		return Phone + m[len(trimmed):]
	})
}

// Has reports whether s holds an e-mail address or a phone number.
func Has(s string) bool { return Scrub(s) != s }

func isPhone(m string) bool {
	if dateRE.MatchString(m) || ipRE.MatchString(m) {
		return false
	}
	digits := 0
	for _, r := range m {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits < 7 || digits > 15 {
		return false
	}
	separated := strings.ContainsAny(m, " \t().-/")
	return strings.HasPrefix(m, "+") || separated || digits >= 10
}
