package config

import (
	"slices"
	"testing"
	"time"
)

func TestDefaultValues(t *testing.T) {
	c := Default()

	if c.Server.Port != 7432 {
		t.Errorf("port = %d, want 7432", c.Server.Port)
	}
	if DefaultPort != 7432 {
		t.Errorf("DefaultPort = %d, want 7432", DefaultPort)
	}
	if want := []string{"-addr", "127.0.0.1:7432"}; !slices.Equal(c.Server.Args, want) {
		t.Errorf("server args = %q, want %q (listen on the default port)", c.Server.Args, want)
	}
	if c.Server.HealthPath != "/health" {
		t.Errorf("health path = %q, want /health", c.Server.HealthPath)
	}
	if c.Server.HealthTimeout != 10*time.Second {
		t.Errorf("health timeout = %v, want 10s", c.Server.HealthTimeout)
	}
	if c.Server.StopTimeout != 5*time.Second {
		t.Errorf("stop timeout = %v, want 5s", c.Server.StopTimeout)
	}
	if c.ResultsDir != "tmp/m17_performance" {
		t.Errorf("results dir = %q, want tmp/m17_performance", c.ResultsDir)
	}
	if c.LogPath != "roadmap/milestone-17/PERFORMANCE_LOG.md" {
		t.Errorf("log path = %q, want roadmap/milestone-17/PERFORMANCE_LOG.md", c.LogPath)
	}
	if c.Scenario != "scenarios/m17_baseline.toml" {
		t.Errorf("scenario = %q, want scenarios/m17_baseline.toml", c.Scenario)
	}
	if c.Format != "text" {
		t.Errorf("format = %q, want text", c.Format)
	}
	if c.Phase != "after" {
		t.Errorf("phase = %q, want after", c.Phase)
	}
	if c.Endpoint != "" {
		t.Errorf("endpoint = %q, want none, so the harness starts the server", c.Endpoint)
	}
	if c.Strict {
		t.Error("strict is on by default, want off")
	}
	if c.AllowIncomplete {
		t.Error("allow incomplete is on by default, want off")
	}
	if c.Profile {
		t.Error("profile is on by default, want off")
	}
	if c.Duration != 0 {
		t.Errorf("duration = %v, want 0 so the scenario decides", c.Duration)
	}
	if c.Rate != 0 {
		t.Errorf("rate = %g, want 0 so the scenario decides", c.Rate)
	}
	if c.Trials != 0 {
		t.Errorf("trials = %d, want 0 so the scenario decides", c.Trials)
	}
	if c.WarmupSet {
		t.Errorf("WarmupSet is true by default (warmup %v), want the scenario to decide", c.Warmup)
	}
	if c.Pairs != 10 {
		t.Errorf("calibration pairs = %d, want 10", c.Pairs)
	}
}

func TestDefaultThresholds(t *testing.T) {
	th := Default().Thresholds

	cases := []struct {
		name string
		got  float64
		want float64
	}{
		{"P99 increase %", th.P99IncreasePct, 5},
		{"throughput decrease %", th.ThroughputDecreasePct, 5},
		{"error rate increase", th.ErrorRateIncrease, 0},
		{"peak RSS increase %", th.PeakRSSIncreasePct, 10},
		{"alpha", th.Alpha, 0.05},
		{"max error rate", th.MaxErrorRate, 0.10},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("default %s = %g, want %g", c.name, c.got, c.want)
		}
	}
}

func TestDefaultReturnsFreshArgs(t *testing.T) {
	first := Default()
	first.Server.Args[1] = "changed"

	if got := Default().Server.Args[1]; got != "127.0.0.1:7432" {
		t.Errorf("changing one Default's args changed the next one to %q", got)
	}
}

func TestBaseURL(t *testing.T) {
	c := Default()
	if got := c.BaseURL(); got != "http://127.0.0.1:7432" {
		t.Errorf("default BaseURL = %q, want http://127.0.0.1:7432", got)
	}

	c.Server.Port = 9000
	if got := c.BaseURL(); got != "http://127.0.0.1:9000" {
		t.Errorf("BaseURL at port 9000 = %q, want http://127.0.0.1:9000", got)
	}

	c.Endpoint = "http://10.0.0.5:8080"
	if got := c.BaseURL(); got != "http://10.0.0.5:8080" {
		t.Errorf("BaseURL with an endpoint = %q, want the endpoint", got)
	}
}
