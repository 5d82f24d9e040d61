package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkDeliveries drives signed deliveries over loopback, first at a
// minimal net/http handler that only verifies the HMAC, then at steward's
// server, in one run, and reports throughput and acknowledgement latency
// for both and the ratio of their throughputs.
func BenchmarkDeliveries(b *testing.B) {
	body, err := os.ReadFile("testdata/webhooks/issues.labeled.json")
	if err != nil {
		b.Fatal(err)
	}
	sig := sign(secret, body)
	minimal := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := bytes.Buffer{}
		buf.ReadFrom(http.MaxBytesReader(w, r.Body, 5<<20))
		if !ValidSignature(secret, buf.Bytes(), r.Header.Get("X-Hub-Signature-256")) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	s, _ := newServer(b, nullBackend{}, func(c *Config) { c.QueueSize, c.Workers = 4096, 4; c.Log = nil })
	const clients, perClient = 16, 400
	measure := func(h http.Handler) (perSec float64, p50, p99 time.Duration) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		tr := &http.Transport{MaxIdleConnsPerHost: clients}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr}
		lat := make([]time.Duration, 0, clients*perClient)
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := make([]time.Duration, 0, perClient)
				for range perClient {
					req, _ := http.NewRequest("POST", srv.URL+"/webhooks/github", bytes.NewReader(body))
					req.Header.Set("X-GitHub-Event", "issues")
					req.Header.Set("X-Hub-Signature-256", sig)
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body) // so the connection is kept, as GitHub's is
					resp.Body.Close()
					if resp.StatusCode != http.StatusAccepted {
						b.Errorf("status %d", resp.StatusCode)
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		slices.Sort(lat)
		return float64(len(lat)) / elapsed.Seconds(), lat[len(lat)/2], lat[len(lat)*99/100]
	}
	for b.Loop() {
		minPS, minP50, minP99 := measure(minimal)
		ps, p50, p99 := measure(s.Handler())
		b.ReportMetric(minPS, "minimal-deliveries/s")
		b.ReportMetric(float64(minP50.Microseconds())/1000, "minimal-p50-ms")
		b.ReportMetric(float64(minP99.Microseconds())/1000, "minimal-p99-ms")
		b.ReportMetric(ps, "steward-deliveries/s")
		b.ReportMetric(float64(p50.Microseconds())/1000, "steward-p50-ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, "steward-p99-ms")
		b.ReportMetric(ps/minPS, "throughput-ratio")
	}
}
