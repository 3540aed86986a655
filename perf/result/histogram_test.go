package result

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// hdrPrecision is the relative error of a histogram with 3 significant
// digits: any recorded value is exact to 0.1%.
const hdrPrecision = 0.001

// quantiles are the percentiles the merge test compares, from the minimum
// to the maximum.
var quantiles = []float64{0, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100}

// latencySample returns n latencies from a fixed seed, spread over four
// orders of magnitude like a real latency distribution with a long tail.
func latencySample(n int) []time.Duration {
	rng := rand.New(rand.NewPCG(17, 42))
	values := make([]time.Duration, n)
	for i := range values {
		us := math.Exp(rng.NormFloat64()*1.5 + 7) // median about 1.1 ms
		values[i] = time.Duration(us * float64(time.Microsecond))
	}
	return values
}

func withinPrecision(got, want float64) bool {
	return math.Abs(got-want) <= hdrPrecision*math.Abs(want)
}

func TestHistogramMergeEqualsAllValues(t *testing.T) {
	values := latencySample(20000)
	// Values beyond both ends of the range go through the clamp as well.
	values = append(values, 0, 100*time.Nanosecond, 10*time.Minute)

	first, second, all := NewHistogram(), NewHistogram(), NewHistogram()
	for i, d := range values {
		if i%3 == 0 {
			Record(first, d)
		} else {
			Record(second, d)
		}
		Record(all, d)
	}

	if dropped := first.Merge(second); dropped != 0 {
		t.Fatalf("Merge dropped %d values; histograms from NewHistogram must merge exactly", dropped)
	}

	if first.TotalCount() != all.TotalCount() {
		t.Errorf("merged count = %d, histogram of all values has %d", first.TotalCount(), all.TotalCount())
	}
	for _, q := range quantiles {
		if got, want := first.ValueAtQuantile(q), all.ValueAtQuantile(q); got != want {
			t.Errorf("merged P%g = %d µs, histogram of all values has %d µs", q, got, want)
		}
	}
	if first.Min() != all.Min() {
		t.Errorf("merged min = %d µs, histogram of all values has %d µs", first.Min(), all.Min())
	}
	if first.Max() != all.Max() {
		t.Errorf("merged max = %d µs, histogram of all values has %d µs", first.Max(), all.Max())
	}
	if first.Mean() != all.Mean() {
		t.Errorf("merged mean = %g µs, histogram of all values has %g µs", first.Mean(), all.Mean())
	}

	var merged, direct Stats
	Percentiles(&merged, first)
	Percentiles(&direct, all)
	if merged != direct {
		t.Errorf("Percentiles of merged histogram = %+v\nPercentiles of all values = %+v", merged, direct)
	}
}

func TestPercentilesKnownSample(t *testing.T) {
	h := NewHistogram()
	for us := 1; us <= 100000; us++ {
		Record(h, time.Duration(us)*time.Microsecond)
	}

	var st Stats
	Percentiles(&st, h)

	// For the values 1..100000 µs, the q-th percentile is q*1000 µs.
	cases := []struct {
		name   string
		got    float64
		wantMs float64
	}{
		{"P50", st.P50Ms, 50},
		{"P90", st.P90Ms, 90},
		{"P95", st.P95Ms, 95},
		{"P99", st.P99Ms, 99},
		{"P99.9", st.P999Ms, 99.9},
		{"max", st.MaxMs, 100},
		{"mean", st.MeanMs, 50.0005},
	}
	for _, c := range cases {
		if !withinPrecision(c.got, c.wantMs) {
			t.Errorf("%s = %g ms, want %g ms within 0.1%%", c.name, c.got, c.wantMs)
		}
	}
}

func TestPercentilesEmptyHistogram(t *testing.T) {
	st := Stats{P99Ms: 7}

	Percentiles(&st, NewHistogram())
	ServicePercentiles(&st, NewHistogram())

	if st.P99Ms != 7 {
		t.Errorf("Percentiles of an empty histogram changed P99 from 7 to %g", st.P99Ms)
	}
	if st.P50Ms != 0 || st.MaxMs != 0 || st.MeanMs != 0 {
		t.Errorf("Percentiles of an empty histogram set figures: %+v", st)
	}
	if st.ServiceP50Ms != 0 || st.ServiceP99Ms != 0 {
		t.Errorf("ServicePercentiles of an empty histogram set figures: %+v", st)
	}
}

func TestRecordClamps(t *testing.T) {
	cases := []struct {
		name       string
		latency    time.Duration
		wantMicros int64
	}{
		{"zero", 0, histMinMicros},
		{"negative", -3 * time.Second, histMinMicros},
		{"below one microsecond", 400 * time.Nanosecond, histMinMicros},
		{"ten minutes", 10 * time.Minute, histMaxMicros},
		{"max duration", time.Duration(math.MaxInt64), histMaxMicros},
		{"in range", 1500 * time.Microsecond, 1500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := NewHistogram()

			Record(h, c.latency)

			if h.TotalCount() != 1 {
				t.Fatalf("Record(%v) counted %d values, want 1 (clamped, not dropped)", c.latency, h.TotalCount())
			}
			got := h.Max()
			if !withinPrecision(float64(got), float64(c.wantMicros)) {
				t.Errorf("Record(%v) stored %d µs, want %d µs within 0.1%%", c.latency, got, c.wantMicros)
			}
		})
	}
}

func TestHistogramEncodeDecode(t *testing.T) {
	h := NewHistogram()
	for _, d := range latencySample(5000) {
		Record(h, d)
	}

	encoded, err := EncodeHistogram(h)
	if err != nil {
		t.Fatalf("EncodeHistogram: %v", err)
	}
	decoded, err := DecodeHistogram(encoded)
	if err != nil {
		t.Fatalf("DecodeHistogram of EncodeHistogram output: %v", err)
	}

	if decoded.TotalCount() != h.TotalCount() {
		t.Errorf("decoded count = %d, encoded %d", decoded.TotalCount(), h.TotalCount())
	}
	for _, q := range quantiles {
		if got, want := decoded.ValueAtQuantile(q), h.ValueAtQuantile(q); got != want {
			t.Errorf("decoded P%g = %d µs, encoded %d µs", q, got, want)
		}
	}
	if !decoded.Equals(h) {
		t.Errorf("decoded histogram differs from the encoded one")
	}

	// A decoded histogram keeps the bounds, so it still merges exactly.
	if dropped := decoded.Merge(h); dropped != 0 {
		t.Errorf("merging into a decoded histogram dropped %d values", dropped)
	}
}

func TestDecodeHistogramEmptyString(t *testing.T) {
	h, err := DecodeHistogram("")

	if err != nil {
		t.Fatalf("DecodeHistogram(\"\") = %v, want an empty histogram", err)
	}
	if h.TotalCount() != 0 {
		t.Errorf("DecodeHistogram(\"\") has %d values, want 0", h.TotalCount())
	}
	if dropped := h.Merge(NewHistogram()); dropped != 0 {
		t.Errorf("merge into the empty histogram dropped %d values", dropped)
	}
}

func TestDecodeHistogramInvalid(t *testing.T) {
	for _, input := range []string{"not base64!", "SGVsbG8gd29ybGQ="} {
		h, err := DecodeHistogram(input)

		if err == nil {
			t.Errorf("DecodeHistogram(%q) = %v, want an error", input, h)
			continue
		}
		if !strings.HasPrefix(err.Error(), "decode histogram: ") {
			t.Errorf("DecodeHistogram(%q) error %q does not say what failed", input, err)
		}
	}
}

func TestFinish(t *testing.T) {
	latency, service := NewHistogram(), NewHistogram()
	for us := 1; us <= 1000; us++ {
		Record(latency, time.Duration(us)*time.Millisecond)
		Record(service, time.Duration(us)*time.Microsecond)
	}
	st := Stats{
		Requests:  1000,
		Sent:      985,
		Successes: 950,
		Unsent:    10,
		Errors:    ErrorCounts{Timeout: 15, HTTP5xx: 25, Unsent: 10},
	}

	Finish(&st, latency, service, 10*time.Second)

	if st.MeasuredSec != 10 {
		t.Errorf("MeasuredSec = %g, want 10", st.MeasuredSec)
	}
	if st.ThroughputOpsPerSec != 95 {
		t.Errorf("throughput = %g ops/s, want 950 successes / 10 s = 95", st.ThroughputOpsPerSec)
	}
	if st.SendRateOpsPerSec != 98.5 {
		t.Errorf("send rate = %g ops/s, want 985 sent in the window / 10 s = 98.5", st.SendRateOpsPerSec)
	}
	if st.ErrorRate != 0.05 {
		t.Errorf("error rate = %g, want 50 errors / 1000 requests = 0.05", st.ErrorRate)
	}
	if !withinPrecision(st.P99Ms, 990) {
		t.Errorf("P99 = %g ms, want 990 ms within 0.1%% (latency histogram)", st.P99Ms)
	}
	if !withinPrecision(st.ServiceP99Ms, 0.990) {
		t.Errorf("service P99 = %g ms, want 0.990 ms within 0.1%% (service histogram)", st.ServiceP99Ms)
	}
	if !withinPrecision(st.ServiceP50Ms, 0.500) {
		t.Errorf("service P50 = %g ms, want 0.500 ms within 0.1%%", st.ServiceP50Ms)
	}
}

func TestFinishZeroWindowAndRequests(t *testing.T) {
	var st Stats

	Finish(&st, NewHistogram(), NewHistogram(), 0)

	if st.ThroughputOpsPerSec != 0 || st.SendRateOpsPerSec != 0 {
		t.Errorf("rates over an empty window = %g and %g ops/s, want 0 (no division by zero)", st.ThroughputOpsPerSec, st.SendRateOpsPerSec)
	}
	if st.ErrorRate != 0 {
		t.Errorf("error rate without requests = %g, want 0", st.ErrorRate)
	}
}

func TestErrorCountsTotalAndAdd(t *testing.T) {
	a := ErrorCounts{Timeout: 1, Connection: 2, HTTP4xx: 3, HTTP5xx: 4, Unexpected: 5, Unsent: 6}
	b := ErrorCounts{Timeout: 10, Connection: 20, HTTP4xx: 30, HTTP5xx: 40, Unexpected: 50, Unsent: 60}

	sum := a.Add(b)

	if a.Total() != 21 {
		t.Errorf("Total() = %d, want 21 (every class counted once)", a.Total())
	}
	want := ErrorCounts{Timeout: 11, Connection: 22, HTTP4xx: 33, HTTP5xx: 44, Unexpected: 55, Unsent: 66}
	if sum != want {
		t.Errorf("Add = %+v, want %+v", sum, want)
	}
}
