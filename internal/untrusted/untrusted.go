// Package untrusted owns text that people outside the team wrote (ticket
// subjects and descriptions, requester replies, company names, people's
// issue titles and comments, roster fields from a fork, Slack command
// text) and the escapers of every sink such text reaches. A Text cannot be
// concatenated into a body, and formatting one with fmt prints a warning
// instead of its content: its only ways into a body are the escapers
// below, each made for its sink, so what a stranger wrote stays data.
package untrusted

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf8"
)

// Text is text from outside the team.
type Text struct{ s string }

// Of marks s as written by someone outside the team.
func Of(s string) Text { return Text{s} }

// Unescaped is the text as written, for comparisons, lengths and sinks
// that escape it themselves (an iCalendar encoder, a templ template).
// Never format it into a body.
func (t Text) Unescaped() string { return t.s }

// IsZero reports whether the text is empty.
func (t Text) IsZero() bool { return t.s == "" }

// Format keeps a Text out of fmt's verbs: formatting one is a bug, and
// shows as one rather than as the stranger's text.
func (t Text) Format(f fmt.State, verb rune) {
	fmt.Fprint(f, "(untrusted text: use one of its escapers)")
}

// zwsp is U+200B ZERO WIDTH SPACE: invisible, and it breaks what GitHub
// and Slack would read as a mention (@name), a reference (#1, GH-1,
// owner/repo#1), an autolink (https://..., www.x, a@b.c) or an emoji
// (:name:).
const zwsp = "\u200b"

// Markdown is the text for GitHub Markdown, inline and on one line (a
// title in a list, a table cell, a sentence): it renders as its own
// characters, with no emphasis, link, autolink, image, HTML, comment,
// mention, team mention or reference, and table pipes and line breaks
// defused. It reads as the text did.
func (t Text) Markdown() string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(t.s, "\uFFFD")), " ")
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	prev := ""
	for i, r := range s {
		switch {
		case r == 0:
			b.WriteRune('\uFFFD') // as CommonMark reads it
		case r == '@' || r == '#' || r == ':':
			b.WriteByte('\\')
			b.WriteRune(r)
			b.WriteString(zwsp)
		case r == '.' && strings.EqualFold(prev, "www"):
			b.WriteString(zwsp + `\.`)
		case r == '-' && strings.EqualFold(prev, "gh"):
			b.WriteString(`\-` + zwsp)
		case r < utf8.RuneSelf && isPunct(byte(r)):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
		prev = lastWord(s[:i+utf8.RuneLen(r)])
	}
	return b.String()
}

// lastWord is the run of ASCII letters that s ends with, at most three.
func lastWord(s string) string {
	i := len(s)
	for i > 0 && len(s)-i < 3 && isLetter(s[i-1]) {
		i--
	}
	return s[i:]
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isPunct reports whether c is ASCII punctuation, every one of which
// CommonMark lets a backslash make literal.
func isPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// MarkdownQuote is the text as a GitHub Markdown block quote, line by
// line, each line escaped as Markdown escapes it: a description keeps its
// lines and nothing in it can end steward's block or become markup.
func (t Text) MarkdownQuote() string {
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(t.s, "\r\n", "\n")), "\n")
	for i, l := range lines {
		lines[i] = "> " + Of(l).Markdown()
	}
	return strings.Join(lines, "\n")
}

// HTML is the text for an HTML body (a FreshDesk note or reply).
func (t Text) HTML() string { return html.EscapeString(t.s) }

// Mrkdwn is the text for Slack's mrkdwn: &, < and > escaped as Slack asks,
// so no <@U…>, <!channel> or <url|label> can be written.
func (t Text) Mrkdwn() string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(t.s)
}
