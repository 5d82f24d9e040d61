package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/support-steward/steward/internal/run"
)

// count records an answer in the deliveries metric.
func (s *Server) count(source, event string, code int) {
	s.m.delivered(source, event, code)
}

// metricEvent keeps the metric's labels few: events steward does not act
// on are "other".
func (s *Server) metricEvent(event string) string {
	if _, ok := s.handlers[event]; ok || event == "ping" || event == "installation" {
		return event
	}
	return "other"
}

func (s *Server) github(w http.ResponseWriter, r *http.Request) {
	event := r.Header.Get("X-GitHub-Event")
	metricEvent := s.metricEvent(event)
	// Refused before a byte of the body is read: a delivery that cannot
	// be GitHub's.
	sig := r.Header.Get("X-Hub-Signature-256")
	if !signatureHeader(sig) {
		s.answer(w, "github", metricEvent, http.StatusUnauthorized, "missing or invalid X-Hub-Signature-256")
		return
	}
	body, release, code := s.readBody(w, r)
	if code != http.StatusOK {
		s.count("github", metricEvent, code)
		return
	}
	defer release()
	if !ValidSignature(s.cfg.WebhookSecret, body, sig) {
		s.answer(w, "github", metricEvent, http.StatusUnauthorized, "missing or invalid X-Hub-Signature-256")
		return
	}
	if event == "" {
		s.answer(w, "github", "none", http.StatusBadRequest, "missing X-GitHub-Event")
		return
	}
	if _, ok := s.handlers[event]; !ok {
		if !json.Valid(body) {
			s.answer(w, "github", metricEvent, http.StatusBadRequest, "the delivery is not JSON")
			return
		}
		s.answer(w, "github", metricEvent, http.StatusOK, "nothing to do for "+event)
		return
	}
	// One parse, here (parseEnvelope): it answers malformed JSON with 400,
	// and the queue keeps only the fields the work reads.
	env, err := parseEnvelope(body)
	if err != nil {
		s.answer(w, "github", metricEvent, http.StatusBadRequest, err.Error())
		return
	}
	delivery := r.Header.Get("X-GitHub-Delivery")
	if delivery != "" && !s.seen.add(delivery) {
		s.answer(w, "github", metricEvent, http.StatusOK, "delivery "+delivery+" was received before: it is done once")
		return
	}
	key, variant := githubKey(event, env)
	j := &job{key: key, variant: variant, source: "github", event: event, delivery: delivery, payload: compactEnvelope(env)}
	if delivery != "" {
		j.deliveries = []string{delivery}
	}
	s.enqueue(w, j, metricEvent)
}

// enqueue queues j and answers: 202 when it waits or joined a waiting job
// for the same work; 503 only when the queue is full of other work or the
// server is shutting down.
func (s *Server) enqueue(w http.ResponseWriter, j *job, metricEvent string) {
	switch s.queue.push(j) {
	case queued:
		s.answer(w, j.source, metricEvent, http.StatusAccepted, "queued")
	case coalesced:
		s.m.coalesced.Inc()
		s.answer(w, j.source, metricEvent, http.StatusAccepted, "queued with an earlier delivery asking the same of "+j.key)
	case full:
		s.seen.forget(j.deliveries...)
		s.log.Warn("queue full: delivery refused; "+j.catchUp(), "delivery", j.delivery, "event", j.event, "key", j.key)
		s.answer(w, j.source, metricEvent, http.StatusServiceUnavailable,
			fmt.Sprintf("busy: %d jobs are waiting; %s", s.cfg.QueueSize, j.catchUp()))
	case closed:
		s.seen.forget(j.deliveries...)
		s.answer(w, j.source, metricEvent, http.StatusServiceUnavailable, "shutting down; "+j.catchUp())
	}
}

// githubKey says which thing a delivery is about (the key no two workers
// hold at once) and what it asks of it (the variant: deliveries of one key
// and variant waiting together are done once, with the newest payload).
//
// An issue is reconciled whole whatever the action, so every delivery for
// it is one variant; an issue that mirrors a ticket shares the ticket's
// key with FreshDesk's deliveries, so the pair is never worked on twice at
// once. A pull request asks for the roster check (opened, synchronize,
// reopened: the newest head wins), for the stewards' sync (closed), or for
// nothing: at most three variants, whatever GitHub sends.
func githubKey(event string, env run.Envelope) (key, variant string) {
	repo := strings.ToLower(env.Repository.FullName)
	if event != "pull_request" {
		if env.Issue.Ticket != 0 {
			return ticketKey(int64(env.Issue.Ticket)), event
		}
		return "issue:" + repo + "#" + strconv.Itoa(env.Issue.Number), event
	}
	key = "pull:" + repo + "#" + strconv.Itoa(env.Number)
	switch env.Action {
	case "opened", "synchronize", "reopened":
		return key, "check"
	case "closed":
		return key, "closed"
	}
	return key, "other"
}

// catchUp says what does a job's work when the server cannot: the
// scheduled run reconciles every issue and ticket (the board, both sides'
// status, routing) and syncs the stewards' team; only a pull request's
// roster check waits for its next push.
func (j *job) catchUp() string {
	if strings.HasPrefix(j.key, "pull:") && j.variant == "check" {
		return "the roster check runs again on the pull request's next push, or when the delivery is redelivered"
	}
	return "the next scheduled run does its work"
}

// ticketKey is the key of a ticket and the issue that mirrors it.
func ticketKey(id int64) string { return "ticket:" + strconv.FormatInt(id, 10) }

// compactEnvelope is what the queue keeps of a delivery: the fields the
// work reads (at most run.MaxStrings of text, parseEnvelope made sure, with
// a pull request's presence already reduced to {}), not the body (up to
// BodyLimit).
func compactEnvelope(env run.Envelope) []byte {
	b, err := json.Marshal(env)
	if err != nil {
		panic(err) // a struct of strings and numbers always encodes
	}
	return b
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
	// The secret is a header: checked before the body is read.
	if !freshdeskAuthorized(r, s.cfg.FreshdeskToken) {
		s.answer(w, "freshdesk", "ticket", http.StatusUnauthorized,
			"missing or wrong "+FreshdeskHeader+" (or Basic auth password): the token is FRESHDESK_WEBHOOK_TOKEN")
		return
	}
	body, release, code := s.readBody(w, r)
	if code != http.StatusOK {
		s.count("freshdesk", "ticket", code)
		return
	}
	defer release()
	id, err := ticketID(body)
	if err != nil {
		s.answer(w, "freshdesk", "ticket", http.StatusBadRequest, err.Error())
		return
	}
	if _, ok := s.handlers[FreshdeskEvent]; !ok {
		s.answer(w, "freshdesk", "ticket", http.StatusOK, "nothing to do for FreshDesk deliveries")
		return
	}
	t := strconv.FormatInt(id, 10)
	s.enqueue(w, &job{key: ticketKey(id), variant: FreshdeskEvent, source: "freshdesk", event: FreshdeskEvent,
		delivery: "freshdesk-" + t, payload: []byte(`{"ticket_id":` + t + `}`)}, "ticket")
}

// freshdeskAuthorized reports whether a delivery carries the token. FreshDesk
// signs nothing; an automation rule's "Trigger webhook" can send a custom
// header (X-Steward-Token) or Basic auth (any user name, the token as the
// password), so both are accepted. Each is compared in constant time, over
// SHA-256 digests so that not even the token's length shows, and both are
// always compared.
func freshdeskAuthorized(r *http.Request, token string) bool {
	want := sha256.Sum256([]byte(token))
	header := sha256.Sum256([]byte(r.Header.Get(FreshdeskHeader)))
	ok := subtle.ConstantTimeCompare(header[:], want[:])
	_, password, basic := r.BasicAuth()
	pass := sha256.Sum256([]byte(password))
	ok |= subtle.ConstantTimeCompare(pass[:], want[:]) & subtle.ConstantTimeEq(boolInt(basic), 1)
	return ok == 1
}

func boolInt(b bool) int32 {
	if b {
		return 1
	}
	return 0
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
