package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stancegraph/stancegraph/graph"
	"go.yaml.in/yaml/v3"
)

// Limits that keep hostile input from exhausting time or memory.
const (
	// MaxFileSize is the largest seed file accepted, in bytes.
	MaxFileSize = 32 << 20
	// MaxValues is the largest number of YAML values (scalars, lists,
	// mappings) in one file, estimated from its separators before parsing.
	// A parsed value takes a few hundred bytes, so this bounds the memory
	// of a file; a bigger data set is split into several files.
	MaxValues = 1_000_000
	// MaxSetSize is the largest total size of a seed set's files, in bytes.
	MaxSetSize = 2 << 30
	// MaxFiles is the largest number of files in a seed set.
	MaxFiles = 100_000
	// MaxDepth is the deepest nesting of YAML collections accepted; the
	// format itself needs six levels.
	MaxDepth = 32
	// MaxScalarLen is the longest single YAML value, in bytes (a
	// document's full text may be this long).
	MaxScalarLen = graph.MaxTextLen
	// maxAliasFactor bounds alias expansion: walking a file may visit at
	// most this many times its parsed nodes, plus aliasSlack.
	maxAliasFactor = 10
	aliasSlack     = 100_000
)

// errAbort stops the walk of a file after a limit is hit.
var errAbort = errors.New("abort")

// parseYAML checks the raw bytes and parses them into one document's root
// node. It returns nil when the file is empty. Problems are added to p.
func (p *fileParser) parseYAML(data []byte) (root *yaml.Node) {
	if len(data) > MaxFileSize {
		p.add(nil, ErrLimit, "the file is %d bytes; the limit is %d", len(data), MaxFileSize)
		return nil
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, col := lineCol(data, i)
		p.addAt(line, col, ErrSyntax, "binary data (a NUL byte) in a YAML file")
		return nil
	}
	if n := estimateValues(data); n > MaxValues {
		p.add(nil, ErrLimit, "the file holds about %d YAML values; the limit is %d per file: split it into several files", n, MaxValues)
		return nil
	}
	if !utf8.Valid(data) {
		i := invalidUTF8(data)
		line, col := lineCol(data, i)
		p.addAt(line, col, ErrSyntax, "invalid UTF-8 (byte 0x%02x); seed files must be UTF-8 text", data[i])
		return nil
	}
	defer func() {
		// The YAML parser is well fuzzed, but a panic in it must not take
		// the server down with it.
		if r := recover(); r != nil {
			p.add(nil, ErrSyntax, "the YAML parser failed: %v", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil
		}
		p.addYAMLError(err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			p.addYAMLError(err)
		} else {
			p.add(&extra, ErrSyntax, "a seed file holds one YAML document; a second one starts here")
		}
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil
	}
	root = doc.Content[0]
	if isNull(root) {
		return nil // only comments, or an empty document
	}
	n, err := p.scan(root, 1)
	if err != nil {
		return nil
	}
	p.budget = maxAliasFactor*n + aliasSlack
	return root
}

// scan checks depth and scalar sizes without following aliases and
// returns the number of nodes.
func (p *fileParser) scan(n *yaml.Node, depth int) (int, error) {
	if depth > MaxDepth {
		p.add(n, ErrLimit, "nesting is deeper than %d levels", MaxDepth)
		return 0, errAbort
	}
	if n.Kind == yaml.ScalarNode && len(n.Value) > MaxScalarLen {
		p.add(n, ErrLimit, "a value of %d bytes; the limit is %d", len(n.Value), MaxScalarLen)
		return 0, errAbort
	}
	count := 1
	for _, c := range n.Content {
		k, err := p.scan(c, depth+1)
		if err != nil {
			return 0, err
		}
		count += k
	}
	return count, nil
}

// addYAMLError reports a parser error; go-yaml gives only a line.
func (p *fileParser) addYAMLError(err error) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, after, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, after
			}
		}
	}
	if strings.Contains(msg, "exceeded max depth") {
		p.addAt(line, 0, ErrLimit, "nesting is too deep: %s", msg)
		return
	}
	p.addAt(line, 0, ErrSyntax, "YAML syntax: %s", msg)
}

// estimateValues bounds the number of YAML values from above: every value
// but the first follows a ':' (as key and value), '-', ',', '[' or '{'.
func estimateValues(data []byte) int {
	n := 1
	for _, c := range data {
		switch c {
		case ':':
			n += 2
		case '-', ',', '[', '{':
			n++
		}
	}
	return n
}

func lineCol(data []byte, off int) (line, col int) {
	line = 1 + bytes.Count(data[:off], []byte{'\n'})
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(data[start:off])
}

func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return 0
}

// resolve follows an alias, charging the expansion budget. It returns nil
// once the budget is spent.
func (p *fileParser) resolve(n *yaml.Node) *yaml.Node {
	if p.aborted {
		return nil
	}
	p.visits++
	at := n
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			p.add(n, ErrSyntax, "alias *%s has no anchor", n.Value)
			return nil
		}
		n = n.Alias
		p.visits += p.sizeOf(n, 0)
	}
	if p.visits > p.budget {
		p.add(at, ErrLimit, "aliases expand to more than %d values; the file looks like an alias bomb", p.budget)
		p.aborted = true
		return nil
	}
	return n
}

// sizeOf returns the number of nodes an anchored node stands for,
// memoized, so that an alias is charged for everything it expands to.
// Alias cycles and very long alias chains count as over the budget.
func (p *fileParser) sizeOf(n *yaml.Node, depth int) int {
	if s, ok := p.sizes[n]; ok {
		if s < 0 { // an alias inside its own anchor
			return p.budget + 1
		}
		return s
	}
	if depth > 4*MaxDepth {
		return p.budget + 1
	}
	if p.sizes == nil {
		p.sizes = make(map[*yaml.Node]int)
	}
	p.sizes[n] = -1
	s := 1
	for _, c := range n.Content {
		if c.Kind == yaml.AliasNode && c.Alias != nil {
			c = c.Alias
		}
		s += p.sizeOf(c, depth+1)
		if s > p.budget {
			break
		}
	}
	p.sizes[n] = s
	return s
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// mapping checks that n is a mapping whose keys are all in names, each at
// most once, and returns the values in the order of names (nil when absent
// or null). ok is false when n is not a mapping.
func (p *fileParser) mapping(n *yaml.Node, it item, names []string) (vals []*yaml.Node, ok bool) {
	if n = p.resolve(n); n == nil {
		return nil, false
	}
	if n.Kind != yaml.MappingNode {
		p.addItem(n, it, ErrSyntax, "expected a mapping of %s, found %s", strings.Join(names, ", "), describe(n))
		return nil, false
	}
	vals = make([]*yaml.Node, len(names))
	var seen []*yaml.Node // the key of each field given
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := p.resolve(n.Content[i])
		if k == nil {
			return nil, false
		}
		if k.Kind != yaml.ScalarNode {
			p.addItem(k, it, ErrSyntax, "a key must be a plain name, found %s", describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			p.addItem(k, it, ErrSyntax, "merge keys (<<) are not supported; repeat the fields or use an alias for the whole value")
			continue
		}
		j := indexOf(names, k.Value)
		if j < 0 {
			p.addItem(k, it, ErrUnknownField, "unknown field %q; allowed fields are %s", k.Value, strings.Join(names, ", "))
			continue
		}
		if seen == nil {
			seen = make([]*yaml.Node, len(names))
		}
		if first := seen[j]; first != nil {
			p.addItem(k, it, ErrDuplicate, "duplicate key %q (first given at line %d column %d)", k.Value, first.Line, first.Column)
			continue
		}
		seen[j] = k
		v := n.Content[i+1]
		if !isNull(v) {
			vals[j] = v
		}
	}
	return vals, true
}

func indexOf(names []string, s string) int {
	for i, n := range names {
		if n == s {
			return i
		}
	}
	return -1
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return fmt.Sprintf("%q", v)
	}
	return "an alias"
}

// list checks that n is a sequence and calls fn for each element.
func (p *fileParser) list(n *yaml.Node, it item, field string, fn func(i int, v *yaml.Node)) {
	if n = p.resolve(n); n == nil {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.addItem(n, it, ErrSyntax, "%s must be a list, found %s", field, describe(n))
		return
	}
	if len(n.Content) > graph.MaxListLen && it.list != listTop {
		p.addItem(n, it, ErrLimit, "%s has %d entries; the limit is %d", field, len(n.Content), graph.MaxListLen)
		return
	}
	for i, v := range n.Content {
		if p.aborted {
			return
		}
		fn(i, v)
	}
}

// scalar returns the text of a scalar value; tags are resolved so that
// "name: 1984" gives "1984", but null, binary and custom tags are refused.
func (p *fileParser) scalar(n *yaml.Node, it item, field string) (string, bool) {
	if n = p.resolve(n); n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		p.addItem(n, it, ErrSyntax, "%s must be a single value, found %s", field, describe(n))
		return "", false
	}
	switch n.ShortTag() {
	case "!!str", "!!int", "!!float", "!!bool", "!!timestamp":
		return n.Value, true
	}
	p.addItem(n, it, ErrSyntax, "%s: unsupported YAML tag %s", field, n.Tag)
	return "", false
}

// text returns a string of at most max bytes; required refuses a blank one.
func (p *fileParser) text(n *yaml.Node, it item, field string, max int, required bool) string {
	if n == nil {
		if required {
			p.addItem(it.node, it, graph.ErrInvalid, "%s is required", field)
		}
		return ""
	}
	s, ok := p.scalar(n, it, field)
	if !ok {
		return ""
	}
	if len(s) > max {
		p.addItem(n, it, ErrLimit, "%s is %d bytes long; the limit is %d", field, len(s), max)
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		p.addItem(n, it, graph.ErrInvalid, "%s must not be blank", field)
	}
	return p.keep(s)
}

// maxKept is the longest value keep shares: longer ones (a document's
// text) rarely repeat, and hashing them would cost more than it saves.
const maxKept = 512

// keep returns s, or the equal string the file kept before. A seed file
// repeats its references, language tags and often its quotes (once in the
// quote, once in its source); the parser allocates every mention anew, and
// keeping one copy shrinks the parsed set by millions of strings that the
// collector would otherwise trace until the set is written.
func (p *fileParser) keep(s string) string {
	if len(s) > maxKept {
		return s
	}
	if k, ok := p.kept[s]; ok {
		return k
	}
	if p.kept == nil {
		p.kept = make(map[string]string)
	}
	p.kept[s] = s
	return s
}

// number returns a finite number; strings such as "0.5" are refused.
func (p *fileParser) number(n *yaml.Node, it item, field string) (float64, bool) {
	if n = p.resolve(n); n == nil {
		return 0, false
	}
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || tag != "!!int" && tag != "!!float" {
		p.addItem(n, it, graph.ErrInvalid, "%s must be a number, found %s", field, describe(n))
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(f) || math.IsInf(f, 0) {
		p.addItem(n, it, graph.ErrInvalid, "%s must be a finite decimal number, found %s", field, describe(n))
		return 0, false
	}
	return f, true
}

func (p *fileParser) boolean(n *yaml.Node, it item, field string) bool {
	if n = p.resolve(n); n == nil {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		p.addItem(n, it, graph.ErrInvalid, "%s must be true or false, found %s", field, describe(n))
		return false
	}
	return strings.EqualFold(n.Value, "true")
}

func (p *fileParser) date(n *yaml.Node, it item, field string) graph.Date {
	if n == nil {
		return graph.Date{}
	}
	s, ok := p.scalar(n, it, field)
	if !ok {
		return graph.Date{}
	}
	d, err := graph.ParseDate(s)
	if err != nil {
		p.addItem(n, it, graph.ErrInvalid, "%s: %s", field, fromGraph(err).Error())
		return graph.Date{}
	}
	return d
}

// id reads a node id and checks that its kind is one of want.
func (p *fileParser) id(n *yaml.Node, it item, field string, want ...graph.Kind) (string, bool) {
	s, ok := p.scalar(n, it, field)
	if !ok {
		return "", false
	}
	k, err := graph.KindOf(s)
	if err != nil {
		p.addItem(n, it, graph.ErrInvalid, "%s: %s", field, fromGraph(err).Error())
		return "", false
	}
	for _, w := range want {
		if k == w {
			return p.keep(s), true
		}
	}
	p.addItem(n, it, graph.ErrInvalid, "%s %s is %s, but %s must be %s", field, s, article(k), field, kindList(want))
	return "", false
}

func article(k graph.Kind) string {
	switch k {
	case graph.KindOrganization, graph.KindEvent, graph.KindInitiative:
		return "an " + strings.ToLower(k.String())
	}
	return "a " + strings.ToLower(k.String())
}

func kindList(ks []graph.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = article(k)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// enum reads one of the values of vs and lists them when it is another.
func enum[T ~string](p *fileParser, n *yaml.Node, it item, field string, vs []T) T {
	if n == nil {
		p.addItem(it.node, it, graph.ErrInvalid, "%s is required (one of %s)", field, joinEnum(vs))
		return ""
	}
	s, ok := p.scalar(n, it, field)
	if !ok {
		return ""
	}
	for _, v := range vs {
		if string(v) == s {
			return v
		}
	}
	p.addItem(n, it, graph.ErrInvalid, "%s %q is not one of %s", field, s, joinEnum(vs))
	return ""
}

func joinEnum[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
