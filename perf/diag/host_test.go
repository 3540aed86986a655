package diag

import (
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/result"
)

func TestParseLoadAvg(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    float64
		wantErr string
	}{
		{name: "typical line", text: "0.52 0.61 0.40 2/345 6789\n", want: 0.52},
		{name: "busy host", text: "12.75 8.00 4.10 9/900 1", want: 12.75},
		{name: "idle host", text: "0.00 0.00 0.00 1/80 2", want: 0},
		{name: "empty", text: " \n", wantErr: "empty"},
		{name: "not a number", text: "abc 0.1 0.1 1/1 1", wantErr: `"abc"`},
		{name: "negative", text: "-1.0 0 0 1/1 1", wantErr: "invalid"},
		{name: "NaN", text: "NaN 0 0 1/1 1", wantErr: "invalid"},
	}
	for _, tt := range tests {
		got, err := parseLoadAvg(tt.text)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want one containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: unexpected error %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: parseLoadAvg = %g, want %g", tt.name, got, tt.want)
		}
	}
}

func TestReadLoadAvgFile(t *testing.T) {
	got, err := readLoadAvg("testdata/loadavg")
	if err != nil {
		t.Fatalf("readLoadAvg: %v", err)
	}
	if got != 3.41 {
		t.Errorf("readLoadAvg = %g, want 3.41", got)
	}

	missing := filepath.Join(t.TempDir(), "loadavg")
	if _, err := readLoadAvg(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: err = %v, want one naming %s", err, missing)
	}
}

func TestLoadAvgOnThisHost(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/loadavg exists only on Linux")
	}
	load, err := LoadAvg()
	if err != nil {
		t.Fatalf("LoadAvg: %v", err)
	}
	if load < 0 {
		t.Errorf("LoadAvg = %g, want at least 0", load)
	}
}

func TestReadGovernor(t *testing.T) {
	if got := readGovernor("testdata/scaling_governor"); got != "performance" {
		t.Errorf("readGovernor = %q, want %q", got, "performance")
	}
	if got := readGovernor(filepath.Join(t.TempDir(), "missing")); got != "" {
		t.Errorf("readGovernor of a missing file = %q, want empty", got)
	}
}

func TestBusy(t *testing.T) {
	tests := []struct {
		load  float64
		cores int
		want  bool
	}{
		{load: 3.4, cores: 2, want: true},
		{load: 2.0, cores: 2, want: false},
		{load: 2.01, cores: 2, want: true},
		{load: 0.1, cores: 8, want: false},
		{load: 5, cores: 0, want: false},
		{load: 5, cores: -1, want: false},
	}
	for _, tt := range tests {
		if got := Busy(tt.load, tt.cores); got != tt.want {
			t.Errorf("Busy(%g, %d) = %v, want %v", tt.load, tt.cores, got, tt.want)
		}
	}
}

func TestHostWarnings(t *testing.T) {
	idle := &result.Diagnostics{LoadAvgBefore: 0.3, LoadAvgAfter: 1.1}
	busyBefore := &result.Diagnostics{LoadAvgBefore: 3.4, LoadAvgAfter: 1.0}
	busyAfter := &result.Diagnostics{LoadAvgBefore: 0.5, LoadAvgAfter: 2.6}

	tests := []struct {
		name          string
		before, after *result.Diagnostics
		cores         int
		want          []string
	}{
		{name: "both idle", before: idle, after: idle, cores: 2, want: nil},
		{
			name: "before busy", before: busyBefore, after: idle, cores: 2,
			want: []string{"the before run's host was busy (load average 3.4 on 2 cores); rerun when the machine is idle"},
		},
		{
			name: "after busy at its end", before: idle, after: busyAfter, cores: 2,
			want: []string{"the after run's host was busy (load average 2.6 on 2 cores); rerun when the machine is idle"},
		},
		{
			name: "both busy on one core", before: idle, after: busyAfter, cores: 1,
			want: []string{
				"the before run's host was busy (load average 1.1 on 1 core); rerun when the machine is idle",
				"the after run's host was busy (load average 2.6 on 1 core); rerun when the machine is idle",
			},
		},
		{name: "nil sides", before: nil, after: nil, cores: 2, want: nil},
		{name: "unknown cores", before: busyBefore, after: busyAfter, cores: 0, want: nil},
	}
	for _, tt := range tests {
		got := HostWarnings(tt.before, tt.after, tt.cores)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: HostWarnings =\n%q\nwant\n%q", tt.name, got, tt.want)
		}
	}
}
