package schema

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/graphql-go/graphql/language/ast"
)

// graphql-go returns data as maps, and encoding/json sorts map keys; the
// GraphQL spec wants fields in query order. jsonWriter walks the
// operation's selection sets beside the data to write keys in the order
// the query asked for them.
type jsonWriter struct {
	buf []byte
}

func (w *jsonWriter) bytes() []byte { return w.buf }

// response writes {"errors":[...],"data":...}; data writes the data
// entry's value. Without data the entry is left out, as for request
// errors.
func (w *jsonWriter) response(errs []outError, data func(w *jsonWriter)) {
	if w.buf == nil {
		w.buf = make([]byte, 0, 1024)
	}
	w.buf = append(w.buf, '{')
	if len(errs) > 0 {
		w.buf = append(w.buf, `"errors":[`...)
		for i, e := range errs {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.error(e)
		}
		w.buf = append(w.buf, ']')
	}
	if data != nil {
		if len(errs) > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, `"data":`...)
		data(w)
	}
	w.buf = append(w.buf, "}\n"...)
}

func (w *jsonWriter) error(e outError) {
	w.buf = append(w.buf, `{"message":`...)
	w.str(e.Message)
	if len(e.Locations) > 0 {
		w.buf = append(w.buf, `,"locations":[`...)
		for i, l := range e.Locations {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.buf = append(w.buf, `{"line":`...)
			w.buf = strconv.AppendInt(w.buf, int64(l[0]), 10)
			w.buf = append(w.buf, `,"column":`...)
			w.buf = strconv.AppendInt(w.buf, int64(l[1]), 10)
			w.buf = append(w.buf, '}')
		}
		w.buf = append(w.buf, ']')
	}
	if len(e.Path) > 0 {
		w.buf = append(w.buf, `,"path":`...)
		w.value(e.Path, nil, nil)
	}
	w.buf = append(w.buf, `,"extensions":{"code":`...)
	w.str(string(e.Code))
	w.buf = append(w.buf, "}}"...)
}

// keyed is one response key of an object with the merged sub-selections of
// every field that produced it.
type keyed struct {
	key  string
	sels []ast.Selection
}

// collect lists the response keys of sels present in m, in query order,
// expanding fragments as the executor does.
func collect(m map[string]any, sels []ast.Selection, frags map[string]*ast.FragmentDefinition, out []keyed, seenFrag *[]string) []keyed {
	for _, s := range sels {
		switch s := s.(type) {
		case *ast.Field:
			key := ""
			if s.Alias != nil && s.Alias.Value != "" {
				key = s.Alias.Value
			} else if s.Name != nil {
				key = s.Name.Value
			}
			if _, ok := m[key]; !ok {
				continue
			}
			i := slices.IndexFunc(out, func(k keyed) bool { return k.key == key })
			if i < 0 {
				out = append(out, keyed{key: key})
				i = len(out) - 1
			}
			if s.SelectionSet != nil {
				if out[i].sels == nil {
					// Clipped, so that a later merge copies instead of
					// writing into the shared document.
					out[i].sels = slices.Clip(s.SelectionSet.Selections)
				} else {
					out[i].sels = append(out[i].sels, s.SelectionSet.Selections...)
				}
			}
		case *ast.InlineFragment:
			if s.SelectionSet != nil {
				out = collect(m, s.SelectionSet.Selections, frags, out, seenFrag)
			}
		case *ast.FragmentSpread:
			if s.Name == nil || slices.Contains(*seenFrag, s.Name.Value) {
				continue
			}
			*seenFrag = append(*seenFrag, s.Name.Value)
			if f, ok := frags[s.Name.Value]; ok && f.SelectionSet != nil {
				out = collect(m, f.SelectionSet.Selections, frags, out, seenFrag)
			}
		}
	}
	return out
}

func (w *jsonWriter) object(m map[string]any, sels []ast.Selection, frags map[string]*ast.FragmentDefinition) {
	var arr [16]keyed
	var seen []string
	keys := collect(m, sels, frags, arr[:0], &seen)
	if len(keys) < len(m) {
		// Keys the walk missed (should not happen) follow in sorted order.
		var extra []string
		for k := range m {
			if !slices.ContainsFunc(keys, func(x keyed) bool { return x.key == k }) {
				extra = append(extra, k)
			}
		}
		slices.Sort(extra)
		for _, k := range extra {
			keys = append(keys, keyed{key: k})
		}
	}
	w.buf = append(w.buf, '{')
	for i, k := range keys {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.str(k.key)
		w.buf = append(w.buf, ':')
		w.value(m[k.key], k.sels, frags)
	}
	w.buf = append(w.buf, '}')
}

func (w *jsonWriter) value(v any, sels []ast.Selection, frags map[string]*ast.FragmentDefinition) {
	switch x := v.(type) {
	case nil:
		w.buf = append(w.buf, "null"...)
	case map[string]any:
		w.object(x, sels, frags)
	case []any:
		w.buf = append(w.buf, '[')
		for i, e := range x {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.value(e, sels, frags)
		}
		w.buf = append(w.buf, ']')
	case string:
		w.str(x)
	case bool:
		w.buf = strconv.AppendBool(w.buf, x)
	case int:
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case int32:
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case int64:
		w.buf = strconv.AppendInt(w.buf, x, 10)
	case float64:
		w.float(x)
	case float32:
		w.float(float64(x))
	default:
		b, err := json.Marshal(x)
		if err != nil {
			b = []byte("null")
		}
		w.buf = append(w.buf, b...)
	}
}

// float writes f as encoding/json does.
func (w *jsonWriter) float(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		w.buf = append(w.buf, "null"...)
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	w.buf = strconv.AppendFloat(w.buf, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(w.buf)
		if n >= 4 && w.buf[n-4] == 'e' && w.buf[n-3] == '-' && w.buf[n-2] == '0' {
			w.buf[n-2] = w.buf[n-1]
			w.buf = w.buf[:n-1]
		}
	}
}

const hexDigits = "0123456789abcdef"

// str writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func (w *jsonWriter) str(s string) {
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			w.buf = append(w.buf, s[start:i]...)
			switch c {
			case '"', '\\':
				w.buf = append(w.buf, '\\', c)
			case '\n':
				w.buf = append(w.buf, '\\', 'n')
			case '\r':
				w.buf = append(w.buf, '\\', 'r')
			case '\t':
				w.buf = append(w.buf, '\\', 't')
			default:
				w.buf = append(w.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.buf = append(w.buf, s[start:i]...)
			w.buf = append(w.buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			w.buf = append(w.buf, s[start:i]...)
			w.buf = append(w.buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	w.buf = append(w.buf, s[start:]...)
	w.buf = append(w.buf, '"')
}
