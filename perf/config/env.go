package config

import (
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EnvVars lists every PERF_* variable FromEnv reads, for help text and the
// result's provenance.
var EnvVars = []string{
	"PERF_DURATION", "PERF_WARMUP", "PERF_RATE", "PERF_TRIALS", "PERF_SCENARIO", "PERF_ENDPOINT",
	"PERF_RESULTS_DIR", "PERF_LOG", "PERF_STRICT", "PERF_ALLOW_INCOMPLETE",
	"PERF_FORMAT", "PERF_PROFILE", "PERF_PIN_CPUS", "PERF_PAIRS", "PERF_CALIBRATION_COST", "PERF_CALIBRATION_INTERLEAVE", "PERF_PHASE", "PERF_TASK_NAME", "PERF_PORT",
}

// FromEnv applies the PERF_* environment overrides to c. Each invalid value
// is an error naming the variable, the value and an example of a valid one.
func FromEnv(c Config) (Config, error) {
	return FromLookup(c, os.LookupEnv)
}

// FromLookup is FromEnv with the environment given as a lookup function,
// for tests.
func FromLookup(c Config, lookup func(string) (string, bool)) (Config, error) {
	c.Env = map[string]string{}
	get := func(name string) (string, bool) {
		v, ok := lookup(name)
		v = strings.TrimSpace(v)
		if ok && v != "" {
			c.Env[name] = v
			return v, true
		}
		return "", false
	}

	if v, ok := get("PERF_DURATION"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("PERF_DURATION=%q is not a positive duration; use a value such as 5s or 2m", v)
		}
		c.Duration = d
	}
	if v, ok := get("PERF_WARMUP"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return c, fmt.Errorf("PERF_WARMUP=%q is not a duration of 0 or more; use a value such as 1s, or 0s for none", v)
		}
		c.Warmup, c.WarmupSet = d, true
	}
	if v, ok := get("PERF_RATE"); ok {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 || math.IsInf(r, 0) || math.IsNaN(r) {
			return c, fmt.Errorf("PERF_RATE=%q is not a positive number of ops/s; use a value such as 500", v)
		}
		c.Rate = r
	}
	if v, ok := get("PERF_TRIALS"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return c, fmt.Errorf("PERF_TRIALS=%q is not a whole number from 1 to 100; use a value such as 5", v)
		}
		c.Trials = n
	}
	if v, ok := get("PERF_PAIRS"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("PERF_PAIRS=%q is not a whole number from 1 to 1000; use a value such as 10", v)
		}
		c.Pairs = n
	}
	if v, ok := get("PERF_CALIBRATION_COST"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("PERF_CALIBRATION_COST=%q is not a positive duration; use a value such as 120us", v)
		}
		c.CalibrationCost = d
	}
	if v, ok := get("PERF_SCENARIO"); ok {
		c.Scenario = v
	}
	if v, ok := get("PERF_ENDPOINT"); ok {
		endpoint, err := parseEndpoint(v)
		if err != nil {
			return c, err
		}
		c.Endpoint = endpoint
	}
	if v, ok := get("PERF_PORT"); ok {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return c, fmt.Errorf("PERF_PORT=%q is not a TCP port; use a number from 1 to 65535", v)
		}
		c.setPort(p)
	}
	if v, ok := get("PERF_RESULTS_DIR"); ok {
		c.ResultsDir = v
	}
	if v, ok := get("PERF_LOG"); ok {
		c.LogPath = v
	}
	if v, ok := get("PERF_FORMAT"); ok {
		if v != "text" && v != "json" {
			return c, fmt.Errorf("PERF_FORMAT=%q is invalid; use text or json", v)
		}
		c.Format = v
	}
	if v, ok := get("PERF_PHASE"); ok {
		if v != "before" && v != "after" {
			return c, fmt.Errorf("PERF_PHASE=%q is invalid; use before or after", v)
		}
		c.Phase = v
	}
	if v, ok := get("PERF_TASK_NAME"); ok {
		c.TaskName = v
	}

	var err error
	if c.Strict, err = envBool(get, "PERF_STRICT", c.Strict); err != nil {
		return c, err
	}
	if c.AllowIncomplete, err = envBool(get, "PERF_ALLOW_INCOMPLETE", c.AllowIncomplete); err != nil {
		return c, err
	}
	if c.Profile, err = envBool(get, "PERF_PROFILE", c.Profile); err != nil {
		return c, err
	}
	if c.PinCPUs, err = envBool(get, "PERF_PIN_CPUS", c.PinCPUs); err != nil {
		return c, err
	}
	if c.CalibrationInterleave, err = envBool(get, "PERF_CALIBRATION_INTERLEAVE", c.CalibrationInterleave); err != nil {
		return c, err
	}
	return c, nil
}

func envBool(get func(string) (string, bool), name string, def bool) (bool, error) {
	v, ok := get(name)
	if !ok {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("%s=%q is not a boolean; use 1 or 0", name, v)
	}
	return b, nil
}

// parseEndpoint accepts an http(s) URL with a host and nothing after it
// but a "/", because request paths are appended to it as they are.
func parseEndpoint(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("PERF_ENDPOINT=%q is not an http URL; use a value such as http://127.0.0.1:7432", v)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("PERF_ENDPOINT=%q has a path, query or fragment; give only scheme, host and port, such as http://127.0.0.1:7432 (paths come from the scenario)", v)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// setPort moves the server to port p, rewriting the reference server's
// -addr argument so both stay in step.
func (c *Config) setPort(p int) {
	old := ":" + strconv.Itoa(c.Server.Port)
	c.Server.Args = slices.Clone(c.Server.Args)
	for i, a := range c.Server.Args {
		if strings.HasSuffix(a, old) {
			c.Server.Args[i] = strings.TrimSuffix(a, old) + ":" + strconv.Itoa(p)
		}
	}
	c.Server.Port = p
}
