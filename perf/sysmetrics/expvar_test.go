package sysmetrics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// Figures set in testdata/debug_vars.json, a /debug/vars page captured from
// a Go program with its memstats values replaced.
const (
	cannedHeapAlloc    = 52428800
	cannedHeapSys      = 75497472
	cannedNumGC        = 17
	cannedPauseTotalNs = 2500000
)

func TestParseMemStatsCannedPage(t *testing.T) {
	f, err := os.Open("testdata/debug_vars.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	got, err := parseMemStats(f)
	if err != nil {
		t.Fatalf("parseMemStats: %v", err)
	}
	want := memStats{HeapAlloc: cannedHeapAlloc, HeapSys: cannedHeapSys, NumGC: cannedNumGC, PauseTotalNs: cannedPauseTotalNs}
	if got != want {
		t.Errorf("parseMemStats = %+v, want %+v", got, want)
	}
}

func TestParseMemStatsErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr string
	}{
		{"no memstats", `{"cmdline": ["./server"], "requests": 3}`, `no "memstats" key`},
		{"not JSON", `<html>not found</html>`, "decode expvar JSON"},
		{"empty", ``, "decode expvar JSON"},
		{"memstats wrong type", `{"memstats": "big"}`, "decode expvar JSON"},
	}
	for _, tt := range tests {
		_, err := parseMemStats(strings.NewReader(tt.body))
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: err = %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestFetchMemStatsStatusError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()

	_, err := fetchMemStats(context.Background(), newExpvarClient(time.Second), srv.URL+"/debug/vars")
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("err = %v, want one naming status 404", err)
	}
}

func TestFetchMemStatsInvalidURL(t *testing.T) {
	_, err := fetchMemStats(context.Background(), newExpvarClient(time.Second), "http://[::1")
	if err == nil || !strings.Contains(err.Error(), "invalid") {
		t.Errorf("err = %v, want one saying the URL is invalid", err)
	}
}

func TestSamplerRecordsExpvarFigures(t *testing.T) {
	page, err := os.ReadFile("testdata/debug_vars.json")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/debug/vars" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page)
	}))
	defer srv.Close()

	// The sampled process is the test process itself, which is alive for
	// the whole test. The canned page supplies its Go figures.
	s := Start(context.Background(), os.Getpid(), Options{Interval: 100 * time.Millisecond, ExpvarURL: srv.URL + "/debug/vars"})
	time.Sleep(350 * time.Millisecond)
	samples := stopWithin(t, s, 5*time.Second)

	if len(samples) < 2 {
		t.Fatalf("got %d samples, want at least 2", len(samples))
	}
	for i, sample := range samples {
		if sample.HeapAlloc != cannedHeapAlloc {
			t.Errorf("sample %d: HeapAlloc = %d, want %d", i, sample.HeapAlloc, cannedHeapAlloc)
		}
		if sample.HeapSys != cannedHeapSys {
			t.Errorf("sample %d: HeapSys = %d, want %d", i, sample.HeapSys, cannedHeapSys)
		}
		if sample.NumGC != cannedNumGC {
			t.Errorf("sample %d: NumGC = %d, want %d", i, sample.NumGC, cannedNumGC)
		}
		if sample.PauseTotalSec != 0.0025 {
			t.Errorf("sample %d: PauseTotalSec = %g, want 0.0025", i, sample.PauseTotalSec)
		}
		if sample.RSSBytes == 0 {
			t.Errorf("sample %d: RSS = 0, want the test process's RSS", i)
		}
	}
}

func TestSamplerKeepsSamplesWhenExpvarFails(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()

	s := Start(context.Background(), os.Getpid(), Options{Interval: 100 * time.Millisecond, ExpvarURL: srv.URL + "/debug/vars"})
	time.Sleep(250 * time.Millisecond)
	samples := stopWithin(t, s, 5*time.Second)

	if len(samples) < 2 {
		t.Fatalf("got %d samples, want at least 2 despite the expvar 404", len(samples))
	}
	for i, sample := range samples {
		if sample.RSSBytes == 0 {
			t.Errorf("sample %d: RSS = 0, want the process figures kept", i)
		}
		if sample.HeapSys != 0 || sample.NumGC != 0 {
			t.Errorf("sample %d: HeapSys %d, NumGC %d; want 0 when expvar fails", i, sample.HeapSys, sample.NumGC)
		}
	}
	if err := s.Err(); err != nil {
		t.Errorf("Err() = %v, want nil: an expvar failure does not end sampling", err)
	}
}
