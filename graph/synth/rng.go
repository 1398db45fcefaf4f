package synth

import (
	"math"
	"sort"
)

// rng is a splitmix64 generator. It is small, fast, and defined here so
// that the generator's output never changes with the standard library.
// Every entity draws from its own rng, seeded from (seed, tag, index),
// so that any node or edge can be recomputed on its own.
type rng struct{ s uint64 }

// mix is the splitmix64 finaliser.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// newRNG returns the stream of entity i of the given purpose (tag).
func newRNG(seed int64, tag, i uint64) rng {
	return rng{s: mix(uint64(seed)+0x9e3779b97f4a7c15*(tag+1)) ^ mix(i+0x632be59bd9b4e019)}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance reports true with a probability of pct percent.
func (r *rng) chance(pct int) bool { return r.intn(100) < pct }

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// zipf draws ranks 0..n-1 with a probability proportional to 1/(rank+1)^s,
// by binary search over integer cumulative weights (exact and portable).
type zipf struct{ cum []uint64 }

func newZipf(n int, s float64) zipf {
	z := zipf{cum: make([]uint64, n)}
	var sum uint64
	w := 1e12
	for i := range n {
		sum += uint64(w/math.Pow(float64(i+1), s)) + 1
		z.cum[i] = sum
	}
	return z
}

func (z zipf) draw(r *rng) int {
	x := r.next() % z.cum[len(z.cum)-1]
	return sort.Search(len(z.cum), func(i int) bool { return z.cum[i] > x })
}
