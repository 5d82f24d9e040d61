// Package server is steward as a GitHub App webhook target: it verifies
// GitHub and FreshDesk deliveries on bounded bodies, answers at once, and
// does the work after, through a registry of handlers and a keyed queue
// (one issue or ticket on one worker at a time), with the same domain code
// as the command line. It keeps no state between deliveries: several
// replicas need nothing shared, and work lost with one is done by the next
// scheduled run.
package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"golang.org/x/sync/semaphore"
)

// Config configures a server. Secrets are []byte or strings held here only.
// Every bound has a default; see New.
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
	// InFlightBytes bounds the bytes of all bodies being read and checked at
	// once, signed or not (default 32 MiB, at least BodyLimit); BudgetWait
	// is how long a delivery waits for room before it is answered 503
	// (default 5 s), and BodyTimeout how long its body may take to arrive
	// once it has room (default 10 s).
	InFlightBytes           int64
	BudgetWait, BodyTimeout time.Duration
	// QueueSize bounds the jobs waiting for a worker (default 4096): each is
	// one kind of work for one issue or ticket, however many deliveries
	// asked for it. Workers is how many run at once (default 4).
	QueueSize, Workers int
	// RecentDeliveries is how many X-GitHub-Delivery ids are remembered to
	// do a replayed delivery once (default 10,000).
	RecentDeliveries int
	// WorkTimeout bounds one delivery's work (default 2 minutes).
	WorkTimeout time.Duration
	// ShutdownTimeout bounds Run's shutdown after its context ends, from
	// the signal to the return (default 30 s).
	ShutdownTimeout time.Duration
	// Backend provides the tools of the default handlers and of the
	// calendar feeds.
	Backend Backend
	// Slack serves the `/steward` slash command (SlackCommand, with
	// SLACK_SIGNING_SECRET); nil turns POST /webhooks/slack off.
	Slack http.Handler
	// Handlers do the work of deliveries (default DefaultHandlers(Backend)).
	Handlers []EventHandler
	// CacheDir is STEWARD_CACHE_DIR: the team page at GET / shows the
	// support health report a run saved there; "" shows none.
	CacheDir string
	Log      *slog.Logger
}

// maxVariantsPerKey bounds the different kinds of work waiting for one
// key: githubKey makes at most three (a pull request's), and a ticket's
// key has its FreshDesk and its issue's deliveries.
const maxVariantsPerKey = 4

// Server is the webhook target.
type Server struct {
	cfg      Config
	log      *slog.Logger
	handlers registry
	queue    *keyedQueue
	seen     *recentDeliveries
	inflight *semaphore.Weighted
	buffers  chan []byte // large body buffers for reuse
	wg       sync.WaitGroup
	m        serverMetrics
	mux      *http.ServeMux
	handler  http.Handler
	// probation is the in-flight budget's pool for bodies' first steps,
	// inflight the rest (frontdoor.go).
	probation *semaphore.Weighted
	// public is the roster read shared by the unauthenticated pages.
	public publicRoster
	// health is the team page's support health section, kept while the
	// saved report does not change (page.go).
	health savedHealth
	// onDone, when set (by tests), hears each job's outcome.
	onDone func(*job, error)
	// workCtx is the parent of all work: cancelled when a shutdown runs
	// out of time, so retries stop waiting and waiting jobs are dropped.
	workCtx    context.Context
	cancelWork context.CancelFunc
}

// serverMetrics are what GET /metrics shows, in Prometheus text format:
// this server's own series in set, then the Go runtime and the process.
// VictoriaMetrics/metrics writes that format without protobuf, whose
// reflection kept the linker from dropping unused code (about 9 MB of the
// binary with client_golang).
type serverMetrics struct {
	set           *metrics.Set
	coalesced     *metrics.Counter
	budgetRefused *metrics.Counter
}

// labels renders a metric name with its labels, in the order given (keep
// them sorted by name, as client_golang did, so dashboards see one series).
func labels(name string, kv ...string) string {
	var b strings.Builder
	b.WriteString(name)
	for i := 0; i+1 < len(kv); i += 2 {
		if i == 0 {
			b.WriteByte('{')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(kv[i])
		b.WriteString("=")
		b.WriteString(strconv.Quote(kv[i+1]))
	}
	if len(kv) > 0 {
		b.WriteByte('}')
	}
	return b.String()
}

// delivered counts an answer to a delivery.
func (m serverMetrics) delivered(source, event string, code int) {
	m.set.GetOrCreateCounter(labels("steward_deliveries_total", "code", strconv.Itoa(code), "event", event, "source", source)).Inc()
}

// worked records the time one job's work took.
func (m serverMetrics) worked(source, event, outcome string, d time.Duration) {
	m.set.GetOrCreatePrometheusHistogram(labels("steward_work_seconds", "event", event, "outcome", outcome, "source", source)).Update(d.Seconds())
}

// writeMetrics serves GET /metrics, each family's HELP line saying what
// it counts (metricHelp).
func (s *Server) writeMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var b bytes.Buffer
	s.m.set.WritePrometheus(&b)
	metrics.WriteProcessMetrics(&b)
	writeHelp(w, b.Bytes())
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
	if cfg.InFlightBytes <= 0 {
		cfg.InFlightBytes = 32 << 20
	}
	cfg.InFlightBytes = max(cfg.InFlightBytes, cfg.BodyLimit)
	if cfg.BudgetWait <= 0 {
		cfg.BudgetWait = 5 * time.Second
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = 10 * time.Second
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 4096
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.RecentDeliveries <= 0 {
		cfg.RecentDeliveries = 10_000
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = 2 * time.Minute
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Handlers == nil {
		cfg.Handlers = DefaultHandlers(cfg.Backend, cfg.Log)
	}
	handlers, err := newRegistry(cfg.Handlers)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Log, handlers: handlers, queue: newKeyedQueue(cfg.QueueSize, maxVariantsPerKey),
		seen: newRecentDeliveries(cfg.RecentDeliveries), buffers: make(chan []byte, cfg.InFlightBytes/cfg.BodyLimit)}
	s.inflight, s.probation = budgets(cfg.InFlightBytes, cfg.BodyLimit)
	s.workCtx, s.cancelWork = context.WithCancel(context.Background())
	// TYPE lines, so a scraper knows the histogram and the counters.
	metrics.ExposeMetadata(true)
	set := metrics.NewSet()
	s.m = serverMetrics{set: set,
		coalesced:     set.NewCounter("steward_deliveries_coalesced_total"),
		budgetRefused: set.NewCounter("steward_body_budget_refused_total"),
	}
	set.NewGauge("steward_queue_depth", func() float64 { return float64(s.queue.len()) })
	s.mux = http.NewServeMux()
	s.routes()
	s.handler = s.recoverPanics(s.mux)
	for range cfg.Workers {
		s.wg.Add(1)
		go s.worker()
	}
	return s, nil
}

// routes registers every endpoint, one line each.
func (s *Server) routes() {
	s.mux.HandleFunc("POST /webhooks/github", s.github)
	s.mux.HandleFunc("POST /webhooks/freshdesk", s.freshdesk)
	s.mux.HandleFunc("POST /webhooks/slack", s.slackCommand)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /metrics", s.writeMetrics)
	s.mux.HandleFunc("GET /calendar.ics", s.calendar)
	s.mux.HandleFunc("GET /calendar/{file}", s.calendar)
	s.mux.HandleFunc("GET /{$}", s.teamPage)
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

func (s *Server) worker() {
	defer s.wg.Done()
	for {
		j, ok := s.queue.pop()
		if !ok {
			return
		}
		s.work(j)
		s.queue.done(j)
	}
}

// work runs one job with a timeout, recovering from panics. A job taken
// after the work was cancelled (a shutdown out of time) is dropped.
func (s *Server) work(j *job) {
	start := time.Now()
	log := s.log
	if s.log.Enabled(context.Background(), slog.LevelInfo) {
		log = s.log.With("delivery", j.delivery, "event", j.event, "key", j.key)
	}
	outcome := "ok"
	defer func() {
		if v := recover(); v != nil {
			outcome = "panic"
			log.Error("panic handling a delivery", "panic", fmt.Sprint(v))
		}
		s.m.worked(j.source, j.event, outcome, time.Since(start))
	}()
	if s.workCtx.Err() != nil {
		outcome = "dropped"
		log.Warn("shutting down: delivery dropped; "+j.catchUp(), "deliveries", len(j.deliveries))
		return
	}
	ctx, cancel := context.WithTimeout(s.workCtx, s.cfg.WorkTimeout)
	defer cancel()
	err := s.handlers[j.event].Handle(ctx, j.event, j.delivery, j.payload)
	if s.onDone != nil {
		s.onDone(j, err)
	}
	if err != nil {
		outcome = "error"
		// A person may redeliver it from the App's settings: do it then.
		s.seen.forget(j.deliveries...)
		log.Warn("delivery work failed; "+j.catchUp(), "err", err)
		return
	}
	log.Debug("delivery handled", "seconds", time.Since(start).Seconds(), "deliveries", len(j.deliveries))
}

// Drain stops taking work and waits for the waiting and running work to
// finish, or for ctx to end: then the work is cancelled, waiting jobs are
// dropped (the next scheduled run does them, but a roster check, which
// waits for the pull request's next push), and Drain waits at most
// ShutdownTimeout/10 more for running work to stop before it returns.
func (s *Server) Drain(ctx context.Context) error {
	s.queue.close()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		// Slash-command answers still on their way to Slack's
		// response_url (each bounded in time) finish too.
		if d, ok := s.cfg.Slack.(interface{ Drain(context.Context) error }); ok {
			return d.Drain(ctx)
		}
		return nil
	case <-ctx.Done():
	}
	left := s.queue.len()
	s.cancelWork()
	grace := time.NewTimer(s.cfg.ShutdownTimeout / 10)
	defer grace.Stop()
	select {
	case <-done:
		return fmt.Errorf("shut down before %d waiting job(s) were done; the next scheduled run does their work (a roster check waits for its pull request's next push): %w", left, ctx.Err())
	case <-grace.C:
		return fmt.Errorf("shut down with work still running after it was cancelled, and %d waiting job(s) dropped; the next scheduled run does their work (a roster check waits for its pull request's next push)", left)
	}
}

// Run serves on cfg.Addr until ctx ends, then shuts down within
// ShutdownTimeout: it stops accepting, finishes answers in flight, drains
// the queued work, and cancels what is left.
func (s *Server) Run(ctx context.Context) error {
	srv := &http.Server{Addr: s.cfg.Addr, Handler: s.handler,
		// Slow clients: headers within 5 s and 64 KiB; a body within
		// BodyTimeout once it has room (ReadTimeout is the backstop).
		ReadHeaderTimeout: 5 * time.Second, MaxHeaderBytes: 64 << 10, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
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
	s.log.Info("shutting down", "queued", s.queue.len(), "within", s.cfg.ShutdownTimeout.String())
	deadline := time.Now().Add(s.cfg.ShutdownTimeout)
	// Answers in flight are quick (the work is queued) or bounded
	// (BudgetWait, BodyTimeout): a third of the time is plenty.
	answers, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout/3)
	defer cancel()
	if err := srv.Shutdown(answers); err != nil {
		srv.Close()
	}
	// Drain until the last tenth, which is left for cancelled work to stop.
	drain, cancelDrain := context.WithDeadline(context.Background(), deadline.Add(-s.cfg.ShutdownTimeout/10))
	defer cancelDrain()
	return s.Drain(drain)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "ok\nqueued %d of %d\n", s.queue.len(), s.cfg.QueueSize)
}
