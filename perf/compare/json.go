package compare

import (
	"encoding/json"
	"math"
)

// finite returns a pointer to v, or nil when v is NaN or infinite, so JSON
// shows null where a value is undefined (a change from zero, or a
// confidence interval that too few trials leave unbounded). encoding/json
// rejects NaN and Inf outright.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// MarshalJSON writes undefined bounds and medians as null.
func (s Summary) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Median *float64  `json:"median"`
		Lo     *float64  `json:"lo"`
		Hi     *float64  `json:"hi"`
		N      int       `json:"n"`
		Values []float64 `json:"values"`
	}{finite(s.Median), finite(s.Lo), finite(s.Hi), s.N, s.Values})
}

// MarshalJSON writes an undefined change or p-value as null.
func (m Metric) MarshalJSON() ([]byte, error) {
	type plain Metric // without this method, so Marshal does not recurse
	return json.Marshal(struct {
		plain
		ChangePct *float64 `json:"change_pct"`
		P         *float64 `json:"p_value"`
	}{plain(m), finite(m.ChangePct), finite(m.P)})
}

// MarshalJSON writes an undefined change as null.
func (c CPUPerOp) MarshalJSON() ([]byte, error) {
	type plain CPUPerOp
	return json.Marshal(struct {
		plain
		ChangePct *float64 `json:"change_pct"`
	}{plain(c), finite(c.ChangePct)})
}
