package untrusted

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// gfm renders as GitHub does: CommonMark with tables, strikethrough,
// autolinks (linkify) and task lists.
var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM))

// GitHub's own patterns, applied by GitHub to rendered text: a mention
// (@user, @org/team), a reference (#1, GH-1, owner/repo#1), an emoji
// shortcode, and the autolinks GFM's extension finds.
var githubPatterns = map[string]*regexp.Regexp{
	"mention":   regexp.MustCompile(`(?:^|[^\w])@[A-Za-z0-9]`),
	"reference": regexp.MustCompile(`(?:^|[^\w])#\d|(?i)\bgh-\d|[\w.-]+/[\w.-]+#\d`),
	"emoji":     regexp.MustCompile(`:[a-z0-9_+-]+:`),
	"autolink":  regexp.MustCompile(`(?i)https?://|www\.|[\w.+-]@[a-z0-9]`),
}

// checkMarkdown holds the escaper to its promise for one text: GFM renders
// the escaped text as one paragraph of plain text whose characters are the
// text's (with whitespace collapsed, as it promises), and none of GitHub's
// patterns matches what a reader sees.
func checkMarkdown(t *testing.T, in string) {
	t.Helper()
	esc := Of(in).Markdown()
	var out bytes.Buffer
	if err := gfm.Convert([]byte(esc), &out); err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	rendered := strings.TrimSpace(out.String())
	want := strings.Join(strings.Fields(strings.ToValidUTF8(strings.ReplaceAll(in, "\x00", "\uFFFD"), "\uFFFD")), " ")
	if want == "" {
		if rendered != "" {
			t.Errorf("%q: empty text rendered as %q", in, rendered)
		}
		return
	}
	body, ok := strings.CutPrefix(rendered, "<p>")
	body, ok2 := strings.CutSuffix(body, "</p>")
	if !ok || !ok2 || strings.ContainsAny(body, "<>") {
		t.Fatalf("%q escaped as %q renders as markup: %q", in, esc, rendered)
	}
	seen := html.UnescapeString(body)
	if got := strings.ReplaceAll(seen, zwsp, ""); got != want {
		t.Errorf("%q escaped as %q reads %q, want %q", in, esc, got, want)
	}
	for name, re := range githubPatterns {
		if m := re.FindString(seen); m != "" {
			t.Errorf("%q escaped as %q reads %q: GitHub would see a %s in %q", in, esc, seen, name, m)
		}
	}
}

func TestMarkdownDefusesWhatStrangersWrite(t *testing.T) {
	for _, in := range []string{
		"Hub down", "@octocat please look", "cc @acme/everyone", "see #1 and acme/infra#2 and GH-3",
		"<img src=https://evil.example/x.png>", "<!-- steward:rotation {\"head\":\"x\"} -->", "<!-- /steward -->",
		"<!--", "**bold** _em_ ~~strike~~ `code`", "[click](https://evil.example) ![i](x.png)",
		"https://evil.example/path www.evil.example mail me: a@b.example", "| a | b |", "line one\nline two\r\n# heading",
		"- list", "1. ordered", "> quote", "    indented code", ":smile: :+1:", "&amp; &lt;script&gt;", "a\\b\\", "tab\there",
		"trailing two spaces  \nbreak", "\x00nul", "\xff\xfe invalid utf8", "===", "---", "<https://autolink.example>",
		"foo@bar", "x#1y", "issue#12", "GH-12 gh-12", "http://x", "ftp://x", "[ ] task", "- [x] done", "\\@escaped",
	} {
		checkMarkdown(t, in)
	}
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"@a", "#1", "<!--", "[a](b)", "www.x.y", "a|b", "*a*", "GH-1", "o/r#1", ":x:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 2000 {
			return
		}
		checkMarkdown(t, in)
	})
}

func TestMarkdownQuoteKeepsLinesAndEndsNothing(t *testing.T) {
	q := Of("first <!-- /steward -->\n@team look\n\n#1").MarkdownQuote()
	if strings.Count(q, "\n") != 3 || strings.Contains(q, "<!--") || strings.Contains(q, "@t") || !strings.HasPrefix(q, "> first") {
		t.Errorf("quote:\n%s", q)
	}
}

func TestATextNeverFormatsAsItsContent(t *testing.T) {
	x := Of("@everyone <b>")
	for _, got := range []string{fmt.Sprintf("%s", x), fmt.Sprintf("%v", x), fmt.Sprint(x), fmt.Sprintf("%q", x)} {
		if strings.Contains(got, "@everyone") {
			t.Errorf("formatted as its content: %q", got)
		}
	}
	if Of("a<b>&c").HTML() != "a&lt;b&gt;&amp;c" || Of("<@U1> & <!here>").Mrkdwn() != "&lt;@U1&gt; &amp; &lt;!here&gt;" {
		t.Error("HTML or mrkdwn escaping")
	}
}
