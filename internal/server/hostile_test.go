package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/wire"
)

// countingBody is a request body of n bytes that counts what the server
// read of it and, at its end, waits for gate (when set) before saying EOF:
// a body still arriving.
type countingBody struct {
	n, sent int64
	read    *atomic.Int64
	gate    chan struct{}
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.sent >= b.n {
		if b.gate != nil {
			<-b.gate
		}
		return 0, io.EOF
	}
	k := min(int64(len(p)), b.n-b.sent)
	clear(p[:k])
	b.sent += k
	b.read.Add(k)
	return int(k), nil
}

// Issue #12, defect 2: the body was buffered before the signature was
// checked. A delivery that cannot be GitHub's, or that announces more than
// the limit, is answered without reading its body.
func TestABodyIsNotReadWhenTheHeadersRefuseIt(t *testing.T) {
	s, _ := newServer(t, nullBackend{}, nil)
	fake := "sha256=" + strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name, sig string
		size      int64
		code      int
	}{
		{"no signature", "", 5_000_000, 401},
		{"a SHA-1 signature", "sha1=" + strings.Repeat("ab", 20), 5_000_000, 401},
		{"a signature that is not hex", "sha256=" + strings.Repeat("zz", 32), 5_000_000, 401},
		{"over the limit", fake, 6 << 20, 413},
	} {
		var read atomic.Int64
		req := httptest.NewRequest("POST", "/webhooks/github", &countingBody{n: tc.size, read: &read})
		req.ContentLength = tc.size
		req.Header.Set("X-GitHub-Event", "issues")
		if tc.sig != "" {
			req.Header.Set("X-Hub-Signature-256", tc.sig)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != tc.code || read.Load() != 0 {
			t.Errorf("%s: answered %d after reading %d bytes; want %d after reading none", tc.name, rec.Code, read.Load(), tc.code)
		}
	}
	// FreshDesk's secret is a header too.
	var read atomic.Int64
	req := httptest.NewRequest("POST", "/webhooks/freshdesk", &countingBody{n: 5_000_000, read: &read})
	req.Header.Set(FreshdeskHeader, "wrong")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 401 || read.Load() != 0 {
		t.Errorf("FreshDesk with a wrong token: %d after reading %d bytes", rec.Code, read.Load())
	}
}

// Issue #12, defect 2: 300 anonymous 5 MB bodies took the server to
// 1.59 GB. However many arrive at once, the bytes held by bodies being
// read or checked stay within the in-flight budget (32 MiB by default),
// /healthz answers throughout, and the waiting deliveries are served when
// room frees up.
func TestBytesInFlightAreCapped(t *testing.T) {
	s, _ := newServer(t, nullBackend{}, nil)
	const n, size = 24, 4 << 20
	gate := make(chan struct{})
	var read atomic.Int64 // bytes read by every body
	var doneBytes atomic.Int64
	codes := make(chan int, n)
	fake := "sha256=" + strings.Repeat("ab", 32)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := &countingBody{n: size, read: &read, gate: gate}
			req := httptest.NewRequest("POST", "/webhooks/github", body)
			req.ContentLength = -1 // unannounced: the server cannot know how much is coming
			req.Header.Set("X-GitHub-Event", "issues")
			req.Header.Set("X-Hub-Signature-256", fake)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			doneBytes.Add(body.sent)
			codes <- rec.Code
		}()
	}
	// Let every request get as far as it can, then look.
	deadline := time.Now().Add(2 * time.Second)
	var peak int64
	for time.Now().Before(deadline) {
		peak = max(peak, read.Load()-doneBytes.Load())
		rec := httptest.NewRecorder()
		t0 := time.Now()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		if rec.Code != 200 || time.Since(t0) > 2*time.Second {
			t.Fatalf("/healthz during the flood: %d after %s", rec.Code, time.Since(t0))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if peak > 32<<20 {
		t.Errorf("%d MiB held by bodies in flight, over the 32 MiB budget", peak>>20)
	}
	if peak == 0 {
		t.Fatal("no body was read at all")
	}
	close(gate)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusUnauthorized {
			t.Errorf("a bad signature answered %d after waiting for room, want 401", c)
		}
	}
}

// issueWorkBackend notes how many deliveries' work runs at once, and how
// often it ran.
type issueWorkBackend struct {
	running, most, runs atomic.Int64
	hold                time.Duration
	// failures is how many of the next runs fail: each run decides for
	// itself, so no flag flipped by the test can race with a run.
	failures atomic.Int64
}

func (b *issueWorkBackend) Clients(ctx context.Context, i int64) (*wire.Clients, error) {
	now := b.running.Add(1)
	defer b.running.Add(-1)
	for {
		m := b.most.Load()
		if now <= m || b.most.CompareAndSwap(m, now) {
			break
		}
	}
	b.runs.Add(1)
	time.Sleep(b.hold)
	if b.failures.Add(-1) >= 0 {
		return nil, errors.New("GitHub is down")
	}
	return nullBackend{}.Clients(ctx, i)
}

// Issue #12, defect 5: creating a labelled issue sends issues.opened and
// issues.labeled, and both reached routing on different workers at once.
// Issue #23: every delivery for one issue, whatever its action, joins one
// pending reconcile: six deliveries are one run while the first works and
// one after (at most two), never two at once.
func TestOneIssueIsNeverWorkedOnTwiceAtOnce(t *testing.T) {
	b := &issueWorkBackend{hold: 20 * time.Millisecond}
	s, _ := newServer(t, b, nil) // four workers
	for i, action := range []string{"opened", "labeled", "edited", "assigned", "opened", "labeled"} {
		body := issueDelivery("open-infra/support", 7, action)
		if rec := deliver(s.Handler(), "issues", fmt.Sprint("d", i), body, sign(secret, body)); rec.Code != 202 {
			t.Fatalf("%s: %d", action, rec.Code)
		}
	}
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b.most.Load() != 1 {
		t.Errorf("%d deliveries for one issue were worked on at once", b.most.Load())
	}
	if n := b.runs.Load(); n < 1 || n > 2 {
		t.Errorf("%d runs for six deliveries about one issue; want the first and one for the rest", n)
	}
}

// Issue #12, defect 5: a delivery replayed with the same X-GitHub-Delivery
// was processed every time. It is done once; if its work failed, a
// redelivery (which a person makes from the App's settings) is done again.
func TestAReplayedDeliveryIsDoneOnce(t *testing.T) {
	b := &issueWorkBackend{}
	s, _ := newServer(t, b, nil)
	body := issueDelivery("open-infra/support", 7, "opened")
	for i := range 250 {
		rec := deliver(s.Handler(), "issues", "same-id", body, sign(secret, body))
		if want := map[bool]int{true: 202, false: 200}[i == 0]; rec.Code != want {
			t.Fatalf("replay %d: %d, want %d", i, rec.Code, want)
		}
		if i%50 == 0 {
			time.Sleep(5 * time.Millisecond) // some replays after the work is done
		}
	}
	for deadline := time.Now().Add(5 * time.Second); b.runs.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if b.runs.Load() != 1 {
		t.Errorf("one delivery replayed 250 times was worked on %d times", b.runs.Load())
	}
	// Work that fails is forgotten, so its redelivery is done.
	b.failures.Store(1)
	other := issueDelivery("open-infra/support", 8, "opened")
	deliver(s.Handler(), "issues", "fails", other, sign(secret, other))
	for deadline := time.Now().Add(5 * time.Second); b.runs.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	// Until the failed work is over, the id is still in hand (200).
	code := 0
	for deadline := time.Now().Add(5 * time.Second); code != 202 && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		code = deliver(s.Handler(), "issues", "fails", other, sign(secret, other)).Code
	}
	if code != 202 {
		t.Errorf("the redelivery of failed work: %d, want 202", code)
	}
	s.Drain(context.Background())
	if b.runs.Load() != 3 {
		t.Errorf("%d runs, want 3 (the replayed delivery once, the failed one twice)", b.runs.Load())
	}
}

// keyRecorder is a handler noting, per issue, how many runs overlap and
// whether work ran after the issue's last delivery was accepted.
type keyRecorder struct {
	mu       sync.Mutex
	running  map[int]int
	overlaps int
	lastRun  map[int]time.Time
	hold     time.Duration
}

func (*keyRecorder) Handles() []string { return []string{"issues"} }

func (k *keyRecorder) Handle(ctx context.Context, event, delivery string, payload []byte) error {
	var env struct {
		Issue struct{ Number int }
	}
	if err := json.Unmarshal(payload, &env); err != nil {
		return err
	}
	n := env.Issue.Number
	k.mu.Lock()
	k.running[n]++
	if k.running[n] > 1 {
		k.overlaps++
	}
	k.mu.Unlock()
	time.Sleep(k.hold)
	k.mu.Lock()
	k.running[n]--
	k.lastRun[n] = time.Now()
	k.mu.Unlock()
	return nil
}

// Issue #12, defect 6: 2,000 concurrent deliveries were answered 503 1,733
// times, and GitHub does not redeliver by itself. A burst for few issues
// fits: no 503, every issue's work runs after its last delivery, and no
// issue is worked on twice at once.
func TestABurstForFewIssuesFitsTheQueue(t *testing.T) {
	k := &keyRecorder{running: map[int]int{}, lastRun: map[int]time.Time{}, hold: 5 * time.Millisecond}
	s, _ := newServer(t, nullBackend{}, func(c *Config) { c.Handlers = []EventHandler{k} })
	var mu sync.Mutex
	lastAccepted := map[int]time.Time{}
	// A delivery's acceptance is timed in the server, the moment its 202 is
	// written: timed at the client, a client goroutine held up by the race
	// detector on two busy cores could see its 202 after the work it asked
	// for had already run.
	h := s.Handler()
	accepted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		issue, _ := strconv.Atoi(r.Header.Get("X-Test-Issue"))
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusAccepted {
			mu.Lock()
			lastAccepted[issue] = time.Now()
			mu.Unlock()
		}
	})
	srv := httptest.NewServer(accepted)
	defer srv.Close()
	actions := []string{"opened", "labeled", "edited", "assigned", "unassigned", "closed", "reopened"}
	codes := map[int]int{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64) // 64 connections at a time
	for i := range 2000 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			issue := i%50 + 1
			body := issueDelivery("open-infra/support", issue, actions[i%len(actions)])
			req, _ := http.NewRequest("POST", srv.URL+"/webhooks/github", bytes.NewReader(body))
			req.Header.Set("X-GitHub-Event", "issues")
			req.Header.Set("X-GitHub-Delivery", fmt.Sprint("burst-", i))
			req.Header.Set("X-Hub-Signature-256", sign(secret, body))
			req.Header.Set("X-Test-Issue", strconv.Itoa(issue))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if codes[202] != 2000 {
		t.Errorf("answers %v, want 2000 × 202", codes)
	}
	if k.overlaps != 0 {
		t.Errorf("%d runs overlapped another for the same issue", k.overlaps)
	}
	for issue := 1; issue <= 50; issue++ {
		if !k.lastRun[issue].After(lastAccepted[issue]) {
			t.Errorf("issue %d: no work ran after its last delivery", issue)
		}
	}
}

// blackholeURL is sandbox.Blackhole, closed when the test ends.
func blackholeURL(t *testing.T) string {
	t.Helper()
	url, stop, err := sandbox.Blackhole()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// Issue #12, defect 4: with GitHub unreachable and deliveries without an
// installation queued, the server was still retrying 12 minutes after
// SIGTERM. Shutdown is bounded by ShutdownTimeout however the work is
// stuck.
func TestShutdownIsBoundedWithGitHubUnreachableAndTheQueueFull(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	vars := map[string]string{"GITHUB_API_URL": blackholeURL(t), "GITHUB_APP_ID": "9", "GITHUB_APP_PRIVATE_KEY": string(pemKey)}
	backend, err := wire.NewAppBackend(wire.Env{Getenv: func(k string) string { return vars[k] }, Now: time.Now, Log: testLog}, "open-infra/support:roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	const timeout = 3 * time.Second
	s, _ := newServer(t, backend, func(c *Config) { c.Addr, c.QueueSize, c.ShutdownTimeout = addr, 64, timeout })
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	url := "http://" + addr + "/webhooks/github"
	for deadline := time.Now().Add(5 * time.Second); ; {
		if _, err := http.Get("http://" + addr + "/healthz"); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// No installation field: the work must find the App's installation.
	for i := range 64 + 4 {
		body := issueDelivery("open-infra/support", i+1, "labeled")
		req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		req.Header.Set("X-GitHub-Event", "issues")
		req.Header.Set("X-Hub-Signature-256", sign(secret, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if s.queue.len() < 60 {
		t.Fatalf("the queue holds %d jobs, want it full", s.queue.len())
	}
	start := time.Now()
	stop()
	select {
	case err := <-ran:
		if d := time.Since(start); d > timeout+2*time.Second {
			t.Errorf("shutdown took %s, over its %s bound", d, timeout)
		}
		if err == nil || !strings.Contains(err.Error(), "next scheduled run") {
			t.Errorf("a shutdown that dropped work says so: %v", err)
		}
	case <-time.After(timeout + 30*time.Second):
		t.Fatalf("still running %s after the shutdown began", timeout+30*time.Second)
	}
}

// Slow-loris: a body that stops arriving loses its room in the budget after
// BodyTimeout, and headers over 64 KiB are refused, on a real listener.
func TestSlowBodiesAndHugeHeadersAreCutOff(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	s, _ := newServer(t, nullBackend{}, func(c *Config) {
		c.Addr, c.BodyTimeout, c.InFlightBytes, c.BudgetWait = addr, 300*time.Millisecond, 5<<20, 3*time.Second
	})
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go s.Run(ctx)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
	}
	// A 4 MB body that stops after 1 KB holds the one first step a budget of
	// BodyLimit leaves room for (frontdoor.go)...
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /webhooks/github HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: issues\r\nX-Hub-Signature-256: sha256=%s\r\nContent-Length: 4000000\r\n\r\n%s",
		strings.Repeat("ab", 32), strings.Repeat("x", 1024))
	time.Sleep(50 * time.Millisecond)
	// ...until BodyTimeout: then the next delivery gets in.
	body := issueDelivery("x/y", 1, "opened")
	req, _ := http.NewRequest("POST", "http://"+addr+"/webhooks/github", bytes.NewReader(append(body, bytes.Repeat([]byte(" "), 3<<20)...)))
	req.Header.Set("X-GitHub-Event", "issues")
	req.Header.Set("X-Hub-Signature-256", sign(secret, append(body, bytes.Repeat([]byte(" "), 3<<20)...)))
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 || time.Since(t0) > 2*time.Second {
		t.Errorf("a delivery behind a stalled body: %d after %s", resp.StatusCode, time.Since(t0))
	}
	// Headers beyond 64 KiB.
	req, _ = http.NewRequest("POST", "http://"+addr+"/webhooks/github", strings.NewReader("{}"))
	req.Header.Set("X-Junk", strings.Repeat("j", 100<<10))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB of headers: %d", resp.StatusCode)
	}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
