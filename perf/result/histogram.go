package result

import (
	"fmt"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram bounds: latencies are recorded in microseconds from 1 µs to
// 5 minutes with 3 significant digits, so any recorded value is exact to
// 0.1%. Longer values are clamped to the maximum rather than dropped, so a
// hung request still counts at the top of the distribution.
const (
	histMinMicros = 1
	histMaxMicros = int64(5 * time.Minute / time.Microsecond)
	histSigFigs   = 3
)

// NewHistogram returns an empty latency histogram with the bounds every
// result uses, so histograms of different runs can be merged exactly.
func NewHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(histMinMicros, histMaxMicros, histSigFigs)
}

// Record adds one latency to h, clamped to the histogram's range.
func Record(h *hdrhistogram.Histogram, d time.Duration) {
	us := d.Microseconds()
	if us < histMinMicros {
		us = histMinMicros
	}
	if us > histMaxMicros {
		us = histMaxMicros
	}
	// RecordValue fails only outside the range, which the clamp rules out.
	_ = h.RecordValue(us)
}

// EncodeHistogram returns h in HdrHistogram's compressed base64 form.
func EncodeHistogram(h *hdrhistogram.Histogram) (string, error) {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return "", fmt.Errorf("encode histogram: %w", err)
	}
	return string(b), nil
}

// DecodeHistogram parses a histogram written by EncodeHistogram.
func DecodeHistogram(s string) (*hdrhistogram.Histogram, error) {
	if s == "" {
		return NewHistogram(), nil
	}
	h, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("decode histogram: %w", err)
	}
	return h, nil
}

// Percentiles fills the latency fields of st from h (microseconds).
func Percentiles(st *Stats, h *hdrhistogram.Histogram) {
	if h.TotalCount() == 0 {
		return
	}
	st.P50Ms = microsToMs(h.ValueAtQuantile(50))
	st.P90Ms = microsToMs(h.ValueAtQuantile(90))
	st.P95Ms = microsToMs(h.ValueAtQuantile(95))
	st.P99Ms = microsToMs(h.ValueAtQuantile(99))
	st.P999Ms = microsToMs(h.ValueAtQuantile(99.9))
	st.MaxMs = microsToMs(h.Max())
	st.MeanMs = h.Mean() / 1000
}

// ServicePercentiles fills the service-time fields of st from h.
func ServicePercentiles(st *Stats, h *hdrhistogram.Histogram) {
	if h.TotalCount() == 0 {
		return
	}
	st.ServiceP50Ms = microsToMs(h.ValueAtQuantile(50))
	st.ServiceP99Ms = microsToMs(h.ValueAtQuantile(99))
}

func microsToMs(us int64) float64 {
	return float64(us) / 1000
}

// Finish derives the percentiles, rates and error rate of st from its
// counts, its latency and service-time histograms and the measured window.
func Finish(st *Stats, latency, service *hdrhistogram.Histogram, window time.Duration) {
	Percentiles(st, latency)
	ServicePercentiles(st, service)
	st.MeasuredSec = window.Seconds()
	if window > 0 {
		st.ThroughputOpsPerSec = float64(st.Successes) / window.Seconds()
		st.SendRateOpsPerSec = float64(st.Sent) / window.Seconds()
	}
	if st.Requests > 0 {
		st.ErrorRate = float64(st.Errors.Total()) / float64(st.Requests)
	}
}
