package sandbox

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// slackParams are a method's arguments, from wherever the client put them:
// the query, a form body or a JSON body, as Slack accepts all three.
type slackParams struct {
	url.Values
	// token is the token presented, from the Authorization header or the
	// token argument.
	token string
}

// slackTeamID is the sandbox workspace's id.
const slackTeamID = "T0SANDBOX1"

// slackBotID is the bot's bot id (B...), distinct from its user id.
const slackBotID = "B0STEWARD1"

func readSlackParams(r *http.Request) (slackParams, error) {
	p := slackParams{Values: r.URL.Query()}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method == http.MethodPost {
		switch ct {
		case "application/json":
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				return p, fmt.Errorf("invalid_json")
			}
			for k, v := range body {
				switch v := v.(type) {
				case string:
					p.Set(k, v)
				default:
					b, _ := json.Marshal(v)
					p.Set(k, string(b))
				}
			}
		case "application/x-www-form-urlencoded", "":
			if err := r.ParseForm(); err != nil {
				return p, fmt.Errorf("invalid_form_data")
			}
			for k, v := range r.PostForm {
				p.Values[k] = v
			}
		default:
			return p, fmt.Errorf("invalid_post_type")
		}
	}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		p.token = strings.TrimPrefix(auth, "Bearer ")
	} else {
		p.token = p.Get("token")
	}
	return p, nil
}

// serve wraps a method with what every method does first: arguments,
// authentication, scopes and the rate limit.
func (s *Slack) serve(name string) http.HandlerFunc {
	m := slackMethods[name]
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := readSlackParams(r)
		if err != nil {
			slackFail(w, err.Error())
			return
		}
		s.checkContract(r, name, p)
		switch {
		case p.token == "":
			slackFail(w, "not_authed")
			return
		case s.opts.Token == "" || p.token != s.opts.Token:
			slackFail(w, "invalid_auth")
			return
		}
		if m.scope != "" && s.opts.Scopes != nil && !slices.Contains(s.opts.Scopes, m.scope) {
			slackJSON(w, map[string]any{"ok": false, "error": "missing_scope", "needed": m.scope,
				"provided": strings.Join(s.opts.Scopes, ",")})
			return
		}
		if !s.admit(w, name, m, p.Get("channel")) {
			return
		}
		rec := httptest.NewRecorder()
		m.serve(s, rec, p)
		s.checkAnswer(name, rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}
}

// checkAnswer records how a success answer of the emulator departs from the
// description's schema for it: the emulator is held to Slack's contract as
// the client is.
func (s *Slack) checkAnswer(method string, body []byte) {
	var head struct{ OK bool }
	if json.Unmarshal(body, &head) != nil || !head.OK {
		return
	}
	spec, err := loadSlackSpec()
	var problems []string
	if err != nil {
		problems = []string{"the Slack description does not load: " + err.Error()}
	} else {
		problems = spec.validateAnswer(method, body)
	}
	if len(problems) > 0 {
		s.mu.Lock()
		for _, p := range problems {
			s.violations = append(s.violations, "answer of "+p)
		}
		s.mu.Unlock()
	}
}

// checkContract records how a request departs from Slack's description.
func (s *Slack) checkContract(r *http.Request, name string, p slackParams) {
	if problems := checkSlackRequest(r, name, p); len(problems) > 0 {
		s.mu.Lock()
		s.violations = append(s.violations, problems...)
		s.mu.Unlock()
	}
}

// admit charges one request against the method's minute and, for
// chat.postMessage, the channel's second; over either it answers 429 with
// Retry-After, as Slack does.
func (s *Slack) admit(w http.ResponseWriter, name string, m slackMethod, channel string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	limit := m.perMinute
	if n, ok := s.opts.Tiers[name]; ok {
		limit = n
	}
	retry, ok := s.charge(name, now, time.Minute, limit)
	if ok && name == "chat.postMessage" && channel != "" {
		retry, ok = s.charge(name+" "+channel, now, time.Second, s.opts.PostBurst)
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return false
	}
	return true
}

// charge counts one request in the window of key; s.mu is held. When the
// window is full it returns the whole seconds until it ends.
func (s *Slack) charge(key string, now time.Time, span time.Duration, limit int) (retryAfter int, ok bool) {
	win := s.windows[key]
	if win == nil || now.Sub(win.start) >= span || now.Before(win.start) {
		win = &slackWindow{start: now}
		s.windows[key] = win
	}
	if win.used >= limit {
		return max(1, int((win.start.Add(span).Sub(now)+time.Second-1)/time.Second)), false
	}
	win.used++
	return 0, true
}

func (s *Slack) authTest(w http.ResponseWriter, _ slackParams) {
	slackJSON(w, map[string]any{"ok": true, "url": fmt.Sprintf("https://%s.slack.com/", s.opts.Workspace),
		"team": "Steward Sandbox", "user": "steward", "team_id": slackTeamID, "user_id": s.opts.BotUserID,
		"bot_id": slackBotID, "is_enterprise_install": false})
}

// channelFor finds a channel the bot may post in; s.mu is held.
func (s *Slack) channelFor(w http.ResponseWriter, id string) *SlackChannel {
	c, ok := s.channels[id]
	switch {
	case !ok, c.Private && !slices.Contains(c.Members, s.opts.BotUserID):
		// A private channel the bot is not in does not exist, for the bot.
		slackFail(w, "channel_not_found")
		return nil
	case !slices.Contains(c.Members, s.opts.BotUserID):
		slackFail(w, "not_in_channel")
		return nil
	}
	return c
}

// messageJSON renders m as Slack's message object.
func (s *Slack) messageJSON(m *SlackMessage) map[string]any {
	out := map[string]any{"type": "message", "ts": m.TS, "text": m.Text, "user": m.User,
		"bot_id": slackBotID, "team": slackTeamID}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
		out["parent_user_id"] = m.User
	}
	return out
}

func (s *Slack) postMessage(w http.ResponseWriter, p slackParams) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.Get("channel") == "" {
		slackFail(w, "channel_not_found")
		return
	}
	c := s.channelFor(w, p.Get("channel"))
	if c == nil {
		return
	}
	text := p.Get("text")
	if strings.TrimSpace(text) == "" && p.Get("blocks") == "" && p.Get("attachments") == "" {
		slackFail(w, "no_text")
		return
	}
	if len(text) > 40000 {
		slackFail(w, "msg_too_long")
		return
	}
	thread := p.Get("thread_ts")
	if thread != "" {
		parent := s.find(c.ID, thread)
		if parent == nil {
			// Slack answers an unknown thread_ts with a top-level message; a
			// client that relies on that loses its thread, so the emulator
			// refuses it loudly instead.
			slackFail(w, "thread_not_found")
			return
		}
		if parent.ThreadTS != "" {
			thread = parent.ThreadTS // a reply to a reply joins the parent's thread
		}
	}
	m := &SlackMessage{Channel: c.ID, TS: s.nextTS(), ThreadTS: thread, User: s.opts.BotUserID, Text: text}
	s.messages = append(s.messages, m)
	slackJSON(w, map[string]any{"ok": true, "channel": c.ID, "ts": m.TS, "message": s.messageJSON(m)})
}

func (s *Slack) getPermalink(w http.ResponseWriter, p slackParams) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[p.Get("channel")]; !ok {
		slackFail(w, "channel_not_found")
		return
	}
	m := s.find(p.Get("channel"), p.Get("message_ts"))
	if m == nil || m.Deleted {
		slackFail(w, "message_not_found")
		return
	}
	slackJSON(w, map[string]any{"ok": true, "channel": m.Channel, "permalink": s.Permalink(m.Channel, m.TS, m.ThreadTS)})
}

func (s *Slack) deleteMessage(w http.ResponseWriter, p slackParams) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[p.Get("channel")]; !ok {
		slackFail(w, "channel_not_found")
		return
	}
	m := s.find(p.Get("channel"), p.Get("ts"))
	switch {
	case m == nil || m.Deleted:
		slackFail(w, "message_not_found")
		return
	case m.User != s.opts.BotUserID:
		slackFail(w, "cant_delete_message")
		return
	}
	m.Deleted = true
	slackJSON(w, map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS})
}

// group finds a user group, or answers why not; s.mu is held.
func (s *Slack) group(w http.ResponseWriter, id string) *SlackUserGroup {
	if s.opts.FreeWorkspace {
		// usergroups.users.list and .update on a free workspace (Slack's
		// method reference; slack-ruby/slack-api-ref), not paid_teams_only.
		slackFail(w, "plan_upgrade_required")
		return nil
	}
	g, ok := s.groups[id]
	if !ok {
		slackFail(w, "no_such_subteam")
		return nil
	}
	return g
}

func (s *Slack) userGroupUsers(w http.ResponseWriter, p slackParams) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.group(w, p.Get("usergroup"))
	if g == nil {
		return
	}
	slackJSON(w, map[string]any{"ok": true, "users": append([]string{}, g.Users...)})
}

func (s *Slack) updateUserGroupUsers(w http.ResponseWriter, p slackParams) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.group(w, p.Get("usergroup"))
	if g == nil {
		return
	}
	var users []string
	failed := false
	for _, u := range strings.Split(p.Get("users"), ",") {
		if u = strings.TrimSpace(u); u == "" {
			continue
		}
		if !s.users[u] {
			slackFail(w, "invalid_users")
			return
		}
		if u == s.opts.BotUserID {
			slackFail(w, "user_is_bot")
			return
		}
		if !slices.Contains(users, u) {
			users = append(users, u)
		}
		failed = failed || s.failUsers[u]
	}
	switch {
	case len(users) == 0:
		// A user group cannot be emptied; it can only be disabled.
		slackFail(w, "no_users_provided")
		return
	case s.opts.MaxGroupUsers > 0 && len(users) > s.opts.MaxGroupUsers:
		slackFail(w, "subteam_max_users_exceeded")
		return
	case failed:
		// Slack's reference does not say whether the other users were set:
		// the emulator leaves the group as it was.
		slackFail(w, "failed_for_some_users")
		return
	}
	g.Users = users
	now := s.clock.Now().Unix()
	slackJSON(w, map[string]any{"ok": true, "usergroup": map[string]any{
		"id": g.ID, "team_id": slackTeamID, "is_usergroup": true, "is_subteam": true, "name": g.Name,
		"description": "", "handle": g.Handle, "is_external": false, "date_create": now, "date_update": now,
		"date_delete": 0, "auto_type": nil, "auto_provision": false, "enterprise_subteam_id": "",
		"created_by": s.opts.BotUserID, "updated_by": s.opts.BotUserID, "deleted_by": nil,
		"prefs": map[string]any{"channels": []string{}, "groups": []string{}},
		"users": users, "user_count": len(users),
	}})
}

func slackJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	json.NewEncoder(w).Encode(v)
}

// slackFail answers `ok:false` with code: HTTP 200, as Slack does; the
// status does not tell failure, the ok field does.
func slackFail(w http.ResponseWriter, code string) {
	slackJSON(w, map[string]any{"ok": false, "error": code})
}

func slackFaultBody(kind FaultKind, status int) []byte {
	if status == http.StatusTooManyRequests {
		return []byte(`{"ok":false,"error":"ratelimited"}`)
	}
	// Slack's front end answers 5xx with a page, not JSON.
	return []byte(fmt.Sprintf("<html><body>%d %s</body></html>", status, http.StatusText(status)))
}
