package seed

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/stancegraph/stancegraph/graph"
)

// Set is a parsed and checked seed set, ready to apply. Its nodes and edges
// remember the file, line and column they came from.
type Set struct {
	files []string
	parts []*fileResult // what each file holds, in file order
	nodes int
	edges int
	byID  map[string]itemRef
	// byEdge indexes the edges by a hash of their identity; the rare
	// edges whose hash an earlier edge already has go to collided. This
	// keeps the index of a million-edge set small.
	byEdge   map[uint64]itemRef
	collided map[edgeKey]itemRef
	seed     maphash.Seed
	// unresolved lists the references to nodes the set does not hold;
	// Apply looks them up in the store.
	unresolved []unresolved
	// stamped sets come from files: Apply stamps their origins with
	// digests of the files (stamp.go).
	stamped bool
}

// itemRef locates a node or edge: parts[part].nodes[i] or .edges[i].
type itemRef struct{ part, i int32 }

type edgeKey struct {
	t        graph.EdgeType
	from, to string
}

// unresolved is a reference to a node outside the set.
type unresolved struct {
	id  string
	err *Error // the dangling-reference problem, reported when the store lacks id too
}

// Files returns the set's files (the origins of its nodes and edges), sorted.
func (s *Set) Files() []string { return slices.Clone(s.files) }

// Nodes returns the number of nodes in the set.
func (s *Set) Nodes() int { return s.nodes }

// Edges returns the number of edges in the set, including those that
// shorthand fields such as a stance's holder stand for.
func (s *Set) Edges() int { return s.edges }

// Node returns the set's node with the id.
func (s *Set) Node(id string) (graph.Node, bool) {
	r, ok := s.byID[id]
	if !ok {
		return graph.Node{}, false
	}
	return s.parts[r.part].nodes[r.i], true
}

// EachNode calls fn for every node of the set, in file order.
func (s *Set) EachNode(fn func(n *graph.Node) error) error {
	for _, p := range s.parts {
		for i := range p.nodes {
			if err := fn(&p.nodes[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// EachEdge calls fn for every edge of the set, in file order.
func (s *Set) EachEdge(fn func(e *graph.Edge) error) error {
	for _, p := range s.parts {
		for i := range p.edges {
			if err := fn(&p.edges[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Set) edgeHash(t graph.EdgeType, from, to string) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(string(t))
	h.WriteByte(0)
	h.WriteString(from)
	h.WriteByte(0)
	h.WriteString(to)
	return h.Sum64()
}

// edgeRef finds the set's edge with the identity.
func (s *Set) edgeRef(t graph.EdgeType, from, to string) (itemRef, bool) {
	r, ok := s.byEdge[s.edgeHash(t, from, to)]
	if !ok {
		return itemRef{}, false
	}
	if e := &s.parts[r.part].edges[r.i]; e.Type == t && e.From == from && e.To == to {
		return r, true
	}
	r, ok = s.collided[edgeKey{t, from, to}]
	return r, ok
}

// hasEdge reports whether the set holds the edge with the identity.
func (s *Set) hasEdge(t graph.EdgeType, from, to string) bool {
	_, ok := s.edgeRef(t, from, to)
	return ok
}

// source is one file to load: its origin and a way to read it.
type source struct {
	origin   string
	size     int64 // -1 when unknown
	read     func() ([]byte, error)
	readFile func(name string) ([]byte, error) // resolves textFile, relative to the seed root
}

// Parse parses one file's bytes as a complete seed set. name is the file's
// path relative to the seed root (it becomes the Origin of every node and
// edge); readFile resolves textFile references relative to the seed root
// and may be nil, which makes textFile an error.
//
// Like LoadFS, Parse returns a nil Set on any problem except dangling
// references: when those are the only problems it returns the Set together
// with the Errors, so that Apply can look the references up in a store.
func Parse(name string, data []byte, readFile func(name string) ([]byte, error)) (*Set, error) {
	return load([]source{{
		origin: name, size: int64(len(data)),
		read:     func() ([]byte, error) { return data, nil },
		readFile: readFile,
	}})
}

// ParseDocument parses a single YAML document, such as the applySeed
// mutation's argument; name (e.g. "mutation") becomes the Origin of what it
// writes. textFile is not available. See Parse for the results.
func ParseDocument(name string, yaml []byte) (*Set, error) {
	return Parse(name, yaml, nil)
}

// LoadFS loads every *.yaml and *.yml file under root in fsys, in sorted
// order, skipping names that start with '.', and checks the whole set:
// references resolve across all its files. Origins are paths relative to
// root. See Parse for the results.
func LoadFS(fsys fs.FS, root string) (*Set, error) {
	srcs, err := fsSources(fsys, root, "")
	if err != nil {
		return nil, err
	}
	return loadFiles(srcs)
}

// LoadPaths loads directories (recursively, as LoadFS) and single files as
// one set. Origins are relative to each directory given, or the base name
// of a file given on its own. See Parse for the results.
func LoadPaths(paths ...string) (*Set, error) {
	srcs, err := pathSources(paths)
	if err != nil {
		return nil, err
	}
	return loadFiles(srcs)
}

// fsSources lists the seed files under root in fsys (or only the file
// named only, relative to root).
func fsSources(fsys fs.FS, root, only string) ([]source, error) {
	readFile := func(name string) ([]byte, error) {
		return readLimited(fsys, path.Join(root, name), graph.MaxTextLen)
	}
	mk := func(p string, size int64) source {
		origin := p
		if root != "." {
			origin = strings.TrimPrefix(p, root+"/")
		}
		return source{
			origin: origin, size: size, readFile: readFile,
			read: func() ([]byte, error) { return readLimited(fsys, p, MaxFileSize) },
		}
	}
	if only != "" {
		info, err := fs.Stat(fsys, path.Join(root, only))
		if err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		return []source{mk(path.Join(root, only), info.Size())}, nil
	}
	var srcs []source
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			return nil
		}
		info, err := d.Info()
		if d.Type()&fs.ModeSymlink != 0 {
			info, err = fs.Stat(fsys, p)
		}
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		srcs = append(srcs, mk(p, info.Size()))
		if len(srcs) > MaxFiles {
			return fmt.Errorf("seed: %s holds more than %d seed files: %w", root, MaxFiles, ErrLimit)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrLimit) {
			return nil, err
		}
		return nil, fmt.Errorf("seed: %w", err)
	}
	return srcs, nil
}

// errTooBig marks a read cut off at its limit.
var errTooBig = errors.New("too big")

// readLimited reads a file of at most max bytes, without reading more than
// max+1 bytes whatever its size.
func readLimited(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: larger than %d bytes", errTooBig, max)
	}
	return data, nil
}

// loadFiles loads a set read from files, whose origins Apply stamps.
func loadFiles(srcs []source) (*Set, error) {
	s, err := load(srcs)
	if s != nil {
		s.stamped = true
	}
	return s, err
}

// load parses the files in parallel and checks the set as a whole.
func load(srcs []source) (*Set, error) {
	var errs errList
	slices.SortStableFunc(srcs, func(a, b source) int { return strings.Compare(a.origin, b.origin) })
	var total int64
	for i, s := range srcs {
		if i > 0 && srcs[i-1].origin == s.origin {
			errs.add(&Error{File: s.origin, Err: &problem{msg: "two files of the set have this path relative to their seed roots", err: ErrDuplicate}})
		}
		if s.size > MaxFileSize {
			errs.add(&Error{File: s.origin, Err: &problem{msg: fmt.Sprintf("the file is %d bytes; the limit is %d", s.size, MaxFileSize), err: ErrLimit}})
		}
		total += max(s.size, 0)
	}
	if total > MaxSetSize {
		errs.add(&Error{Err: &problem{msg: fmt.Sprintf("the seed set is %d bytes; the limit is %d", total, MaxSetSize), err: ErrLimit}})
	}
	if errs.len() > 0 {
		return nil, errs.err()
	}

	results := parseAll(srcs)
	s := &Set{files: make([]string, len(srcs)), parts: make([]*fileResult, len(srcs)), seed: maphash.MakeSeed()}
	failed := map[string]bool{}
	broken := false
	for i, r := range results {
		s.files[i] = srcs[i].origin
		s.parts[i] = &r.res
		s.nodes += len(r.res.nodes)
		s.edges += len(r.res.edges)
		errs.merge(&r.errs)
		for _, id := range r.res.failed {
			failed[id] = true
		}
		r.res.failed = nil
		// A file that could not be read at all leaves its ids unknown:
		// references to them would all look dangling.
		broken = broken || r.broken || r.aborted
	}
	s.check(&errs, failed, broken)
	if !errs.onlyDangling() {
		return nil, errs.err()
	}
	return s, errs.err()
}

// parseAll parses the files on all CPUs, holding parsed files of at most
// 1.5*MaxValues values in memory at once (a parsed value takes a few
// hundred bytes).
func parseAll(srcs []source) []*fileParser {
	out := make([]*fileParser, len(srcs))
	var (
		mu     sync.Mutex
		cond   = sync.NewCond(&mu)
		inUse  int
		budget = MaxValues * 3 / 2
		next   int
		wg     sync.WaitGroup
	)
	acquire := func(n int) {
		mu.Lock()
		for inUse > 0 && inUse+n > budget {
			cond.Wait()
		}
		inUse += n
		mu.Unlock()
	}
	release := func(n int) {
		mu.Lock()
		inUse -= n
		cond.Broadcast()
		mu.Unlock()
	}
	for range min(runtime.GOMAXPROCS(0), len(srcs)) {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(srcs) {
					return
				}
				p := &fileParser{file: int32(i), name: srcs[i].origin}
				if rf := srcs[i].readFile; rf != nil {
					p.readFile = func(name string) ([]byte, error) {
						data, err := rf(name)
						if err == nil {
							p.res.digest.texts = append(p.res.digest.texts, textDigest{name, sha256.Sum256(data)})
						}
						return data, err
					}
				}
				data, err := srcs[i].read()
				if err == nil {
					p.res.digest.sum = sha256.Sum256(data)
				}
				switch {
				case errors.Is(err, errTooBig):
					p.add(nil, ErrLimit, "the file is larger than %d bytes", MaxFileSize)
				case err != nil:
					p.add(nil, ErrSyntax, "cannot read the file: %v", err)
				default:
					n := min(estimateValues(data), MaxValues)
					acquire(n)
					p.parseFile(data)
					release(n)
				}
				p.sizes, p.kept = nil, nil
				out[i] = p
			}
		})
	}
	wg.Wait()
	return out
}

// check runs the checks that need the whole set: duplicate ids and edges,
// references, and SUBTOPIC_OF cycles. References to ids whose items failed
// to load (failed) are not reported again as dangling, and none are when a
// file could not be read (broken). Edge endpoints are made to share the
// strings of the node ids they name.
func (s *Set) check(errs *errList, failed map[string]bool, broken bool) {
	s.byID = make(map[string]itemRef, s.nodes)
	for pi, p := range s.parts {
		for i := range p.nodes {
			id := p.nodes[i].ID
			if r, dup := s.byID[id]; dup {
				first := s.parts[r.part].nodeLocs[r.i]
				s.addErr(errs, p.nodeLocs[i], p.nodeLocs[i].at, id, ErrDuplicate, "duplicate id %s (first defined at %s)", id, s.where(first, first.at))
				continue
			}
			s.byID[id] = itemRef{int32(pi), int32(i)}
		}
	}
	s.byEdge = make(map[uint64]itemRef, s.edges)
	for pi, p := range s.parts {
		for i := range p.edges {
			e, l := &p.edges[i], p.edgeLocs[i]
			if r, dup := s.edgeRef(e.Type, e.From, e.To); dup {
				first := s.parts[r.part].edgeLocs[r.i]
				s.addErr(errs, l, l.at, ownerID(e, l), ErrDuplicate, "the edge %s is given twice (first at %s)", e.ID(), s.where(first, first.at))
				continue
			}
			ref := itemRef{int32(pi), int32(i)}
			h := s.edgeHash(e.Type, e.From, e.To)
			if _, taken := s.byEdge[h]; taken {
				if s.collided == nil {
					s.collided = map[edgeKey]itemRef{}
				}
				s.collided[edgeKey{e.Type, e.From, e.To}] = ref
				continue
			}
			s.byEdge[h] = ref
		}
	}
	for _, p := range s.parts {
		for i := range p.edges {
			e, l := &p.edges[i], p.edgeLocs[i]
			for end, id := range [2]string{e.From, e.To} {
				if r, ok := s.byID[id]; ok {
					// Share the node's id string: the edge's own copy,
					// allocated by the parser, can go.
					canon := s.parts[r.part].nodes[r.i].ID
					if end == 0 {
						e.From = canon
					} else {
						e.To = canon
					}
					continue
				}
				if failed[id] || broken {
					continue
				}
				at, field := l.from, "from"
				if end == 1 {
					at, field = l.to, "to"
				}
				if l.list != listEdges {
					field = shortField(e.Type)
				}
				err := s.mkErr(l, at, ownerID(e, l), ErrDangling, "%s %s is not defined in the seed set", field, id)
				s.unresolved = append(s.unresolved, unresolved{id: id, err: err})
				errs.add(err)
			}
		}
	}
	for _, p := range s.parts {
		for _, r := range p.refs {
			if _, ok := s.byID[r.id]; ok || failed[r.id] || broken {
				continue
			}
			err := s.mkErr(r.loc, r.loc.at, r.owner, ErrDangling, "%s %s is not defined in the seed set", r.field, r.id)
			s.unresolved = append(s.unresolved, unresolved{id: r.id, err: err})
			errs.add(err)
		}
		p.refs = nil
	}
	s.checkCycles(errs, nil)
	if broken {
		s.unresolved = nil
	}
}

func isReversed(t graph.EdgeType) bool {
	switch t {
	case graph.Published, graph.Hosted, graph.Announced, graph.Funds:
		return true
	}
	return false
}

// ownerID names the item an edge was written in: the node for a shorthand
// edge, the edge itself for an entry of the edges list.
func ownerID(e *graph.Edge, l loc) string {
	switch {
	case l.list == listEdges:
		return e.ID()
	case isReversed(e.Type):
		return e.To
	}
	return e.From
}

func (s *Set) mkErr(l loc, at pos, id string, sentinel error, format string, args ...any) *Error {
	it := item{list: l.list, idx: int(l.idx), id: id}
	return &Error{File: s.files[l.file], Line: int(at.line), Column: int(at.col), Item: it.String(),
		Err: &problem{msg: fmt.Sprintf(format, args...), err: sentinel}}
}

func (s *Set) addErr(errs *errList, l loc, at pos, id string, sentinel error, format string, args ...any) {
	errs.add(s.mkErr(l, at, id, sentinel, format, args...))
}

func (s *Set) where(l loc, at pos) string {
	return fmt.Sprintf("%s:%d:%d", s.files[l.file], at.line, at.col)
}

// checkCycles reports each SUBTOPIC_OF cycle once, at a set edge on it
// (the one that closes it where possible). more, when not nil, adds the
// parents a topic has outside the set (in the store Apply writes to).
func (s *Set) checkCycles(errs *errList, more func(id string) []string) {
	type arc struct {
		to  string
		ref itemRef // the set's edge; part -1 for an edge outside the set
	}
	outside := itemRef{-1, -1}
	parents := map[string][]arc{}
	var topics []string
	for pi, p := range s.parts {
		for i := range p.edges {
			if e := &p.edges[i]; e.Type == graph.SubtopicOf {
				if _, ok := parents[e.From]; !ok {
					topics = append(topics, e.From)
				}
				parents[e.From] = append(parents[e.From], arc{e.To, itemRef{int32(pi), int32(i)}})
			}
		}
	}
	if len(topics) == 0 {
		return
	}
	var extra map[string][]arc
	if more != nil {
		extra = map[string][]arc{}
	}
	arcs := func(id string) []arc {
		if more == nil {
			return parents[id]
		}
		a, ok := extra[id]
		if !ok {
			a = parents[id]
			for _, to := range more(id) {
				a = append(a, arc{to, outside})
			}
			extra[id] = a
		}
		return a
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	type frame struct {
		id   string
		via  itemRef // the edge that led here
		next int
	}
	for _, start := range topics {
		if state[start] != unseen {
			continue
		}
		stack := []frame{{id: start, via: outside}}
		state[start] = onPath
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			as := arcs(top.id)
			if top.next >= len(as) {
				state[top.id] = done
				stack = stack[:len(stack)-1]
				continue
			}
			a := as[top.next]
			top.next++
			switch state[a.to] {
			case unseen:
				state[a.to] = onPath
				stack = append(stack, frame{id: a.to, via: a.ref})
			case onPath:
				at := a.ref
				var cyc []string
				for j := len(stack) - 1; j >= 0; j-- {
					cyc = append(cyc, stack[j].id)
					if stack[j].id == a.to {
						break
					}
					if at.part < 0 {
						at = stack[j].via
					}
				}
				if at.part < 0 {
					continue // a cycle the store already had
				}
				slices.Reverse(cyc)
				cyc = append(cyc, a.to)
				p := s.parts[at.part]
				l := p.edgeLocs[at.i]
				s.addErr(errs, l, l.at, ownerID(&p.edges[at.i], l), ErrCycle, "SUBTOPIC_OF forms a cycle: %s", strings.Join(cyc, " -> "))
			}
		}
	}
}
