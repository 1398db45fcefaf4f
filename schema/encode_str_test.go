package schema

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkStr checks str on s: valid JSON that decodes to s (each invalid
// byte as U+FFFD, as encoding/json reads it too), valid UTF-8, and neither
// control characters nor U+2028 and U+2029 as they are, which JavaScript
// before ES2019 reads as line ends.
func checkStr(t *testing.T, s string) {
	t.Helper()
	var w jsonWriter
	w.str(s)
	var back string
	if err := json.Unmarshal(w.buf, &back); err != nil {
		t.Fatalf("str(%q) = %s: %v", s, w.buf, err)
	}
	if want := string([]rune(s)); back != want {
		t.Fatalf("str(%q) decodes to %q, want %q", s, back, want)
	}
	out := string(w.buf)
	if !utf8.ValidString(out) || strings.ContainsAny(out, "\u2028\u2029") || strings.IndexFunc(out, func(r rune) bool { return r < 0x20 }) >= 0 {
		t.Fatalf("str(%q) = %q", s, out)
	}
}

// TestJSONStr puts every kind of byte that str must not copy as it is at
// every position of short strings, among ASCII, German and invalid text.
func TestJSONStr(t *testing.T) {
	special := []string{"\"", "\\", "\x00", "\x1f", "\n", "\t", "\x7f", "ü", "\u2028", "\u2029", "\xff", "\xc3", "€", "😀"}
	for n := 0; n <= 24; n++ {
		base := strings.Repeat("a", n)
		checkStr(t, base)
		for _, sp := range special {
			for at := 0; at <= n; at++ {
				checkStr(t, base[:at]+sp+base[at:])
			}
		}
	}
	for _, s := range []string{"person/jd-vance", "Ursula von der Leyen", "Für eine kluge Regulierung der künstlichen Intelligenz", "stance/s0256030|ON_TOPIC|topic/ai-safety", "\"\"\"\"\"\"\"\"\"", strings.Repeat("é", 9)} {
		checkStr(t, s)
	}
}

// FuzzJSONStr checks str on any input; go test runs the seeds.
func FuzzJSONStr(f *testing.F) {
	for _, s := range []string{"", "person/jd-vance", "a\"b\\c\nd", "Grüße \u2028 \xff", strings.Repeat("x", 17) + "\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkStr(t, s) })
}
