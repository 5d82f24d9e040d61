package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/support-steward/steward/internal/run"
)

// errNotJSON is a body that is not JSON at all.
var errNotJSON = errors.New("the delivery is not JSON")

// parseEnvelope reads a GitHub delivery's run.Envelope fields with
// encoding/json, which validates the whole body and skips, without copying,
// what steward does not read. The delivery is held to GitHub's bounds
// (tokensFit, run.MaxLabels, run.MaxAssignees, run.Envelope.Check): one past
// them is not GitHub's, and is refused before it costs.
func parseEnvelope(body []byte) (run.Envelope, error) {
	if err := tokensFit(body); err != nil {
		if !json.Valid(body) {
			return run.Envelope{}, errNotJSON
		}
		return run.Envelope{}, notGitHub(err)
	}
	var e run.Envelope
	err := json.Unmarshal(body, &e)
	if err == nil {
		err = e.Check()
	}
	var tooMany *run.TooMany
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooMany):
		return run.Envelope{}, notGitHub(err)
	case errors.As(err, &typeErr):
		return run.Envelope{}, mismatch(typeErr)
	case err != nil:
		return run.Envelope{}, errNotJSON // a syntax error's message quotes the body
	}
	// Only the presence of issue.pull_request is read (the issue is a pull
	// request): the queue keeps {}, not GitHub's URLs.
	if len(e.Issue.PullRequest) > 0 && string(e.Issue.PullRequest) != "null" {
		e.Issue.PullRequest = json.RawMessage("{}")
	} else {
		e.Issue.PullRequest = nil
	}
	return e, nil
}

// notGitHub says why a delivery is not a GitHub event steward reads.
func notGitHub(err error) error {
	return fmt.Errorf("the delivery is not a GitHub event: %w", err)
}

// mismatch says where a member of the wrong JSON type is and what it is,
// never its text (encoding/json's Value is "number 1e999" for a number that
// does not fit). The path is lower-cased because run.Envelope leaves some of
// GitHub's lower-case names untagged (name, login), which encoding/json
// reports by their Go names.
func mismatch(e *json.UnmarshalTypeError) error {
	at := strings.ToLower(e.Field)
	if at == "" {
		at = "the delivery"
	}
	kind, _, _ := strings.Cut(e.Value, " ")
	want := e.Type.String()
	switch e.Type.Kind() {
	case reflect.Struct:
		want = "an object"
	case reflect.Slice:
		want = "an array"
	case reflect.String:
		want = "a string"
	case reflect.Bool:
		want = "true or false"
	case reflect.Int, reflect.Int64:
		want = "an integer"
	}
	return notGitHub(fmt.Errorf("%s is %s, not %s", at, kind, want))
}

// Bounds on the tokens encoding/json would decode at several times their
// size: it copies and case-folds each member name of an object it decodes
// into a struct (a 5 MiB name cost 25 MiB), copies a number three times to
// refuse it (15 MiB), and turns each byte of a string that is not UTF-8
// into three (a 5 MiB label name cost 50 MiB). GitHub's member names are a
// few dozen bytes, its numbers at most 20 and its strings UTF-8.
const (
	maxName   = 256
	maxNumber = 64
	// maxNotUTF8 is the longest string text, not UTF-8, that can decode to
	// run.MaxString bytes (an escape such as \u0041 is six bytes for one):
	// shorter ones are read as encoding/json reads them.
	maxNotUTF8 = 6 * run.MaxString
)

// tokensFit refuses a body holding a member name, a number or a string that
// is not UTF-8 past its bound. It reads body as JSON without checking it:
// encoding/json does that after.
func tokensFit(body []byte) error {
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			end := stringEnd(body, i+1)
			if end == len(body) {
				return nil // unterminated: not JSON
			}
			text := body[i+1 : end]
			isName := bytes.HasPrefix(bytes.TrimLeft(body[end+1:], " \t\r\n"), []byte{':'})
			if isName && len(text) > maxName {
				return &run.TooMany{Field: "a member name", Max: maxName, What: "bytes"}
			}
			if len(text) > maxNotUTF8 && !utf8.Valid(text) {
				return &run.TooMany{Field: "a string that is not UTF-8", Max: maxNotUTF8, What: "bytes"}
			}
			i = end
		case c == '-' || '0' <= c && c <= '9':
			n := i + 1
			for n < len(body) && strings.IndexByte("+-.0123456789Ee", body[n]) >= 0 {
				n++
			}
			if n-i > maxNumber {
				return &run.TooMany{Field: "a number", Max: maxNumber, What: "bytes"}
			}
			i = n - 1
		}
	}
	return nil
}

// stringEnd is the index of the quote that ends the string whose text
// starts at i, or len(body) if none does.
func stringEnd(body []byte, i int) int {
	for {
		q := bytes.IndexByte(body[i:], '"')
		if q < 0 {
			return len(body)
		}
		i += q
		// A quote after an odd number of backslashes is escaped; the
		// string's opening quote ends the count.
		b := i
		for body[b-1] == '\\' {
			b--
		}
		if (i-b)%2 == 0 {
			return i
		}
		i++
	}
}
