package gh_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/sandbox"
)

// blackhole is sandbox.Blackhole, closed when the test ends.
func blackhole(t *testing.T) string {
	t.Helper()
	url, stop, err := sandbox.Blackhole()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// Issue #12, defect 4: finding the App's installation ignored the
// context, so a shutdown waited on an unreachable GitHub for minutes.
func TestFindingTheInstallationHonoursTheContext(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	time.AfterFunc(200*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		c, err := gh.New(gh.Config{APIURL: blackhole(t), AppID: 9, PrivateKey: pemKey, Repo: "acme/support"})
		if err == nil {
			_, _, err = gh.RESTOf(c).Issues.Get(ctx, "acme", "support", 1)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("after cancelling: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %s to stop after the context ended", d)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("still looking for the installation 20 s after the context was cancelled")
	}
}
