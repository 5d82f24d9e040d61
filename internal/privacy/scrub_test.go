package privacy_test

import (
	"testing"

	"github.com/support-steward/steward/internal/privacy"
)

func TestScrubRemovesEmailAddressesAndPhoneNumbers(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Login loop for jane.doe@example.org", "Login loop for [email]"},
		{"From JANE+hub@Uni-Example.ac.uk: hub down", "From [email]: hub down"},
		{"Call me on +1 (555) 123-4567 today", "Call me on [phone] today"},
		{"call 555-123-4567.", "call [phone]."},
		{"UK: +44 20 7946 0958", "UK: [phone]"},
		{"office 020 7946 0958, ext 12", "office [phone], ext 12"},
		{"mobile 5551234567", "mobile [phone]"},
		{"tel. 555.123.4567 or a@b.io", "tel. [phone] or [email]"},
		{"(555)123-4567", "[phone]"},
		// Left alone: not personal data.
		{"Workshop on 2026-11-02 10:00", "Workshop on 2026-11-02 10:00"},
		{"Outage 2026-11-02 - 2026-11-05", "Outage 2026-11-02 - 2026-11-05"},
		{"Kernel dies on 10.0.12.1", "Kernel dies on 10.0.12.1"},
		{"Upgrade to JupyterHub 4.1.5", "Upgrade to JupyterHub 4.1.5"},
		{"Ticket #123456 again", "Ticket #123456 again"},
		{"Order 1234567 missing", "Order 1234567 missing"},
		{"12/25/2026 downtime", "12/25/2026 downtime"},
		{"", ""},
		{"Contact me at a.b+c@mail.example.co.uk", "Contact me at [email]"},
		{"Call +44 20 7946 0018 or (555) 123-4567", "Call [phone] or [phone]"},
		{"Since 2026-11-02 on 1.2.3, 10.0.0.12 down", "Since 2026-11-02 on 1.2.3, 10.0.0.12 down"},
		{"Error 500 at 12:30", "Error 500 at 12:30"},
	} {
		if got := privacy.Scrub(tt.in); got != tt.want {
			t.Errorf("Scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHas(t *testing.T) {
	if !privacy.Has("ping a@b.io") || privacy.Has("hub down") {
		t.Error("Has")
	}
}

func FuzzScrubLeavesNoEmailBehindAndIsStable(f *testing.F) {
	f.Add("Login loop for jane.doe@example.org, call +1 (555) 123-4567")
	f.Add("2026-11-02 10.0.0.1 v1.2.3")
	f.Fuzz(func(t *testing.T, s string) {
		once := privacy.Scrub(s)
		if twice := privacy.Scrub(once); twice != once {
			t.Errorf("not stable: %q -> %q -> %q", s, once, twice)
		}
	})
}
