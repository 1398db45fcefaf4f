package seed

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by *Error where no graph sentinel fits. Test them
// with errors.Is. Out-of-range numbers, unknown enum values, bad dates and
// kind mismatches wrap graph.ErrInvalid instead.
var (
	// ErrSyntax means a file is not a well-formed seed file: broken YAML,
	// invalid UTF-8, a binary file, or a value of the wrong shape (a list
	// where a mapping belongs).
	ErrSyntax = errors.New("malformed seed file")
	// ErrLimit means a file or set exceeds a size, depth or alias limit.
	ErrLimit = errors.New("seed limit exceeded")
	// ErrUnknownField means a mapping holds a key the format does not know.
	ErrUnknownField = errors.New("unknown field")
	// ErrDuplicate means a key, id or edge is given twice.
	ErrDuplicate = errors.New("duplicate")
	// ErrDangling means a reference names a node that neither the set nor
	// (in Apply) the store holds.
	ErrDangling = errors.New("dangling reference")
	// ErrCycle means SUBTOPIC_OF edges form a cycle.
	ErrCycle = errors.New("subtopic cycle")
)

// MaxErrors is the number of problems a run reports before it stops
// listing them and adds a final "and N more" note.
const MaxErrors = 100

// Error is one problem in a seed file, shaped like fs.PathError. Line and
// Column are 1-based; 0 means unknown.
type Error struct {
	File   string // path relative to the seed root, e.g. "people.yaml"
	Line   int
	Column int
	Item   string // the item, e.g. "stances[3] (stance/x)"; may be empty
	Err    error
}

// Error formats the problem as "file:line:column: item: message".
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
			if e.Column > 0 {
				b.WriteByte(':')
				b.WriteString(strconv.Itoa(e.Column))
			}
		}
		b.WriteString(": ")
	}
	if e.Item != "" {
		b.WriteString(e.Item)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause: graph.ErrInvalid or one of this package's sentinels.
func (e *Error) Unwrap() error { return e.Err }

// Errors is every problem of a run, at most MaxErrors of them followed by a
// note saying how many more there were.
type Errors []*Error

// Error lists the problems, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, so that errors.Is and errors.As look into each.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// problem is a message that wraps a sentinel without repeating its text.
type problem struct {
	msg string
	err error
}

func (p *problem) Error() string { return p.msg }
func (p *problem) Unwrap() error { return p.err }

// fromGraph turns a graph validation error into a problem without graph's
// "invalid: " prefix, which the file position already makes plain.
func fromGraph(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 && msg[:i] == "invalid" {
		msg = msg[i+2:]
	}
	return &problem{msg: msg, err: err}
}

// errList collects problems up to MaxErrors and counts the rest.
type errList struct {
	list Errors
	more int
	hard int // problems other than dangling references
}

func (l *errList) add(e *Error) {
	if !errors.Is(e.Err, ErrDangling) {
		l.hard++
	}
	if len(l.list) < MaxErrors {
		l.list = append(l.list, e)
		return
	}
	l.more++
}

// full reports whether further problems are only counted.
func (l *errList) full() bool { return len(l.list) >= MaxErrors }

func (l *errList) merge(o *errList) {
	for _, e := range o.list {
		l.add(e)
	}
	l.more += o.more
	l.hard += o.hard - countHard(o.list)
}

func countHard(es Errors) int {
	n := 0
	for _, e := range es {
		if !errors.Is(e.Err, ErrDangling) {
			n++
		}
	}
	return n
}

func (l *errList) len() int { return len(l.list) + l.more }

// err returns the collected problems as Errors, or nil when there are none.
func (l *errList) err() error {
	if l.len() == 0 {
		return nil
	}
	out := l.list
	slices.SortStableFunc(out, func(a, b *Error) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	if l.more > 0 {
		out = append(out[:len(out):len(out)], &Error{Err: fmt.Errorf("and %d more problems not listed", l.more)})
	}
	return out
}

// onlyDangling reports whether every problem is a dangling reference.
func (l *errList) onlyDangling() bool { return l.hard == 0 }
