package perflog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/tasks"
)

func TestRenderBlockOutcomes(t *testing.T) {
	cases := []struct {
		name    string
		task    string
		runs    []run
		want    []string
		notWant []string
	}{
		{
			name: "within target",
			task: "001",
			runs: []run{passBefore, passAfter},
			want: []string{
				"- Status: before and after measured\n",
				"- Date: 2026-12-02\n",
				"- Verdict: ✓ within target\n",
				"| P99 latency | 12.0 ms | 10.0 ms | -16.7% (p=0.008) |\n",
				"| Errors | 0 (0.00%) | 0 (0.00%) | no new errors |\n",
				"| Peak RSS | 39.9 MiB | 40.9 MiB |",
				"Latency, throughput and peak RSS are medians over 5 before and 5 after trials, and errors are totals.",
			},
			notWant: []string{"⚠️"},
		},
		{
			name: "regression",
			task: "002",
			runs: []run{regressBefore, regressAfter},
			want: []string{
				"- Verdict: ⚠️ regression\n",
				"  - P99 latency +20.0% (limit +5%, p=0.008)\n",
				"  - Throughput -6.0% (limit -5%, p=0.008)\n",
				"| P99 latency | 10.0 ms | 12.0 ms | ⚠️ +20.0% (p=0.008) |\n",
				"| P50 latency | 4.00 ms | 4.80 ms | +20.0% (p=0.008) |\n",
			},
		},
		{
			name: "invalid comparison",
			task: "004",
			runs: []run{otherSeedStart, otherSeedAfter},
			want: []string{
				"- Verdict: invalid comparison\n",
				"  - different seeds: before 0x2a, after 0x2b; measure both phases with one seed\n",
				"| P99 latency | 12.0 ms | 12.0 ms | — |\n",
			},
			notWant: []string{"| Peak RSS", "~"},
		},
		{
			name: "after missing",
			task: "003",
			runs: []run{waitingBefore},
			want: []string{
				"- Status: after measurement needed\n",
				"- Verdict: after measurement needed (run `go tool mage perf:after 003`)\n",
				"| P99 latency | 12.0 ms | — | — |\n",
				"Latency, throughput and peak RSS are medians over 5 before trials, and errors are totals.",
			},
		},
		{
			name: "before missing",
			task: "001",
			runs: []run{passAfter},
			want: []string{
				"- Verdict: before measurement needed (run `go tool mage perf:before 001`)\n",
				"| P99 latency | — | 10.0 ms | — |\n",
			},
		},
		{
			name: "baseline in one phase",
			task: "baseline",
			runs: []run{baselineRun},
			want: []string{
				"- Status: baseline measured\n",
				"- Verdict: none, because the baseline is the reference of the cumulative change\n",
			},
			notWant: []string{"measurement needed"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, r := range tc.runs {
				writeRun(t, dir, r)
			}
			got := RenderBlock(Entry{Pair: tasks.Load(dir, tc.task), Compare: testCompareOptions()})
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("block lacks %q:\n%s", want, got)
				}
			}
			for _, notWant := range tc.notWant {
				if strings.Contains(got, notWant) {
					t.Errorf("block contains %q:\n%s", notWant, got)
				}
			}
		})
	}
}

func TestRenderBlockUnreadableResult(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, passAfter)
	bad := filepath.Join(dir, "001_before_20261202_090000.json")
	writeFile(t, bad, []byte("{\"schema_version\": 1, \"task\""))

	got := RenderBlock(Entry{Pair: tasks.Load(dir, "001"), Compare: testCompareOptions()})
	for _, want := range []string{
		"- Status: a result is unreadable\n",
		"- Verdict: invalid comparison\n",
		"  - the before result is unreadable: result " + bad + ": not valid JSON",
		"[001_before_20261202_090000.json](" + bad + ")",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("block lacks %q:\n%s", want, got)
		}
	}
}

func TestRenderBlockLinks(t *testing.T) {
	root := t.TempDir()
	results := filepath.Join(root, "tmp", "results")
	before := writeRun(t, results, passBefore)
	writeRun(t, results, passAfter)
	writeFile(t, filepath.Join(results, "001_spectrum.svg"), []byte("<svg/>"))
	writeFile(t, filepath.Join(results, "001_throughput_over_time.svg"), []byte("<svg/>"))

	entry := Entry{
		Pair:    tasks.Load(results, "001"),
		Compare: testCompareOptions(),
		LinkDir: filepath.Join(root, "roadmap", "m17"),
		Plots:   FindPlots(results, "001"),
	}
	got := RenderBlock(entry)

	wantFiles := "- Result files: [001_before_20261202_090000.json](../../tmp/results/001_before_20261202_090000.json), " +
		"[001_after_20261202_150000.json](../../tmp/results/001_after_20261202_150000.json)\n"
	if !strings.Contains(got, wantFiles) {
		t.Errorf("block lacks the result links %q:\n%s", wantFiles, got)
	}
	wantPlots := "- Plots: [latency spectrum](../../tmp/results/001_spectrum.svg), [throughput over time](../../tmp/results/001_throughput_over_time.svg)\n"
	if !strings.Contains(got, wantPlots) {
		t.Errorf("block lacks the plot links %q:\n%s", wantPlots, got)
	}
	if strings.Contains(got, "latency over time") {
		t.Errorf("block links a plot that does not exist:\n%s", got)
	}

	if err := os.Remove(before); err != nil {
		t.Fatal(err)
	}
	if got := RenderBlock(Entry{Pair: tasks.Load(results, "001"), Compare: testCompareOptions()}); strings.Contains(got, "001_before") {
		t.Errorf("block links a removed result:\n%s", got)
	}
}

func TestMarkdownLinkEscapes(t *testing.T) {
	if got, want := markdownLink("a", "dir name/x (1).json"), "[a](<dir name/x (1).json>)"; got != want {
		t.Errorf("markdownLink = %q, want %q", got, want)
	}
	if got, want := markdownLink("a", "plain/x.json"), "[a](plain/x.json)"; got != want {
		t.Errorf("markdownLink = %q, want %q", got, want)
	}
}
