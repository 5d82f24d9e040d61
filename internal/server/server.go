// Package server is steward as a GitHub App webhook target: it verifies and
// queues GitHub and FreshDesk deliveries, answers at once, and does the work
// after, with the same domain code as the command line. It keeps no state:
// several replicas need nothing shared, and work lost with one is done by
// the next scheduled run.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/support-steward/steward/internal/app"
)

// Config configures a server. Secrets are []byte or strings held here only.
type Config struct {
	Addr string
	// WebhookSecret verifies GitHub deliveries; the server refuses to start
	// without one.
	WebhookSecret []byte
	// FreshdeskToken verifies FreshDesk deliveries (FreshDesk does not
	// sign); empty turns the FreshDesk endpoint off.
	FreshdeskToken string
	// BodyLimit bounds a delivery's body (default 5 MiB).
	BodyLimit int64
	// QueueSize and Workers bound the work in flight (defaults 256 and 4).
	QueueSize, Workers int
	// WorkTimeout bounds one delivery's work (default 2 minutes).
	WorkTimeout time.Duration
	Backend     Backend
	Log         *slog.Logger
}

// Server is the webhook target.
type Server struct {
	cfg     Config
	log     *slog.Logger
	queue   chan job
	wg      sync.WaitGroup
	closeMu sync.RWMutex
	closed  bool
	reg     *prometheus.Registry
	m       metrics
	handler http.Handler
	// onDone, when set (by tests), hears each job's outcome.
	onDone func(job, error)
	// workCtx is the parent of all work: cancelled when a shutdown runs
	// out of time, so retries stop waiting.
	workCtx    context.Context
	cancelWork context.CancelFunc
}

type job struct {
	source       string // github or freshdesk
	event        string
	delivery     string
	installation int64
	env          app.Envelope
	ticket       int64
}

type metrics struct {
	deliveries *prometheus.CounterVec
	work       *prometheus.HistogramVec
	queue      prometheus.Gauge
}

// ErrNoSecret: GitHub deliveries cannot be trusted without one.
var ErrNoSecret = errors.New("GITHUB_WEBHOOK_SECRET is not set: steward will not accept deliveries it cannot verify")

// New returns a server with its workers started.
func New(cfg Config) (*Server, error) {
	if len(cfg.WebhookSecret) == 0 {
		return nil, ErrNoSecret
	}
	if cfg.Backend == nil {
		return nil, errors.New("server: no backend")
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 5 << 20
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 256
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = 2 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: cfg.Log, queue: make(chan job, cfg.QueueSize), reg: prometheus.NewRegistry()}
	s.workCtx, s.cancelWork = context.WithCancel(context.Background())
	s.m = metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "steward_deliveries_total",
			Help: "Webhook deliveries by source, event and answer."}, []string{"source", "event", "code"}),
		work: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "steward_work_seconds",
			Help: "Time spent on a delivery's work, by source, event and outcome.", Buckets: prometheus.DefBuckets}, []string{"source", "event", "outcome"}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{Name: "steward_queue_depth", Help: "Deliveries waiting for a worker."}),
	}
	s.reg.MustRegister(s.m.deliveries, s.m.work, s.m.queue, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhooks/github", s.github)
	mux.HandleFunc("POST /webhooks/freshdesk", s.freshdesk)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /calendar.ics", s.calendar)
	mux.HandleFunc("GET /calendar/{file}", s.calendar)
	mux.HandleFunc("GET /{$}", s.teamPage)
	s.handler = s.recoverPanics(mux)
	for range cfg.Workers {
		s.wg.Add(1)
		go s.worker()
	}
	return s, nil
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// recoverPanics answers 500 instead of dropping the connection, and logs.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving a request", "path", r.URL.Path, "panic", fmt.Sprint(v))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// enqueue hands a job to the workers without waiting; false when full or
// shutting down.
func (s *Server) enqueue(j job) bool {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return false
	}
	select {
	case s.queue <- j:
		s.m.queue.Inc()
		return true
	default:
		return false
	}
}

func (s *Server) worker() {
	defer s.wg.Done()
	for j := range s.queue {
		s.m.queue.Dec()
		s.work(j)
	}
}

// work runs one job with a timeout, recovering from panics.
func (s *Server) work(j job) {
	start := time.Now()
	log := s.log
	if s.log.Enabled(context.Background(), slog.LevelInfo) {
		log = s.log.With("delivery", j.delivery, "event", j.event, "installation", j.installation)
	}
	outcome := "ok"
	defer func() {
		if v := recover(); v != nil {
			outcome = "panic"
			log.Error("panic handling a delivery", "panic", fmt.Sprint(v))
		}
		s.m.work.WithLabelValues(j.source, j.event, outcome).Observe(time.Since(start).Seconds())
	}()
	ctx, cancel := context.WithTimeout(s.workCtx, s.cfg.WorkTimeout)
	defer cancel()
	err := s.dispatch(ctx, j, log)
	if s.onDone != nil {
		s.onDone(j, err)
	}
	if err != nil {
		outcome = "error"
		log.Warn("delivery work failed; the next scheduled run picks it up", "err", err)
		return
	}
	log.Debug("delivery handled", "seconds", time.Since(start).Seconds())
}

// Drain stops taking work and waits for queued work to finish or ctx to end.
func (s *Server) Drain(ctx context.Context) error {
	s.closeMu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.closeMu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		// Out of time: stop the work in flight; the next scheduled run
		// does what it left.
		s.cancelWork()
		<-done
		return fmt.Errorf("shut down before all queued work finished: %w", ctx.Err())
	}
}

// Run serves on cfg.Addr until ctx ends, then shuts down gracefully:
// it stops accepting, finishes answers in flight, and drains queued work.
func (s *Server) Run(ctx context.Context) error {
	srv := &http.Server{Addr: s.cfg.Addr, Handler: s.handler,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("STEWARD_ADDR %s: %w", s.cfg.Addr, err)
	}
	s.log.Info("steward serving", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	return s.Drain(shutdown)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "ok\nqueued %d of %d\n", len(s.queue), cap(s.queue))
}
