package compare

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestMetricJSONUndefinedValuesAreNull(t *testing.T) {
	m := Metric{
		Name:      "P99 latency",
		Before:    Summary{Median: 2, Lo: math.Inf(-1), Hi: math.Inf(1), N: 5},
		ChangePct: math.NaN(),
		P:         0.5,
	}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	text := string(data)
	for _, want := range []string{`"lo":null`, `"hi":null`, `"change_pct":null`, `"p_value":0.5`, `"median":2`, `"name":"P99 latency"`} {
		if !strings.Contains(text, want) {
			t.Errorf("JSON lacks %s: %s", want, text)
		}
	}
	if strings.Count(text, `"change_pct"`) != 1 {
		t.Errorf("change_pct appears more than once: %s", text)
	}
}
