package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// rank returns the p-quantile of sorted values by nearest rank.
func rank(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	return sorted[max(0, int(math.Ceil(p*float64(len(sorted))))-1)]
}

// pcts returns the median and the 99th percentile of latencies in ns.
func pcts(lat []time.Duration) (p50, p99 float64) {
	v := make([]float64, len(lat))
	for i, d := range lat {
		v[i] = float64(d)
	}
	slices.Sort(v)
	return rank(v, 0.5), rank(v, 0.99)
}

// spread is the median, minimum and maximum of repeated values.
type spread struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

func spreadOf(v []float64) spread {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return spread{math.NaN(), math.NaN(), math.NaN()}
	}
	return spread{Median: rank(s, 0.5), Min: s[0], Max: s[len(s)-1]}
}

// side is one contender's figures over the repetitions of a measurement:
// the median over repetitions of each repetition's p50 and p99 (or of a
// single value per repetition, then P99 is zero).
type side struct {
	Name string    `json:"name"`
	Unit string    `json:"unit"` // "ns", "req/s", "MB", "s", "edges/s"
	P50  spread    `json:"p50"`
	P99  spread    `json:"p99"`
	Raw  []float64 `json:"raw,omitempty"` // the per-repetition p50s (or values)
}

// row is one line of the performance table.
type row struct {
	What     string  `json:"what"`
	Size     string  `json:"size"`
	Ours     side    `json:"ours"`
	Base     side    `json:"baseline"`
	Ratio    spread  `json:"ratio"`
	RatioDef string  `json:"ratio_def"` // how the ratio is formed
	Goal     string  `json:"goal"`
	GoalVal  float64 `json:"goal_value"`
	HigherOK bool    `json:"higher_is_better"`
	Met      bool    `json:"met"`
	Queries  int     `json:"queries,omitempty"`
	Reps     int     `json:"reps"`
	Notes    string  `json:"notes,omitempty"`
}

// reference reports whether the row is there to explain another (a
// floor, a variant) and has no goal of its own.
func (r *row) reference() bool { return strings.HasPrefix(r.Goal, "reference") }

func (r *row) judge() {
	if r.HigherOK {
		r.Met = r.Ratio.Median >= r.GoalVal
	} else {
		r.Met = r.Ratio.Median <= r.GoalVal
	}
}

// fmtVal prints a value of a unit compactly.
func fmtVal(v float64, unit string) string {
	if math.IsNaN(v) {
		return "–"
	}
	switch unit {
	case "ns":
		d := time.Duration(v)
		switch {
		case d >= time.Second:
			return fmt.Sprintf("%.2f s", d.Seconds())
		case d >= time.Millisecond:
			return fmt.Sprintf("%.2f ms", float64(d)/1e6)
		case d >= time.Microsecond:
			return fmt.Sprintf("%.1f µs", float64(d)/1e3)
		}
		return fmt.Sprintf("%.0f ns", v)
	case "req/s", "edges/s":
		return fmt.Sprintf("%.0f %s", v, unit)
	case "MB":
		return fmt.Sprintf("%.0f MB", v)
	case "MiB":
		return fmt.Sprintf("%.0f MiB", v)
	case "allocs":
		return fmt.Sprintf("%.0f allocs", v)
	}
	return fmt.Sprintf("%.3g %s", v, unit)
}

func (s side) cell() string {
	if s.P99.Median != 0 && !math.IsNaN(s.P99.Median) {
		return fmtVal(s.P50.Median, s.Unit) + " / " + fmtVal(s.P99.Median, s.Unit)
	}
	return fmtVal(s.P50.Median, s.Unit)
}
