package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/run"
)

// reference is what encoding/json makes of a body, with the pull-request
// marker reduced to what parseEnvelope keeps.
func reference(body []byte) (run.Envelope, error) {
	var e run.Envelope
	err := json.Unmarshal(body, &e)
	if err == nil {
		err = e.Check()
	}
	if len(e.Issue.PullRequest) > 0 && string(e.Issue.PullRequest) != "null" {
		e.Issue.PullRequest = json.RawMessage("{}")
	} else {
		e.Issue.PullRequest = nil
	}
	return e, err
}

func TestParseEnvelopeReadsEveryRecordedDeliveryAsEncodingJSON(t *testing.T) {
	files, err := filepath.Glob("testdata/webhooks/*.json")
	if err != nil || len(files) < 20 {
		t.Fatalf("recorded deliveries: %d, %v", len(files), err)
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := reference(body)
		if err != nil {
			t.Fatalf("%s: encoding/json: %v", f, err)
		}
		got, err := parseEnvelope(body)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", f, got, want)
		}
	}
}

func TestParseEnvelopeAgreesWithEncodingJSON(t *testing.T) {
	for _, body := range envelopeCorpus {
		checkEnvelope(t, []byte(body))
	}
}

func TestParseEnvelopeNamesWhatIsWrong(t *testing.T) {
	for body, want := range map[string]string{
		`{"issue":{"number":"7"}}`:                  "issue.number is string, not an integer",
		`{"issue":{"labels":[{"name":5}]}}`:         "issue.labels.name is number, not a string",
		`{"issue":{"labels":"secret-text"}}`:        "issue.labels is string, not an array",
		`{"installation":{"id":1.5}}`:               "installation.id is number, not an integer",
		`{"pull_request":{"merged":"yes"}}`:         "pull_request.merged is string, not true or false",
		`{"pull_request":{"head":{"SHA":5}}}`:       "pull_request.head.sha is number, not a string",
		`[1]`:                                       "the delivery is array, not an object",
		`{"a":01}`:                                  "the delivery is not JSON",
		`{"sender":{"login":"secret-text"`:          "the delivery is not JSON",
		`{"repository":{"full_name":"x"}} trailing`: "the delivery is not JSON",
		`{"issue":{"labels":[` + strings.Repeat(`{"name":"`+strings.Repeat("a", 200)+`"},`, 99) + `{}]}}`: "the delivery's strings has more than 16384 bytes together",
		`{"issue":{"labels":[` + strings.Repeat(`{},`, 100) + `{}]}}`:                                     "issue.labels has more than 100 elements",
		`{"issue":{"assignees":[` + strings.Repeat(`{},`, 10) + `{}]}}`:                                   "issue.assignees has more than 10 elements",
		`{"label":{"name":"` + strings.Repeat("a", 257) + `"}}`:                                           "label.name has more than 256 bytes",
		`{"issue":{"number":1e999}}`:                                                                      "issue.number is number, not an integer",
		// Past tokensFit's bounds, refused before encoding/json decodes them.
		`{"` + strings.Repeat("secret-text", 24) + `":1}`:               "a member name has more than 256 bytes",
		`{"x":1` + strings.Repeat("0", 64) + `}`:                        "a number has more than 64 bytes",
		"{\"x\":\"" + strings.Repeat("\xff", 6*run.MaxString+1) + "\"}": "a string that is not UTF-8 has more than 1536 bytes",
		`{"` + strings.Repeat("secret-text", 24) + `":1} trailing`:      "the delivery is not JSON",
		`{"x":[1` + strings.Repeat("0", 64) + `,{"secret-text":}]}`:     "the delivery is not JSON",
	} {
		_, err := parseEnvelope([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.80s: %v, want %q", body, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "secret-text") {
			t.Errorf("%.80s: the error quotes the body: %v", body, err)
		}
	}
}

// envelopeCorpus holds the corners where a lenient or differently-minded
// parser would read a delivery otherwise than encoding/json does.
var envelopeCorpus = []string{
	`null`, `{}`, `[]`, `"x"`, `5`, `true`, ``, ` `, `{`, `{"a":01}`, `{"a":1}x`, `{"a":"\x"}`,
	`{"action":"labeled","number":3,"issue":{"number":7,"labels":[{"name":"support"},null,{}],"assignees":[{"login":"ada"}]}}`,
	`{"ACTION":"opened","Issue":{"NUMBER":9}}`,
	`{"action":"a","action":"b"}`,
	`{"label":{"name":"x"},"label":null}`,
	`{"label":null,"label":{"name":"x"}}`,
	`{"label":{"name":"x"},"label":{}}`,
	`{"installation":{"id":9223372036854775807}}`,
	`{"installation":{"id":9223372036854775808}}`,
	`{"installation":{"id":-1}}`,
	`{"installation":{"id":1e3}}`,
	`{"installation":null}`,
	`{"issue":{"number":1.0}}`,
	`{"issue":{"number":-0}}`,
	`{"issue":{"number":null,"labels":null}}`,
	`{"issue":{"labels":"support"}}`,
	`{"issue":{"labels":[{"name":"a"}],"labels":[]}}`,
	`{"issue":{"pull_request":null}}`,
	`{"issue":{"pull_request":{"url":"x"}}}`,
	`{"issue":{"pull_request":5}}`,
	`{"issue":5}`,
	`{"pull_request":{"merged":true,"head":{"ref":"steward/rotation-1","sha":"abc","SHA":"def"},"base":{"ref":"main"}}}`,
	`{"pull_request":{"merged":null}}`,
	`{"sender":{"login":"\u00e9\ud83d\ude00"}}`,
	`{"sender":{"login":"\ud800"}}`,
	"{\"sender\":{\"login\":\"\xff\"}}",
	`{"ſender":{"login":"long-s"},"rKpository":{"full_name":"kelvin"}}`,
	`{"repository":{"full_name":"Org/Repo","FULL_NAME":"org/other"}}`,
	`{"number":2147483648}`,
	`{"a":[[[[[[[[[[]]]]]]]]]]}`,
	strings.Repeat("[", 301) + strings.Repeat("]", 301),
	`{"x":` + strings.Repeat("[", 400) + strings.Repeat("]", 400) + `}`,
	strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001),
	`{"issue":{"labels":[{"name":"a"}],"labels":[{}]}}`,
	`{"issue":{"labels":[{"name":"a"},{"name":"b"}],"labels":[null]}}`,
	`{"issue":{"labels":[{"name":"a"}],"labels":[],"labels":[{}]}}`,
	`{"issue":{"assignees":[{"login":"a"}],"assignees":[{"login":"b"},{}]}}`,
	`{"issue":{"pull_request":{},"pull_request":null}}`,
	`{"issue":{"pull_request":null,"pull_request":{}}}`,
	"{\"sender\":{\"login\":\"a\tb\"}}",
	"{\"sender\":{\"login\":\"a\nb\"}}",
	"{\n\t\"action\": \"opened\"\r\n}",
	`{"issue":{"number":"7"}}`,
	`{"installation":{"id":"1"}}`,
	`{"label":"x"}`,
	`{"issue":{"labels":[` + strings.Repeat(`{"name":"a"},`, run.MaxLabels-1) + `{"name":"a"}]}}`,
	`{"issue":{"labels":[` + strings.Repeat(`{"name":"a"},`, run.MaxLabels) + `{"name":"a"}]}}`,
	`{"issue":{"labels":[` + strings.Repeat(`0,`, run.MaxLabels) + `0]}}`,
	`{"issue":{"assignees":[` + strings.Repeat(`{},`, run.MaxAssignees) + `{}]}}`,
	`{"label":{"name":"` + strings.Repeat("a", run.MaxString) + `"}}`,
	`{"label":{"name":"` + strings.Repeat("a", run.MaxString+1) + `"}}`,
	`{"sender":{"login":"` + strings.Repeat(`\u00e9`, run.MaxString/2) + `"}}`,
	`{"sender":{"login":"` + strings.Repeat(`\u00e9`, run.MaxString/2+1) + `"}}`,
	"{\"sender\":{\"login\":\"" + strings.Repeat("\xff", run.MaxString/3) + "\"}}",
	"{\"sender\":{\"login\":\"" + strings.Repeat("\xff", run.MaxString/3+1) + "\"}}",
	`{"issue":{"number":1e999}}`,
	`{"issue":{"number":12345678901234567890}}`,
	`{"issue":{"number":-9223372036854775808}}`,
	`{"installation":{"id":00}}`,
	"{\"x\":\"\x01\\n\"}",
	// At tokensFit's bounds: read as encoding/json reads them.
	`{"` + strings.Repeat("k", maxName) + `":1}`,
	`{"x":1` + strings.Repeat("0", maxNumber-1) + `}`,
	"{\"x\":\"" + strings.Repeat("\xff", maxNotUTF8) + "\"}",
}

// checkEnvelope holds parseEnvelope to encoding/json on one body: both
// refuse it, or both read the same fields. A token past tokensFit's bounds
// is refused where encoding/json would read it at several times its size.
func checkEnvelope(t *testing.T, body []byte) {
	t.Helper()
	want, werr := reference(body)
	got, gerr := parseEnvelope(body)
	switch {
	case werr != nil && gerr != nil:
	case werr != nil:
		t.Errorf("%q: encoding/json refuses it (%v), parseEnvelope reads %+v", body, werr, got)
	case gerr != nil && tokensFit(body) != nil:
	case gerr != nil:
		t.Errorf("%q: parseEnvelope refuses it (%v), encoding/json reads %+v", body, gerr, want)
	case !reflect.DeepEqual(got, want):
		t.Errorf("%q:\n got %+v\nwant %+v", body, got, want)
	}
}

func FuzzParseEnvelope(f *testing.F) {
	for _, b := range envelopeCorpus {
		f.Add([]byte(b))
	}
	if body, err := os.ReadFile("testdata/webhooks/issues.labeled.json"); err == nil {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkEnvelope(t, body)
	})
}

// BenchmarkParseEnvelope is the delivery path's parse of a recorded 12 KB
// issues.labeled delivery.
func BenchmarkParseEnvelope(b *testing.B) {
	body, err := os.ReadFile("testdata/webhooks/issues.labeled.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseEnvelope(body); err != nil {
			b.Fatal(err)
		}
	}
}

// A signed body of small numbers once made a tree of 1.3 GB from 5 MiB:
// the bytes a parse allocates stay within bounds whatever the body.
func TestParseEnvelopeMemoryIsBounded(t *testing.T) {
	numbers := func(n int) []byte { // a body of n+2 values
		return []byte(`{"x":[` + strings.Repeat("0,", n-1) + `0]}`)
	}
	for _, c := range []struct {
		name string
		body []byte
		max  float64 // MiB allocated
	}{
		// What steward does not read is skipped, not copied.
		{"5 MiB of numbers, the largest body the server takes", numbers(5 << 19), 1},
		{"5 MiB in one string: two values", []byte(`{"x":"` + strings.Repeat("a", 5<<20) + `"}`), 1},
		// What steward reads, made huge: refused at GitHub's bounds.
		{"5 MiB of numbers as labels", []byte(`{"issue":{"labels":[` + strings.Repeat("0,", 5<<19) + `0]}}`), 1},
		{"5 MiB of empty labels", []byte(`{"issue":{"labels":[` + strings.Repeat("{},", 5<<19/2*2/3) + `{}]}}`), 1},
		// A text read is copied once more before it is refused: two
		// copies of the body at most, never more.
		{"a 5 MiB label name", []byte(`{"label":{"name":"` + strings.Repeat("a", 5<<20) + `"}}`), 6},
		{"a 5 MiB label name of escapes", []byte(`{"label":{"name":"` + strings.Repeat(`\u00e9`, 5<<20/6) + `"}}`), 11},
		{"a 5 MiB name in issue.labels", []byte(`{"issue":{"labels":[{"name":"` + strings.Repeat("a", 5<<20) + `"}]}}`), 6},
		// Tokens encoding/json would decode at several times their size:
		// refused by tokensFit, however many values come with them.
		{"a 5 MiB label name, not UTF-8", []byte(`{"label":{"name":"` + strings.Repeat("\xff", 5<<20) + `"}}`), 1},
		{"a 5 MiB number", []byte(`{"issue":{"number":1` + strings.Repeat("0", 5<<20) + `}}`), 1},
		{"a 5 MiB key", []byte(`{"` + strings.Repeat("é", 5<<19) + `":1}`), 1},
		{"a 5 MiB key after 8,200 numbers", []byte(`{"x":[` + strings.Repeat("0,", 8200) + `0],"` + strings.Repeat("é", 5<<19) + `":1}`), 1},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		parseEnvelope(c.body) // refused or read: what it costs is the point
		runtime.ReadMemStats(&after)
		if got := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20); got > c.max {
			t.Errorf("%s: %.1f MiB allocated, want at most %.0f", c.name, got, c.max)
		} else {
			t.Logf("%s (%d bytes): %.2f MiB allocated", c.name, len(c.body), got)
		}
	}
}
