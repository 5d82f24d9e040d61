// Command hostile probes `steward serve` as a real process on loopback, the
// way issue #12 describes an attacker and an unlucky day, and prints one
// Markdown table row per probe: what was tried, whether steward survived,
// how long it took, and steward's peak memory (VmHWM from /proc). It is run
// by scripts/hostile.sh, which builds steward and writes BENCHMARKS.md's
// "Hostile input" section. Every loop is bounded in count and time, and
// everything listens and connects on 127.0.0.1 only.
//
//	hostile -steward ./steward flood burst sigterm
//	hostile -steward ./steward -before ./steward-before slow
//	go test -run '^$' -bench Hostile ./... | hostile -bench-rows
package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
)

const secret = "hostile-probe-webhook-secret"

// before is a second steward binary the slow probe measures too.
var before string

// row is one line of the report.
type row struct {
	probe, tried, survived, took, peak string
}

func (r row) String() string {
	return fmt.Sprintf("| %s | %s | %s | %s | %s |", r.probe, r.tried, r.survived, r.took, r.peak)
}

func main() {
	bin := flag.String("steward", "./steward", "the steward binary to probe")
	benchRows := flag.Bool("bench-rows", false, "read `go test -bench` output on stdin and print a row per BenchmarkHostile* line")
	watchAddr := flag.String("watch", "", "poll this address's /healthz until stdin closes (used by the flood probe)")
	flag.StringVar(&before, "before", "", "the slow probe also probes this binary (steward before issue #24's fix) and prints its figures beside")
	flag.Parse()
	if *watchAddr != "" {
		watch(*watchAddr)
		return
	}
	if *benchRows {
		if err := benchTable(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "hostile:", err)
			os.Exit(1)
		}
		return
	}
	probes := map[string]func(string) (row, error){"flood": flood, "numbers": numbers, "burst": burst, "sigterm": sigterm, "slow": slow}
	failed := false
	for _, name := range flag.Args() {
		p, ok := probes[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "hostile: no probe %q (flood, numbers, burst, sigterm, slow)\n", name)
			os.Exit(2)
		}
		r, err := p(*bin)
		if err != nil {
			fmt.Fprintf(os.Stderr, "hostile: %s: %v\n", name, err)
			failed = true
			continue
		}
		fmt.Println(r)
	}
	if failed {
		os.Exit(1)
	}
}

// steward is a running `steward serve`.
type steward struct {
	cmd    *exec.Cmd
	addr   string
	log    *bytes.Buffer
	exited chan struct{} // closed when the process has exited
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// start runs steward serve with env and waits until /healthz answers.
func start(bin string, env ...string) (*steward, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "STEWARD_ADDR=" + addr, "GITHUB_WEBHOOK_SECRET=" + secret,
		"STEWARD_ROSTER=open-infra/support:roster.yaml"}, env...)
	s := &steward{cmd: cmd, addr: addr, log: &bytes.Buffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(s.exited) }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return s, nil
		}
	}
	s.kill()
	return nil, fmt.Errorf("steward did not answer /healthz within 10 s:\n%s", s.log)
}

func (s *steward) kill() {
	s.cmd.Process.Kill()
	<-s.exited
}

// alive reports whether the process is still running.
func (s *steward) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// hwm is the process's peak resident memory so far, from /proc.
func (s *steward) hwm() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// stop sends SIGTERM and waits up to limit for the exit.
func (s *steward) stop(limit time.Duration) (time.Duration, error) {
	start := time.Now()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return time.Since(start), nil
	case <-time.After(limit):
		s.kill()
		return time.Since(start), fmt.Errorf("still running %s after SIGTERM: killed", limit)
	}
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func sign(body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// healthWatch polls /healthz every 50 ms from a separate process (this
// program again, with -watch), so that the load this process makes does
// not slow the polls down: what it measures is steward's answer.
type healthWatch struct {
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	out      bytes.Buffer
	polls    int
	failures int
	slowest  time.Duration
}

func watchHealth(addr string) (*healthWatch, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	h := &healthWatch{cmd: exec.Command(self, "-watch", addr)}
	h.cmd.Stdout = &h.out
	h.cmd.Stderr = os.Stderr
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := h.cmd.Start(); err != nil {
		return nil, err
	}
	return h, nil
}

// end stops the watcher and reads its figures.
func (h *healthWatch) end() error {
	h.stdin.Close()
	if err := h.cmd.Wait(); err != nil {
		return err
	}
	var ns int64
	_, err := fmt.Sscan(h.out.String(), &h.polls, &h.failures, &ns)
	h.slowest = time.Duration(ns)
	return err
}

// watch polls addr's /healthz every 50 ms until stdin closes (at most five
// minutes), then prints polls, failures and the slowest answer in ns.
func watch(addr string) {
	stop := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(stop) }()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	polls, failures := 0, 0
	var slowest time.Duration
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); {
		select {
		case <-stop:
			fmt.Println(polls, failures, int64(slowest))
			return
		case <-time.After(50 * time.Millisecond):
		}
		t0 := time.Now()
		resp, err := client.Get("http://" + addr + "/healthz")
		slowest = max(slowest, time.Since(t0))
		polls++
		if err != nil {
			failures++
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			failures++
		}
	}
	fmt.Println(polls, failures, int64(slowest))
}

// flood: 300 connections at once, each sending a 5 MB body with a
// well-formed but wrong signature (the worst unsigned case: the body must be
// read to find out), while /healthz is polled.
func flood(bin string) (row, error) {
	return underLoad(bin, "`steward serve`: 300 connections × 5 MB unsigned body (well-formed wrong signature)",
		wave{conns: 300, body: make([]byte, 5_000_000), sig: "sha256=" + strings.Repeat("ab", 32)})
}

// numbers: signed deliveries whose bodies are arrays of small numbers, the
// worst case for a parser that builds a tree (once 1.3 GB from one 5 MiB
// body): 8 connections at once with 5 MB each, then 40 with 16 KiB each
// (about 8,000 values: near the most the tree parser takes), while
// /healthz is polled.
func numbers(bin string) (row, error) {
	var waves []wave
	for _, w := range []struct{ conns, size int }{{8, 5_000_000}, {40, 16 << 10}} {
		body := []byte(`{"action":"labeled","issue":{"number":1},"x":[` + strings.Repeat("0,", (w.size-60)/2) + `0]}`)
		waves = append(waves, wave{conns: w.conns, body: body, sig: sign(body)})
	}
	return underLoad(bin, "`steward serve`: signed bodies of small numbers, 8 × 5 MB then 40 × 16 KiB (8,000 values each) at once", waves...)
}

// wave is conns connections at once, each posting body as an issues
// delivery signed sig.
type wave struct {
	conns int
	body  []byte
	sig   string
}

// underLoad starts steward serve, polls /healthz from another process,
// sends the waves one after another, and says whether steward stayed alive,
// under 200 MiB and answering /healthz within a second.
func underLoad(bin, probe string, waves ...wave) (row, error) {
	s, err := start(bin, "GITHUB_TOKEN=unused", "GITHUB_API_URL=http://127.0.0.1:9/")
	if err != nil {
		return row{}, err
	}
	defer func() {
		if s.alive() {
			s.kill()
		}
	}()
	h, err := watchHealth(s.addr)
	if err != nil {
		return row{}, err
	}
	time.Sleep(200 * time.Millisecond) // a few polls before the load
	var mu sync.Mutex
	answers := map[string]int{}
	t0 := time.Now()
	for _, w := range waves {
		var wg sync.WaitGroup
		for range w.conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
				req, _ := http.NewRequest("POST", "http://"+s.addr+"/webhooks/github", bytes.NewReader(w.body))
				req.Header.Set("X-GitHub-Event", "issues")
				req.Header.Set("X-Hub-Signature-256", w.sig)
				resp, err := client.Do(req)
				key := "refused while sending"
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					key = strconv.Itoa(resp.StatusCode)
				}
				mu.Lock()
				answers[key]++
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	took := time.Since(t0)
	if err := h.end(); err != nil {
		return row{}, fmt.Errorf("the /healthz watcher: %w", err)
	}
	peak, err := s.hwm()
	if err != nil {
		return row{}, err
	}
	alive := s.alive()
	survived := alive && peak < 200<<20 && h.failures == 0 && h.slowest < time.Second
	return row{
		probe: probe,
		tried: fmt.Sprintf("answers %s; /healthz polled %d times, %d failed, slowest %s", fmtCounts(answers), h.polls, h.failures, h.slowest.Round(time.Millisecond)),
		survived: verdict(survived, fmt.Sprintf("alive, peak RSS %s < 200 MiB, /healthz answered throughout", mib(peak)),
			fmt.Sprintf("alive=%v, peak %s, /healthz failures %d, slowest %s", alive, mib(peak), h.failures, h.slowest)),
		took: took.Round(10 * time.Millisecond).String(), peak: mib(peak) + " (VmHWM)",
	}, nil
}

func verdict(ok bool, yes, no string) string {
	if ok {
		return "yes: " + yes
	}
	return "**NO**: " + no
}

func fmtCounts(m map[string]int) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d × %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

func appKey() (*rsa.PrivateKey, string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, "", err
	}
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})), nil
}

// burst: 2,000 signed deliveries for 50 labelled support issues sent at
// once to steward acting as a GitHub App against the GitHub sandbox.
// Every issue must end routed, with one engineer and one ask, and no
// delivery may be answered 503.
func burst(bin string) (row, error) {
	const deliveries, issues = 2000, 50
	roster, err := os.ReadFile("roster.yaml")
	if err != nil {
		return row{}, err
	}
	key, pemKey, err := appKey()
	if err != nil {
		return row{}, err
	}
	g := sandbox.NewGitHub(sandbox.GitHubOptions{AppID: 77, AppKey: &key.PublicKey, RateLimit: 1_000_000})
	g.AddInstallation(5, "open-infra")
	g.AddRepo("open-infra", "support", "main", map[string]string{"roster.yaml": string(roster)})
	for _, login := range []string{"ada-l", "aturing", "bliskov", "cshannon", "dknuth", "ewd", "fran-allen", "grace", "kjohnson"} {
		g.AddUser(login)
	}
	var numbers []int
	for i := range issues {
		numbers = append(numbers, g.CreateIssue("open-infra", "support", "grace", fmt.Sprint("Hub problem ", i+1), "", "support"))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return row{}, err
	}
	gsrv := &http.Server{Handler: g}
	go gsrv.Serve(ln)
	defer gsrv.Close()
	s, err := start(bin, "GITHUB_APP_ID=77", "GITHUB_APP_PRIVATE_KEY="+pemKey, "GITHUB_API_URL=http://"+ln.Addr().String()+"/")
	if err != nil {
		return row{}, err
	}
	defer func() {
		if s.alive() {
			s.kill()
		}
	}()
	actions := []string{"opened", "labeled", "edited", "labeled"}
	var mu sync.Mutex
	answers := map[string]int{}
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: deliveries}}
	t0 := time.Now()
	for i := range deliveries {
		n := numbers[i%issues]
		body := []byte(fmt.Sprintf(`{"action":%q,"issue":{"number":%d,"labels":[{"name":"support"}],"assignees":[]},"label":{"name":"support"},`+
			`"repository":{"full_name":"open-infra/support"},"sender":{"login":"grace"},"installation":{"id":5}}`, actions[i%len(actions)], n))
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", "http://"+s.addr+"/webhooks/github", bytes.NewReader(body))
			req.Header.Set("X-GitHub-Event", "issues")
			req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("burst-%d", i))
			req.Header.Set("X-Hub-Signature-256", sign(body))
			resp, err := client.Do(req)
			k := "error"
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				k = strconv.Itoa(resp.StatusCode)
			}
			mu.Lock()
			answers[k]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	answered := time.Since(t0)
	// Wait (at most two minutes) until every issue is routed and the queue
	// is empty.
	routed := func() (ok, bad int) {
		all := g.Issues("open-infra", "support")
		for _, n := range numbers {
			is := all[n-1]
			asks := 0
			for _, c := range is.Comments {
				if strings.Contains(c, "could you take this support issue") {
					asks++
				}
			}
			switch {
			case len(is.Assignees) == 1 && asks == 1:
				ok++
			case len(is.Assignees) > 1 || asks > 1:
				bad++
			}
		}
		return ok, bad
	}
	var ok, bad int
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ok, bad = routed()
		if ok+bad == issues && queueEmpty(s.addr) {
			break
		}
	}
	took := time.Since(t0)
	peak, err := s.hwm()
	if err != nil {
		return row{}, err
	}
	runs := workRuns(s.addr)
	s.stop(35 * time.Second)
	survived := answers["202"] == deliveries && ok == issues && bad == 0
	return row{
		probe: "`steward serve`: 2,000 signed deliveries for 50 issues in one burst (GitHub sandbox)",
		tried: fmt.Sprintf("answers %s in %s; %s work runs (the sandbox's GitHub secondary limit, 80 content-creating requests a minute, paces the writes)",
			fmtCounts(answers), answered.Round(10*time.Millisecond), runs),
		survived: verdict(survived, fmt.Sprintf("no 503; all %d issues routed, each with one engineer and one ask", issues),
			fmt.Sprintf("%d of %d issues routed once, %d with two engineers or asks", ok, issues, bad)),
		took: took.Round(10*time.Millisecond).String() + " to all routed", peak: mib(peak) + " (VmHWM)",
	}, nil
}

func queueEmpty(addr string) bool {
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	return strings.Contains(string(b), "queued 0 ")
}

// workRuns sums steward_work_seconds_count from /metrics.
func workRuns(addr string) string {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return "?"
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	total := 0.0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "steward_work_seconds_count") {
			f := strings.Fields(sc.Text())
			v, _ := strconv.ParseFloat(f[len(f)-1], 64)
			total += v
		}
	}
	return strconv.FormatFloat(total, 'f', 0, 64)
}

// sigterm: GitHub accepts connections and never answers; deliveries with
// no installation field (so the App's installation must be found) fill the
// queue; then SIGTERM. The process must exit within 35 s.
func sigterm(bin string) (row, error) {
	const sent = 4200 // the queue holds 4,096 jobs and four workers hold one each
	url, closeHole, err := sandbox.Blackhole()
	if err != nil {
		return row{}, err
	}
	defer closeHole()
	_, pemKey, err := appKey()
	if err != nil {
		return row{}, err
	}
	s, err := start(bin, "GITHUB_APP_ID=77", "GITHUB_APP_PRIVATE_KEY="+pemKey, "GITHUB_API_URL="+url)
	if err != nil {
		return row{}, err
	}
	defer func() {
		if s.alive() {
			s.kill()
		}
	}()
	var mu sync.Mutex
	answers := map[string]int{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for i := range sent {
		body := []byte(fmt.Sprintf(`{"action":"labeled","issue":{"number":%d,"labels":[{"name":"support"}]},"label":{"name":"support"},"repository":{"full_name":"open-infra/support"},"sender":{"login":"grace"}}`, i+1))
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			req, _ := http.NewRequest("POST", "http://"+s.addr+"/webhooks/github", bytes.NewReader(body))
			req.Header.Set("X-GitHub-Event", "issues")
			req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("term-%d", i))
			req.Header.Set("X-Hub-Signature-256", sign(body))
			resp, err := client.Do(req)
			k := "error"
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				k = strconv.Itoa(resp.StatusCode)
			}
			mu.Lock()
			answers[k]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	client.CloseIdleConnections()
	peak, err := s.hwm()
	if err != nil {
		return row{}, err
	}
	took, stopErr := s.stop(60 * time.Second)
	survived := stopErr == nil && took <= 35*time.Second
	return row{
		probe:    "`steward serve`: SIGTERM with GitHub unreachable (accepts, never answers) and the queue full",
		tried:    fmt.Sprintf("%d deliveries without an installation: %s; then SIGTERM", sent, fmtCounts(answers)),
		survived: verdict(survived, "exited within 35 s", fmt.Sprint(stopErr)),
		took:     took.Round(10*time.Millisecond).String() + " from SIGTERM to exit", peak: mib(peak) + " (VmHWM)",
	}, nil
}

// slow: issue #24 (item 5). 12 clients each announce a 5 MiB body with a
// well-formed but wrong signature and send it a byte a second (again when
// steward cuts one off), while 20 signed deliveries arrive, one every
// 250 ms, and /healthz is polled from another process. Each delivery must
// be answered 202 within 100 ms, and /healthz too. The deliveries are the
// recorded issues.labeled and pull_request.labeled examples by turns (12
// and 26 KB). It mirrors TestSlowClientsDoNotDelaySignedDeliveries in
// internal/server; with -before, the older binary is probed the same way
// first and its figures are printed beside.
func slow(bin string) (row, error) {
	r, err := slowOnce(bin)
	if err != nil || before == "" {
		return r, err
	}
	b, err := slowOnce(before)
	if err != nil {
		return row{}, fmt.Errorf("the binary before: %w", err)
	}
	r.tried = "**before:** " + b.tried + "; **after:** " + r.tried
	r.survived = "before: " + b.survived + "; after: " + r.survived
	r.took = "before " + b.took + "; after " + r.took
	r.peak = "before " + b.peak + "; after " + r.peak
	return r, nil
}

func slowOnce(bin string) (row, error) {
	const clients, deliveries, every, within = 12, 20, 250 * time.Millisecond, 100 * time.Millisecond
	var examples [][]byte
	for _, f := range []string{"issues.labeled.json", "pull_request.labeled.json"} {
		b, err := os.ReadFile("internal/server/testdata/webhooks/" + f)
		if err != nil {
			return row{}, err
		}
		examples = append(examples, b)
	}
	events := []string{"issues", "pull_request"}
	s, err := start(bin, "GITHUB_TOKEN=unused", "GITHUB_API_URL=http://127.0.0.1:9/")
	if err != nil {
		return row{}, err
	}
	defer func() {
		if s.alive() {
			s.kill()
		}
	}()
	h, err := watchHealth(s.addr)
	if err != nil {
		return row{}, err
	}
	// The slow clients, until stop; each counts how steward answered it.
	stop := make(chan struct{})
	var mu sync.Mutex
	slowAnswers := map[string]int{}
	connected := make(chan struct{}, clients)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for first := true; ; first = false {
				answer := trickle(s.addr, stop, connected, first)
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				slowAnswers[answer]++
				mu.Unlock()
				time.Sleep(10 * time.Millisecond) // a refused dial is not retried in a tight loop
			}
		}()
	}
	// Every client connected and its headers sent, then a moment for
	// steward to read them.
	for range clients {
		select {
		case <-connected:
		case <-time.After(5 * time.Second):
			close(stop)
			wg.Wait()
			return row{}, errors.New("the slow clients could not connect within 5 s")
		}
	}
	time.Sleep(300 * time.Millisecond)
	// The signed deliveries, one every 250 ms, each timed from its own
	// goroutine.
	client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: deliveries}}
	lat := make([]time.Duration, deliveries)
	codes := map[string]int{}
	var dwg sync.WaitGroup
	t0 := time.Now()
	for i := range deliveries {
		dwg.Add(1)
		go func() {
			defer dwg.Done()
			body := examples[i%2]
			req, _ := http.NewRequest("POST", "http://"+s.addr+"/webhooks/github", bytes.NewReader(body))
			req.Header.Set("X-GitHub-Event", events[i%2])
			req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("slow-%d", i))
			req.Header.Set("X-Hub-Signature-256", sign(body))
			start := time.Now()
			resp, err := client.Do(req)
			k := "error"
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				k = strconv.Itoa(resp.StatusCode)
			}
			lat[i] = time.Since(start)
			mu.Lock()
			codes[k]++
			mu.Unlock()
		}()
		time.Sleep(every)
	}
	dwg.Wait()
	took := time.Since(t0)
	close(stop)
	wg.Wait()
	if err := h.end(); err != nil {
		return row{}, fmt.Errorf("the /healthz watcher: %w", err)
	}
	peak, err := s.hwm()
	if err != nil {
		return row{}, err
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p50, p99, most := lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	ms := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	cut := "none cut off"
	if len(slowAnswers) > 0 {
		cut = "cut off: " + fmtCounts(slowAnswers)
	}
	survived := s.alive() && codes["202"] == deliveries && most <= within && h.failures == 0 && h.slowest <= within
	return row{
		probe: "`steward serve`: 12 slow clients (5 MiB announced, well-formed wrong signature, 1 byte/s) beside 20 signed deliveries, one every 250 ms (issue #24)",
		tried: fmt.Sprintf("deliveries %s, answered in p50 %s, p99 %s, max %s; slow clients %s; /healthz polled %d times, %d failed, slowest %s",
			fmtCounts(codes), ms(p50), ms(p99), ms(most), cut, h.polls, h.failures, ms(h.slowest)),
		survived: verdict(survived, "every delivery 202 within 100 ms, /healthz within 100 ms",
			fmt.Sprintf("deliveries %s, slowest %s; /healthz %d failed, slowest %s", fmtCounts(codes), ms(most), h.failures, ms(h.slowest))),
		took: took.Round(10 * time.Millisecond).String(), peak: mib(peak) + " (VmHWM)",
	}, nil
}

// trickle is one slow client: it connects, sends the headers of a delivery
// announcing 5 MiB with a well-formed but wrong signature (then says so on
// connected, the first time), and a byte a second of its body until stop
// or until steward answers or closes the connection. It returns steward's
// status code, or how the connection ended.
func trickle(addr string, stop <-chan struct{}, connected chan<- struct{}, first bool) string {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "refused"
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /webhooks/github HTTP/1.1\r\nHost: steward\r\nX-GitHub-Event: issues\r\n"+
		"X-Hub-Signature-256: sha256=%s\r\nContent-Length: %d\r\n\r\n", strings.Repeat("ab", 32), 5<<20)
	if first {
		connected <- struct{}{}
	}
	answered := make(chan string, 1)
	go func() {
		line, err := bufio.NewReader(conn).ReadString('\n')
		if f := strings.Fields(line); err == nil && len(f) > 1 {
			answered <- f[1]
			return
		}
		answered <- "closed"
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if _, err := conn.Write([]byte{' '}); err != nil {
			return "closed"
		}
		select {
		case <-stop:
			return ""
		case code := <-answered:
			return code
		case <-tick.C:
		}
	}
}

// benchTable turns `go test -bench Hostile` output into rows: a benchmark
// may report survived (1 or 0), a time (emulated-s, or else ns/op) and peak
// memory (a metric named peak-*, or else B/op).
func benchTable(in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	pkg := ""
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimPrefix(rest, "github.com/support-steward/steward/")
			continue
		}
		if !strings.HasPrefix(line, "BenchmarkHostile") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		name := f[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i]
		}
		metrics := map[string]string{}
		var all []string
		for i := 2; i+1 < len(f); i += 2 {
			metrics[f[i+1]] = f[i]
			all = append(all, f[i]+" "+f[i+1])
		}
		survived := "—"
		if v, ok := metrics["survived"]; ok {
			survived = map[bool]string{true: "yes", false: "**NO**"}[v == "1" || v == "1.000"]
		}
		took := ""
		for k, v := range metrics {
			if strings.HasPrefix(k, "emulated") {
				took = v + " " + k
			}
		}
		if ns, err := strconv.ParseFloat(metrics["ns/op"], 64); err == nil {
			took = strings.TrimPrefix(took+", ", ", ") + time.Duration(ns).Round(time.Microsecond).String() + "/op"
		}
		peak := ""
		for k, v := range metrics {
			if strings.HasPrefix(k, "peak") {
				peak = v + " " + k
			}
		}
		if peak == "" {
			peak = metrics["B/op"] + " B/op"
		}
		fmt.Fprintln(out, row{probe: "`" + name + "` (" + pkg + ")", tried: strings.Join(all, ", "), survived: survived, took: took, peak: peak})
	}
	return sc.Err()
}
