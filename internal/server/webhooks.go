package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"

	"errors"
	gojson "github.com/goccy/go-json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/support-steward/steward/internal/app"
)

// readBody reads at most limit bytes, answering 413 beyond.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	var body []byte
	var err error
	if n := r.ContentLength; n > 0 && n <= s.cfg.BodyLimit {
		// The usual case: read into a buffer of the announced size.
		body = make([]byte, n)
		_, err = io.ReadFull(r.Body, body)
	} else {
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.BodyLimit))
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "delivery too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "could not read the delivery", http.StatusBadRequest)
		}
		return nil, false
	}
	return body, true
}

// ValidSignature reports whether sig is "sha256=" and the hex HMAC-SHA256
// of body under secret, compared in constant time. SHA-1 signatures are
// not accepted.
func ValidSignature(secret, body []byte, sig string) bool {
	hexSig, ok := strings.CutPrefix(sig, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

func (s *Server) answer(w http.ResponseWriter, source, event string, code int, msg string) {
	s.m.deliveries.WithLabelValues(source, event, strconv.Itoa(code)).Inc()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}

// handled is the set of events steward acts on; others are acknowledged.
var handled = map[string]bool{"issues": true, "pull_request": true}

func (s *Server) github(w http.ResponseWriter, r *http.Request) {
	event := r.Header.Get("X-GitHub-Event")
	metricEvent := event
	if !handled[event] && event != "ping" && event != "installation" {
		metricEvent = "other"
	}
	body, ok := s.readBody(w, r)
	if !ok {
		s.m.deliveries.WithLabelValues("github", metricEvent, "413").Inc()
		return
	}
	if !ValidSignature(s.cfg.WebhookSecret, body, r.Header.Get("X-Hub-Signature-256")) {
		s.answer(w, "github", metricEvent, http.StatusUnauthorized, "missing or invalid X-Hub-Signature-256")
		return
	}
	if event == "" {
		s.answer(w, "github", "none", http.StatusBadRequest, "missing X-GitHub-Event")
		return
	}
	if !handled[event] {
		if !json.Valid(body) {
			s.answer(w, "github", metricEvent, http.StatusBadRequest, "the delivery is not JSON")
			return
		}
		s.answer(w, "github", metricEvent, http.StatusOK, "nothing to do for "+event)
		return
	}
	// One parse, here: it answers malformed JSON with 400, and the worker
	// gets the fields it needs without parsing again. goccy/go-json parses
	// (and validates) a 12 KB delivery in a third of encoding/json's time,
	// which is most of the cost of a delivery beyond its HMAC.
	var env app.Envelope
	if err := gojson.Unmarshal(body, &env); err != nil {
		s.answer(w, "github", metricEvent, http.StatusBadRequest, "the delivery is not JSON")
		return
	}
	j := job{source: "github", event: event, delivery: r.Header.Get("X-GitHub-Delivery"), env: env}
	if env.Installation != nil {
		j.installation = env.Installation.ID
	}
	if !s.enqueue(j) {
		s.answer(w, "github", metricEvent, http.StatusServiceUnavailable, "busy: try again later")
		return
	}
	s.answer(w, "github", metricEvent, http.StatusAccepted, "queued")
}

// FreshdeskHeader carries the shared secret of FreshDesk deliveries.
const FreshdeskHeader = "X-Steward-Token"

// freshdesk takes an automation rule's delivery as a hint: only the ticket
// id is read, and the ticket is read again from FreshDesk.
func (s *Server) freshdesk(w http.ResponseWriter, r *http.Request) {
	if s.cfg.FreshdeskToken == "" {
		s.answer(w, "freshdesk", "ticket", http.StatusNotFound, "the FreshDesk endpoint is off: set FRESHDESK_WEBHOOK_TOKEN")
		return
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(FreshdeskHeader)), []byte(s.cfg.FreshdeskToken)) != 1 {
		s.answer(w, "freshdesk", "ticket", http.StatusUnauthorized, "missing or wrong "+FreshdeskHeader)
		return
	}
	id, err := ticketID(body)
	if err != nil {
		s.answer(w, "freshdesk", "ticket", http.StatusBadRequest, err.Error())
		return
	}
	if !s.enqueue(job{source: "freshdesk", event: "ticket", delivery: "freshdesk-" + strconv.FormatInt(id, 10), ticket: id}) {
		s.answer(w, "freshdesk", "ticket", http.StatusServiceUnavailable, "busy: try again later")
		return
	}
	s.answer(w, "freshdesk", "ticket", http.StatusAccepted, "queued")
}

// ticketID finds the ticket id in whatever the admin templated:
// {"ticket_id": 42}, {"freshdesk_webhook": {"ticket_id": 42}}, as a number
// or a string.
func ticketID(body []byte) (int64, error) {
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		return 0, errors.New("the delivery is not a JSON object")
	}
	if inner, ok := v["freshdesk_webhook"].(map[string]any); ok {
		v = inner
	}
	for _, k := range []string{"ticket_id", "id"} {
		switch x := v[k].(type) {
		case float64:
			if x > 0 && x == float64(int64(x)) {
				return int64(x), nil
			}
		case string:
			if n, err := strconv.ParseInt(strings.TrimPrefix(x, "#"), 10, 64); err == nil && n > 0 {
				return n, nil
			}
		}
	}
	return 0, errors.New(`the delivery names no ticket: template it as {"ticket_id": {{ticket.id}}}`)
}
