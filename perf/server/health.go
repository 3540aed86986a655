package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// healthPollInterval is the pause between health probes: short next to
	// a typical startup, long enough not to load a starting server.
	healthPollInterval = 50 * time.Millisecond

	// healthProbeTimeout bounds one probe, so a server that accepts
	// connections but never sends a response still gets probed again.
	healthProbeTimeout = 2 * time.Second

	// maxHealthPayload is the number of bytes of the health response body
	// kept for HealthPayload.
	maxHealthPayload = 4096
)

// healthURL returns the URL that Start probes.
func (p *Process) healthURL() string {
	return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(p.spec.Port)) + p.spec.HealthPath
}

// waitHealthy probes the health URL until it returns 2xx and returns an
// error when the process exits, ctx is done or spec.HealthTimeout passes
// first.
func (p *Process) waitHealthy(ctx context.Context) error {
	target := p.healthURL()
	// No proxy, because the server is on loopback, and no keep-alive, so
	// that no idle probe connection stays open during the load test.
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	defer client.CloseIdleConnections()

	deadline := time.Now().Add(p.spec.HealthTimeout)
	timeout := time.NewTimer(p.spec.HealthTimeout)
	defer timeout.Stop()
	ticker := time.NewTicker(healthPollInterval)
	defer ticker.Stop()

	lastResult := "no probe finished"
	for {
		payload, result, healthy := probeHealth(ctx, client, target, deadline)
		if healthy {
			p.healthPayload.Store(&payload)
			return nil
		}
		lastResult = result

		select {
		case <-p.done:
			return p.exitedBeforeHealthy(target)
		case <-ctx.Done():
			return fmt.Errorf("waiting for GET %s to return 2xx: %w", target, ctx.Err())
		case <-timeout.C:
			return fmt.Errorf("GET %s did not return 2xx within %s (last probe: %s); check the output below or raise Spec.HealthTimeout",
				target, p.spec.HealthTimeout, lastResult)
		case <-ticker.C:
		}
	}
}

// exitedBeforeHealthy describes an exit seen while waiting for health. It is
// called only after p.done is closed.
func (p *Process) exitedBeforeHealthy(target string) error {
	if !p.exit.Unexpected {
		return fmt.Errorf("stopped by Stop or StopAll while waiting for GET %s to return 2xx", target)
	}
	return fmt.Errorf("%s exited (%s) %s after launch, before GET %s returned 2xx; the cause is usually in the output below",
		p.commandLine, p.exit, p.exit.At.Sub(p.launchedAt).Round(time.Millisecond), target)
}

// waitEarlyExitWindow keeps Start from returning until spec.EarlyExitWindow
// has passed since launch, and fails if the server exits in that time.
func (p *Process) waitEarlyExitWindow(ctx context.Context) error {
	if p.spec.EarlyExitWindow < 0 {
		return nil
	}
	remaining := time.Until(p.launchedAt.Add(p.spec.EarlyExitWindow))
	if remaining <= 0 {
		return nil
	}

	timer := time.NewTimer(remaining)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting %s after launch for an early exit: %w", p.spec.EarlyExitWindow, ctx.Err())
	case <-p.done:
		if !p.exit.Unexpected {
			return errors.New("stopped by Stop or StopAll during startup")
		}
		return fmt.Errorf("%s exited (%s) %s after launch, after its health check passed; the cause is usually in the output below",
			p.commandLine, p.exit, p.exit.At.Sub(p.launchedAt).Round(time.Millisecond))
	}
}

// probeHealth sends one GET. It returns the truncated body and true on 2xx,
// and otherwise a short description of what happened instead.
func probeHealth(ctx context.Context, client *http.Client, target string, deadline time.Time) (payload, result string, healthy bool) {
	probeDeadline := time.Now().Add(healthProbeTimeout)
	if deadline.Before(probeDeadline) {
		probeDeadline = deadline
	}
	ctx, cancel := context.WithDeadline(ctx, probeDeadline)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", err.Error(), false
	}
	resp, err := client.Do(req)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return "", err.Error(), false
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHealthPayload))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Sprintf("HTTP %d with %s", resp.StatusCode, summarizeBody(body)), false
	}
	if err != nil {
		return "", fmt.Sprintf("HTTP %d, reading body failed: %v", resp.StatusCode, err), false
	}
	return string(body), "", true
}

// summarizeBody returns the start of a response body on one line, for an
// error message.
func summarizeBody(body []byte) string {
	const maxLen = 200
	text := strings.Join(strings.Fields(string(body)), " ")
	if len(text) > maxLen {
		text = text[:maxLen] + "..."
	}
	if text == "" {
		return "an empty body"
	}
	return fmt.Sprintf("body %q", text)
}
