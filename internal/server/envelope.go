package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/support-steward/steward/internal/run"
)

// envelopeParsers are reused across deliveries: a parser keeps the arena
// its last document was parsed into.
var envelopeParsers fastjson.ParserPool

// fastjsonValues is the most values a body may hold to be parsed into
// fastjson's tree, which costs about 440 bytes a value: 3.5 MiB at the
// bound, where the deliveries steward reads hold 600 (an issue's) to 1,400
// (a pull request's). A body with more is read by encoding/json, slower.
const fastjsonValues = 8192

// pooledBytes is the largest body whose parser goes back to the pool: a
// parser keeps a copy of its last body (and its tree's arena, at most
// 3.5 MiB by fastjsonValues). Reusing arenas keeps a burst of dense bodies
// from churning the heap: 40 at once peaked at 90 MiB without, 51 with.
const pooledBytes = 64 << 10

// fastjsonSlots bounds the trees held at once, and so their memory (at
// most 4 × 3.5 MiB): parsing is processor work, and more parses than
// processors gain nothing.
var fastjsonSlots = make(chan struct{}, min(runtime.GOMAXPROCS(0), 4))

// valuesIn bounds the values of a JSON text from above: every value but
// the first follows a colon (a member) or a comma or bracket (an element).
// Colons and commas inside strings count too; that only overestimates.
func valuesIn(body []byte) int {
	return 1 + bytes.Count(body, []byte{':'}) + bytes.Count(body, []byte{','}) + bytes.Count(body, []byte{'['})
}

// stdEnvelope reads a body with encoding/json: one that is too large for
// fastjson's tree, or that fastjson refuses. A syntax error quotes the
// body, so it is answered as errNotJSON; a type error names only the path.
func stdEnvelope(body []byte) (run.Envelope, error) {
	var e run.Envelope
	err := json.Unmarshal(body, &e)
	if len(e.Issue.PullRequest) > 0 && string(e.Issue.PullRequest) != "null" {
		e.Issue.PullRequest = json.RawMessage("{}")
	} else {
		e.Issue.PullRequest = nil
	}
	if err == nil {
		err = e.Check()
	}
	var typeErr *json.UnmarshalTypeError
	var tooMany *run.TooMany
	switch {
	case err == nil:
		return e, nil
	case errors.As(err, &tooMany):
		return run.Envelope{}, notGitHub(tooMany)
	case errors.As(err, &typeErr):
		at := typeErr.Field
		if at == "" {
			at = "the delivery"
		}
		// Value is "number 1e999..." for a number that does not fit: only
		// its kind is said, never the body's text.
		kind, _, _ := strings.Cut(typeErr.Value, " ")
		return run.Envelope{}, fmt.Errorf("the delivery is not a GitHub event: %s is %s, not %s", at, kind, typeErr.Type)
	}
	return run.Envelope{}, errNotJSON
}

// parseEnvelope reads a GitHub delivery's run.Envelope fields as
// encoding/json.Unmarshal would (member names matched without regard to
// case, the last of duplicate names wins, null leaves a field as it is, a
// value of the wrong type is an error), validating the whole body, and
// holds them to GitHub's bounds (run.Envelope.Check, run.MaxLabels): a
// delivery past them is not GitHub's, and is refused before it costs.
//
// valyala/fastjson parses and validates a 12 KB delivery in about 23 µs,
// against 21 µs for go-json-experiment/json and 69 µs for encoding/json;
// the parse is most of what a delivery costs beyond its HMAC, and fastjson
// adds 65 KB to the binary where go-json-experiment/json added 647 KB. But
// fastjson builds a tree of the whole body, about 440 bytes a value (a
// 5 MiB body of small numbers once made 1.3 GB): so it reads bodies of up
// to fastjsonValues values, at most fastjsonSlots at once, and
// encoding/json, which builds nothing, reads the rest. encoding/json also
// has the last word on a body fastjson refuses (nesting deeper than
// fastjson's 300, say). One leniency is left: fastjson's validator lets a
// raw control character by in a string that also holds an escape, which
// encoding/json refuses; GitHub escapes every control character.
func parseEnvelope(body []byte) (run.Envelope, error) {
	n := valuesIn(body)
	if n > fastjsonValues {
		return stdEnvelope(body)
	}
	fastjsonSlots <- struct{}{}
	defer func() { <-fastjsonSlots }()
	p := envelopeParsers.Get()
	if len(body) <= pooledBytes {
		defer envelopeParsers.Put(p)
	}
	v, err := p.ParseBytes(body)
	if err == nil {
		// The parser checks only what it reads; the rest of the body is
		// checked here (numbers such as 01, escapes such as \x). The parse
		// goes first: it refuses nesting deeper than 300, which this
		// recursive check would otherwise descend.
		err = fastjson.ValidateBytes(body)
	}
	if err != nil {
		return stdEnvelope(body)
	}
	var e run.Envelope
	if v.Type() == fastjson.TypeNull {
		return e, nil
	}
	err = members(v, "", []string{"action", "number", "issue", "pull_request", "label", "assignee", "sender", "repository", "installation"}, func(at, name string, m *fastjson.Value) error {
		switch name {
		case "action":
			return str(at, m, &e.Action)
		case "number":
			return integer(at, m, &e.Number)
		case "issue":
			return members(m, at, []string{"number", "labels", "assignees", "pull_request"}, func(at, name string, m *fastjson.Value) error {
				switch name {
				case "number":
					return integer(at, m, &e.Issue.Number)
				case "labels":
					return elements(at, m, &e.Issue.Labels, run.MaxLabels, func(at string, m *fastjson.Value, l *struct{ Name string }) error {
						return field(at, m, "name", &l.Name)
					})
				case "assignees":
					return elements(at, m, &e.Issue.Assignees, run.MaxAssignees, func(at string, m *fastjson.Value, a *struct{ Login string }) error {
						return field(at, m, "login", &a.Login)
					})
				case "pull_request":
					// Only its presence is read (an issue that is a pull
					// request); a later null takes it back, as encoding/json
					// keeps the last value of a json.RawMessage.
					e.Issue.PullRequest = nil
					if m.Type() != fastjson.TypeNull {
						e.Issue.PullRequest = json.RawMessage("{}")
					}
				}
				return nil
			})
		case "pull_request":
			return members(m, at, []string{"merged", "head", "base"}, func(at, name string, m *fastjson.Value) error {
				switch name {
				case "merged":
					return boolean(at, m, &e.PullRequest.Merged)
				case "head":
					return members(m, at, []string{"ref", "sha"}, func(at, name string, m *fastjson.Value) error {
						switch name {
						case "ref":
							return str(at, m, &e.PullRequest.Head.Ref)
						case "sha":
							return str(at, m, &e.PullRequest.Head.SHA)
						}
						return nil
					})
				case "base":
					return field(at, m, "ref", &e.PullRequest.Base.Ref)
				}
				return nil
			})
		case "label":
			if m.Type() == fastjson.TypeNull {
				e.Label = nil
				return nil
			}
			if e.Label == nil {
				e.Label = new(struct{ Name string })
			}
			return field(at, m, "name", &e.Label.Name)
		case "assignee":
			if m.Type() == fastjson.TypeNull {
				e.Assignee = nil
				return nil
			}
			if e.Assignee == nil {
				e.Assignee = new(struct{ Login string })
			}
			return field(at, m, "login", &e.Assignee.Login)
		case "sender":
			return field(at, m, "login", &e.Sender.Login)
		case "repository":
			return field(at, m, "full_name", &e.Repository.FullName)
		case "installation":
			if m.Type() == fastjson.TypeNull {
				e.Installation = nil
				return nil
			}
			if e.Installation == nil {
				e.Installation = new(struct {
					ID int64 `json:"id"`
				})
			}
			return members(m, at, []string{"id"}, func(at, name string, m *fastjson.Value) error {
				if name == "id" {
					return int64Of(at, m, &e.Installation.ID)
				}
				return nil
			})
		}
		return nil
	})
	if err == nil {
		err = e.Check()
	}
	if err != nil {
		return run.Envelope{}, notGitHub(err)
	}
	return e, nil
}

// notGitHub says why a delivery is not a GitHub event steward reads.
func notGitHub(err error) error {
	var tooMany *run.TooMany
	if errors.As(err, &tooMany) {
		return fmt.Errorf("the delivery is not a GitHub event: %w", err)
	}
	return err
}

// members calls f, in order, for each member of object v whose name is one
// of names compared as encoding/json compares them (Unicode case folding),
// with the name as given in names. A null v is left alone; any other
// non-object is an error naming where it is.
func members(v *fastjson.Value, at string, names []string, f func(at, name string, m *fastjson.Value) error) error {
	switch v.Type() {
	case fastjson.TypeNull:
		return nil
	case fastjson.TypeObject:
	default:
		return mismatch(at, "an object", v)
	}
	o, _ := v.Object()
	var err error
	o.Visit(func(key []byte, m *fastjson.Value) {
		if err != nil {
			return
		}
		for _, name := range names {
			if sameName(key, name) {
				err = f(join(at, name), name, m)
				return
			}
		}
	})
	return err
}

// sameName is strings.EqualFold, quick to say no: a key of another length
// can fold to an ASCII name only through a longer letter (the Kelvin sign
// K is 3 bytes, the long s ſ 2), so an ASCII key of another length is not
// the name, and most keys are.
func sameName(key []byte, name string) bool {
	if len(key) != len(name) {
		if len(key) < len(name) || len(key) > 3*len(name) {
			return false // every letter of name folds from at most 3 bytes
		}
		ascii := true
		for _, c := range key {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			return false
		}
	}
	return strings.EqualFold(string(key), name)
}

// field reads the one member name of object v as a string.
func field(at string, v *fastjson.Value, name string, out *string) error {
	return members(v, at, []string{name}, func(at, _ string, m *fastjson.Value) error {
		return str(at, m, out)
	})
}

// elements reads array v into *out, each element by one; null leaves *out nil.
func elements[S ~[]T, T any](at string, v *fastjson.Value, out *S, max int, one func(at string, m *fastjson.Value, x *T) error) error {
	switch v.Type() {
	case fastjson.TypeNull:
		*out = nil
		return nil
	case fastjson.TypeArray:
	default:
		return mismatch(at, "an array", v)
	}
	a, _ := v.Array()
	if len(a) > max {
		return &run.TooMany{Field: at, Max: max, What: "elements"}
	}
	if len(a) == 0 {
		*out = S{}
		return nil
	}
	// As encoding/json: the slice is refilled from length zero, and an
	// element within its capacity is decoded over what it held (a second
	// "labels" member in the same object keeps the first one's values
	// where it says nothing).
	s := (*out)[:0]
	if s == nil {
		s = make([]T, 0, len(a))
	}
	for i, m := range a {
		if i < cap(s) {
			s = s[:i+1]
		} else {
			var zero T
			s = append(s, zero)
		}
		if err := one(fmt.Sprintf("%s[%d]", at, i), m, &s[i]); err != nil {
			return err
		}
	}
	*out = s
	return nil
}

func str(at string, v *fastjson.Value, out *string) error {
	// Before Type, which unescapes a string in place: a string with
	// escapes is read by encoding/json, which turns a lone surrogate
	// (\ud800) into U+FFFD where fastjson keeps its text. Logins, labels,
	// refs and names seldom have escapes.
	raw := v.MarshalTo(nil)
	switch v.Type() {
	case fastjson.TypeNull:
		return nil
	case fastjson.TypeString:
		// Each byte read comes from at most six of the text (\u0041): a
		// longer text is surely past the bound, and is not decoded at all.
		if len(raw) > 6*run.MaxString+2 {
			return &run.TooMany{Field: at, Max: run.MaxString, What: "bytes"}
		}
		if bytes.IndexByte(raw, '\\') >= 0 {
			return json.Unmarshal(raw, out)
		}
		*out = validUTF8(raw[1 : len(raw)-1])
		return nil
	}
	return mismatch(at, "a string", v)
}

// validUTF8 replaces each byte that is not UTF-8 with U+FFFD, one for
// one, as encoding/json does.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		s.WriteRune(r) // RuneError for a byte that is not UTF-8
		b = b[n:]
	}
	return s.String()
}

func boolean(at string, v *fastjson.Value, out *bool) error {
	switch v.Type() {
	case fastjson.TypeNull:
		return nil
	case fastjson.TypeTrue:
		*out = true
		return nil
	case fastjson.TypeFalse:
		*out = false
		return nil
	}
	return mismatch(at, "true or false", v)
}

func int64Of(at string, v *fastjson.Value, out *int64) error {
	if v.Type() == fastjson.TypeNull {
		return nil
	}
	if v.Type() == fastjson.TypeNumber {
		// As encoding/json reads an integer field: strconv.ParseInt of the
		// text, which refuses fractions, exponents and values out of range.
		// A text longer than any int64 is refused unread.
		if raw := v.MarshalTo(nil); len(raw) <= 20 {
			if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
				*out = n
				return nil
			}
		}
	}
	return mismatch(at, "an integer", v)
}

func integer(at string, v *fastjson.Value, out *int) error {
	var n int64
	if err := int64Of(at, v, &n); err != nil {
		return err
	}
	if v.Type() == fastjson.TypeNull {
		return nil
	}
	if n < math.MinInt || n > math.MaxInt {
		return mismatch(at, "an integer", v)
	}
	*out = int(n)
	return nil
}

// errNotJSON is a body that is not JSON at all.
var errNotJSON = errors.New("the delivery is not JSON")

// mismatch is a member of the wrong JSON type, named by its path: what
// encoding/json would refuse with an UnmarshalTypeError.
func mismatch(at, want string, v *fastjson.Value) error {
	if at == "" {
		at = "the delivery"
	}
	return fmt.Errorf("the delivery is not a GitHub event: %s is %s, not %s", at, v.Type(), want)
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}
