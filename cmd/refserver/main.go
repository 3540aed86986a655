package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

const (
	defaultAddr = "127.0.0.1:7432"

	// shutdownTimeout bounds graceful shutdown, so the server exits about a
	// second after SIGTERM even when connections stay busy.
	shutdownTimeout = time.Second

	// maxDim keeps sketch lengths within the uint16 distances of the scan.
	maxDim = 1 << 15
)

// options are the parsed flags.
type options struct {
	addr          string
	server        serverConfig
	exitAtStart   bool
	crashAfter    time.Duration
	ignoreSigterm bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run starts the server with the given arguments and returns the exit
// status: 0 after a graceful stop, 1 when the server cannot start, 2 for
// invalid flags.
func run(args []string, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, nil))

	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "refserver: %v\n", err)
		return 2
	}

	if opts.exitAtStart {
		log.Error("exiting before listening as requested by -exit-at-start")
		return 1
	}

	// Ignoring SIGTERM must happen before signal.Notify, which would
	// otherwise deliver it.
	stopSignals := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if opts.ignoreSigterm {
		signal.Ignore(syscall.SIGTERM)
		stopSignals = []os.Signal{os.Interrupt}
	}
	ctx, stopNotify := signal.NotifyContext(context.Background(), stopSignals...)
	defer stopNotify()

	listener, err := net.Listen("tcp", opts.addr)
	if err != nil {
		log.Error("listen failed; choose a free address with -addr or -port", "addr", opts.addr, "err", err)
		return 1
	}

	srv := newServer(opts.server, log)
	publishExpvars(srv)
	httpServer := &http.Server{
		Handler:           srv.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	cfg := opts.server
	log.Info("refserver started",
		"addr", listener.Addr().String(),
		"dim", cfg.Store.Dim,
		"working_set", cfg.Store.WorkingSet,
		"max_episodes", cfg.Store.MaxEpisodes,
		"candidates", cfg.Store.Candidates,
		"dual_memory", cfg.DualMemory,
		"delay", cfg.Delay,
		"spin", cfg.Spin,
		"never_healthy", cfg.NeverHealthy,
		"hang_after", cfg.HangAfter,
		"crash_after", opts.crashAfter,
		"ignore_sigterm", opts.ignoreSigterm,
	)
	startCrashTimer(log, opts.crashAfter)

	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(listener) }()

	status := 0
	select {
	case <-ctx.Done():
		log.Info("stop signal received; shutting down", "timeout", shutdownTimeout)
	case err := <-serveErr:
		log.Error("serve failed", "err", err)
		status = 1
	}

	srv.stop()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		log.Warn("graceful shutdown timed out; closing open connections", "err", err)
		_ = httpServer.Close()
	}

	log.Info("refserver stopped",
		"uptime", time.Since(srv.started).Round(time.Millisecond),
		"episodes", srv.store.len(),
		"status", status,
	)

	return status
}

// parseFlags parses and validates args. Usage and flag errors go to stderr.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("refserver", flag.ContinueOnError)
	fs.SetOutput(stderr)

	var opts options
	cfg := &opts.server
	var port int
	fs.StringVar(&opts.addr, "addr", defaultAddr, "TCP address to listen on")
	fs.IntVar(&port, "port", 0, "shorthand for -addr 127.0.0.1:`N`")
	fs.IntVar(&cfg.Store.Dim, "dim", 768, "embedding dimension that requests must match")
	fs.IntVar(&cfg.Store.WorkingSet, "working-set", 8192, "number of most recent episodes that recall searches")
	fs.IntVar(&cfg.Store.MaxEpisodes, "max-episodes", 200000, "number of episodes kept for GET by id; the oldest is evicted beyond it")
	fs.IntVar(&cfg.Store.Candidates, "candidates", 512, "sketch matches re-ranked with full vectors per recall; higher is more accurate and slower")
	fs.IntVar(&cfg.Concepts, "concepts", 256, "maximum number of concepts in semantic memory (with -dual-memory)")
	fs.BoolVar(&cfg.DualMemory, "dual-memory", false, "serve semantic and blended recall instead of 501")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", 1<<20, "maximum request body size in bytes")
	fs.DurationVar(&cfg.Delay, "delay", 0, "fixed delay added to every /api/ request, such as 5ms")
	fs.DurationVar(&cfg.Spin, "spin", 0, "CPU time burnt in every /api/ request, such as 200us: an exact small slowdown, as a slower code path would add")
	fs.BoolVar(&opts.exitAtStart, "exit-at-start", false, "fault: log a line and exit with status 1 before listening")
	fs.BoolVar(&cfg.NeverHealthy, "never-healthy", false, "fault: /health responds 503")
	fs.DurationVar(&opts.crashAfter, "crash-after", 0, "fault: exit abruptly with status 2 after this uptime (0 disables)")
	fs.DurationVar(&cfg.HangAfter, "hang-after", 0, "fault: /api/ requests block without a response after this uptime (0 disables)")
	fs.BoolVar(&opts.ignoreSigterm, "ignore-sigterm", false, "fault: ignore SIGTERM, so only SIGINT or SIGKILL stop the server")

	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q; all settings are flags, see -help", fs.Arg(0))
	}

	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["port"] {
		if set["addr"] {
			return options{}, errors.New("both -addr and -port are set; use one")
		}
		if port < 1 || port > 65535 {
			return options{}, fmt.Errorf("invalid -port %d: must be in [1, 65535]", port)
		}
		opts.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	}

	return opts, validateOptions(opts)
}

func validateOptions(opts options) error {
	cfg := opts.server
	counts := []struct {
		name     string
		value    int64
		min, max int64
	}{
		{"dim", int64(cfg.Store.Dim), 1, maxDim},
		{"working-set", int64(cfg.Store.WorkingSet), 1, 1 << 24},
		{"max-episodes", int64(cfg.Store.MaxEpisodes), 1, 1 << 31},
		{"candidates", int64(cfg.Store.Candidates), 1, 1 << 24},
		{"concepts", int64(cfg.Concepts), 1, 1 << 16},
		{"max-body", cfg.MaxBodyBytes, 1, 1 << 30},
	}
	for _, c := range counts {
		if c.value < c.min || c.value > c.max {
			return fmt.Errorf("invalid -%s %d: must be in [%d, %d]", c.name, c.value, c.min, c.max)
		}
	}

	durations := []struct {
		name  string
		value time.Duration
	}{
		{"delay", cfg.Delay},
		{"spin", cfg.Spin},
		{"hang-after", cfg.HangAfter},
		{"crash-after", opts.crashAfter},
	}
	for _, d := range durations {
		if d.value < 0 {
			return fmt.Errorf("invalid -%s %v: must not be negative", d.name, d.value)
		}
	}

	return nil
}
