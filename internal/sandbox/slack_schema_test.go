package sandbox

import "testing"

func TestSlackSchemaCheckCatchesAWrongAnswer(t *testing.T) {
	s, err := loadSlackSpec()
	if err != nil {
		t.Fatal(err)
	}
	good := `{"ok":true,"channel":"C0TICKETS1","permalink":"https://x.slack.com/archives/C0TICKETS1/p1700000000000001"}`
	if p := s.validateAnswer("chat.getPermalink", []byte(good)); len(p) > 0 {
		t.Fatalf("a good answer fails: %v", p)
	}
	for name, bad := range map[string]string{
		"a required field missing":       `{"ok":true,"channel":"C0TICKETS1"}`,
		"a field not in the schema":      `{"ok":true,"channel":"C0TICKETS1","permalink":"https://x","extra":1}`,
		"a channel id of the wrong form": `{"ok":true,"channel":"general","permalink":"https://x"}`,
		"ok false in a success":          `{"ok":false,"channel":"C0TICKETS1","permalink":"https://x"}`,
	} {
		if p := s.validateAnswer("chat.getPermalink", []byte(bad)); len(p) == 0 {
			t.Errorf("%s passes the check", name)
		}
	}
}
