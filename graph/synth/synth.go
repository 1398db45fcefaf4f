package synth

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/stancegraph/stancegraph/graph"
)

// Config selects a synthetic graph.
type Config struct {
	// Edges is the number of edges to generate. The graph comes out
	// within a few edges of it; below about 2,000 the minimum graph is
	// larger than asked for.
	Edges int
	// Seed selects one graph of the size; the same Config always gives
	// the same graph.
	Seed int64
}

// Origin is the origin recorded on every generated node and edge.
const Origin = "synth"

// Tags separate the random streams of the entities and purposes.
const (
	tagOrg = iota + 1
	tagTopic
	tagPerson
	tagEvent
	tagDoc
	tagInitiative
	tagStance
	tagOrgEdges
	tagPersonEdges
	tagDocEdges
	tagInitiativeEdges
	tagLean
	tagPairs
	tagSample
	tagQueries
)

// Generator produces one synthetic graph. It keeps the ids, names and
// structure of the nodes that are not stances and recomputes everything
// else on demand, so its memory stays small however many edges it emits.
// Its methods are safe for concurrent use.
type Generator struct {
	cfg Config
	w   *words

	// Organizations 0..nStates-1 are states (countries[i]), then come the
	// supranational and intergovernmental ones, then the rest.
	nStates, nInter int
	orgIDs          []string
	orgNames        []string
	orgType         []graph.OrgType
	orgState        []int32 // the state an organization is or is based in; -1 for none
	parties         []int32

	topicIDs, topicNames []string
	topicParent          []int32
	topicRoot            []uint8
	topicDepth           []uint8
	nRoots               int

	personIDs, personNames []string
	personOffice           []int32 // organization of the person's office; -1 for none
	personParty            []int32 // party the person is a member of; -1 for none

	eventIDs, eventNames []string
	eventHost            []int32

	docIDs    []string
	docPub    []int32
	docEvent  []int32
	docType   []graph.DocType
	initIDs   []string
	nStances  int
	actorStep int // actor rank r is actor (r*actorStep) mod actors

	actorZ, orgZ, stateZ, partyZ, topicZ, eventZ, docZ zipf

	counts graph.Counts
}

// New plans the graph of cfg: it draws every node except the stances,
// then counts edges to find how many stances reach cfg.Edges.
func New(cfg Config) *Generator {
	e := max(cfg.Edges, 0)
	g := &Generator{cfg: cfg, w: newWords()}
	nPersons := max(20, e/50)
	nOrgs := max(16, e/150)
	nTopics := max(12, e/500)
	nEvents := max(5, e/300)
	nDocs := max(8, e/100)
	nInits := max(3, e/500)
	g.nStates = min(len(g.w.countries), max(4, e/2000))
	g.nInter = min(len(g.w.intergov), max(2, e/20000))
	g.nRoots = min(len(g.w.topics), max(3, nTopics/3))

	g.orgZ = newZipf(nOrgs, 1.0)
	g.stateZ = newZipf(g.nStates, 1.0)
	g.topicZ = newZipf(nTopics, 1.0)
	g.eventZ = newZipf(nEvents, 1.0)
	g.docZ = newZipf(nDocs, 0.8)
	actors := nPersons + nOrgs
	g.actorZ = newZipf(actors, 1.1)
	g.actorStep = coprimeStep(actors)

	for i := range nOrgs {
		n, typ, state := g.org(i)
		g.orgIDs = append(g.orgIDs, n.ID)
		g.orgNames = append(g.orgNames, n.Name)
		g.orgType = append(g.orgType, typ)
		g.orgState = append(g.orgState, state)
		if typ == graph.OrgParty {
			g.parties = append(g.parties, int32(i))
		}
	}
	if len(g.parties) > 0 {
		g.partyZ = newZipf(len(g.parties), 0.8)
	}
	for i := range nTopics {
		n, parent, root, depth := g.topic(i)
		g.topicIDs = append(g.topicIDs, n.ID)
		g.topicNames = append(g.topicNames, n.Name)
		g.topicParent = append(g.topicParent, parent)
		g.topicRoot = append(g.topicRoot, root)
		g.topicDepth = append(g.topicDepth, depth)
	}
	for i := range nPersons {
		n, office, party := g.person(i)
		g.personIDs = append(g.personIDs, n.ID)
		g.personNames = append(g.personNames, n.Name)
		g.personOffice = append(g.personOffice, office)
		g.personParty = append(g.personParty, party)
	}
	for i := range nEvents {
		n, host := g.event(i)
		g.eventIDs = append(g.eventIDs, n.ID)
		g.eventNames = append(g.eventNames, n.Name)
		g.eventHost = append(g.eventHost, host)
	}
	for i := range nDocs {
		n, pub, ev := g.doc(i)
		g.docIDs = append(g.docIDs, n.ID)
		g.docPub = append(g.docPub, pub)
		g.docEvent = append(g.docEvent, ev)
		g.docType = append(g.docType, n.DocType)
	}
	for i := range nInits {
		g.initIDs = append(g.initIDs, g.initiative(i).ID)
	}

	g.counts = graph.Counts{ByKind: map[graph.Kind]int{}, ByEdgeType: map[graph.EdgeType]int{}}
	count := func(t graph.EdgeType, _, _ ref, _ extra) bool {
		g.counts.ByEdgeType[t]++
		g.counts.Edges++
		return true
	}
	g.backbone(count)
	const minStances = 10
	for i := 0; g.counts.Edges < e || i < minStances; i++ {
		g.stanceEdges(i, count)
		g.nStances++
	}
	for k, n := range map[graph.Kind]int{
		graph.KindPerson: nPersons, graph.KindOrganization: nOrgs, graph.KindTopic: nTopics,
		graph.KindStance: g.nStances, graph.KindDocument: nDocs, graph.KindEvent: nEvents, graph.KindInitiative: nInits,
	} {
		g.counts.ByKind[k] = n
		g.counts.Nodes += n
	}
	return g
}

// coprimeStep returns a step near n times the golden ratio that is coprime
// with n, so that multiplying ranks by it spreads the hubs over the ids.
func coprimeStep(n int) int {
	gcd := func(a, b int) int {
		for b != 0 {
			a, b = b, a%b
		}
		return a
	}
	s := max(1, n*618/1000)
	for gcd(s, n) != 1 {
		s++
	}
	return s
}

// Counts returns the number of nodes per kind and edges per type that
// Nodes and Edges emit.
func (g *Generator) Counts() graph.Counts {
	c := g.counts
	c.ByKind = make(map[graph.Kind]int, len(g.counts.ByKind))
	for k, v := range g.counts.ByKind {
		c.ByKind[k] = v
	}
	c.ByEdgeType = make(map[graph.EdgeType]int, len(g.counts.ByEdgeType))
	for k, v := range g.counts.ByEdgeType {
		c.ByEdgeType[k] = v
	}
	return c
}

// Nodes emits every node: topics, organizations, persons, events,
// documents, initiatives, then stances.
func (g *Generator) Nodes(yield func(graph.Node) bool) {
	for i := range g.topicIDs {
		if n, _, _, _ := g.topic(i); !yield(n) {
			return
		}
	}
	for i := range g.orgIDs {
		if n, _, _ := g.org(i); !yield(n) {
			return
		}
	}
	for i := range g.personIDs {
		if n, _, _ := g.person(i); !yield(n) {
			return
		}
	}
	for i := range g.eventIDs {
		if n, _ := g.event(i); !yield(n) {
			return
		}
	}
	for i := range g.docIDs {
		if n, _, _ := g.doc(i); !yield(n) {
			return
		}
	}
	for i := range g.initIDs {
		if !yield(g.initiative(i)) {
			return
		}
	}
	for i := range g.nStances {
		if !yield(g.stance(i)) {
			return
		}
	}
}

// Edges emits every edge. Every endpoint is a node that Nodes emits, and
// no two edges share a (type, from, to) identity.
func (g *Generator) Edges(yield func(graph.Edge) bool) {
	emit := func(t graph.EdgeType, from, to ref, x extra) bool {
		return yield(graph.Edge{Type: t, From: g.id(from), To: g.id(to), Role: x.role,
			ValidFrom: x.from, ValidTo: x.to, Origin: Origin})
	}
	if !g.backbone(emit) {
		return
	}
	for i := range g.nStances {
		if !g.stanceEdges(i, emit) {
			return
		}
	}
}

// Load writes the graph into s: the nodes, then the edges, in batches of
// chunk operations (0 means a single batch).
func (g *Generator) Load(ctx context.Context, s *graph.Store, chunk int) error {
	var b graph.Batch
	flush := func() error {
		if b.Len() == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := s.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
			return fmt.Errorf("synth: load: %w", err)
		}
		b = graph.Batch{}
		return nil
	}
	for n := range g.Nodes {
		b.PutNode(n)
		if chunk > 0 && b.Len() >= chunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	for e := range g.Edges {
		b.PutEdge(e)
		if chunk > 0 && b.Len() >= chunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// Pairs returns n deterministic pairs of distinct node ids for path
// queries: mostly actors, then documents, topics, events and stances.
// Nearly all pairs are connected; some are not.
func (g *Generator) Pairs(n int, seed int64) [][2]string {
	r := newRNG(g.cfg.Seed^seed, tagPairs, 0)
	out := make([][2]string, 0, n)
	for len(out) < n {
		a, b := g.randomNode(&r), g.randomNode(&r)
		if a != b {
			out = append(out, [2]string{g.id(a), g.id(b)})
		}
	}
	return out
}

func (g *Generator) randomNode(r *rng) ref {
	switch u := r.intn(100); {
	case u < 50:
		return g.actorRef(r.intn(len(g.personIDs) + len(g.orgIDs)))
	case u < 65:
		return ref{graph.KindDocument, int32(r.intn(len(g.docIDs)))}
	case u < 80:
		return ref{graph.KindTopic, int32(r.intn(len(g.topicIDs)))}
	case u < 90:
		return ref{graph.KindEvent, int32(r.intn(len(g.eventIDs)))}
	}
	return ref{graph.KindStance, int32(r.intn(g.nStances))}
}

// Sample returns n node ids drawn uniformly, with repetition, from the
// nodes of the kinds (all kinds when none are given).
func (g *Generator) Sample(n int, seed int64, kinds ...graph.Kind) []string {
	if len(kinds) == 0 {
		kinds = graph.Kinds()
	}
	total := 0
	for _, k := range kinds {
		total += g.counts.ByKind[k]
	}
	out := make([]string, 0, n)
	if total == 0 {
		return out
	}
	r := newRNG(g.cfg.Seed^seed, tagSample, 0)
	for range n {
		x := r.intn(total)
		for _, k := range kinds {
			if c := g.counts.ByKind[k]; x >= c {
				x -= c
				continue
			}
			out = append(out, g.id(ref{k, int32(x)}))
			break
		}
	}
	return out
}

// Queries returns n full-text search terms that occur in the graph:
// surnames, German topic names, cities, words of quotes in German, French
// and Spanish, many with accents.
func (g *Generator) Queries(n int, seed int64) []string {
	w := g.w
	r := newRNG(g.cfg.Seed^seed, tagQueries, 0)
	out := make([]string, n)
	for i := range out {
		switch u := r.intn(100); {
		case u < 30:
			name := pick(&r, g.personNames)
			out[i] = name[strings.LastIndexByte(name, ' ')+1:]
		case u < 50:
			out[i] = w.topics[r.intn(g.nRoots)].name[langDE]
		case u < 65:
			out[i] = pick(&r, w.countries[r.intn(g.nStates)].cities)
		case u < 85:
			var long []string
			for _, f := range strings.Fields(w.topics[r.intn(g.nRoots)].kw[r.intn(nLang)]) {
				if len(f) >= 6 && !strings.ContainsAny(f, "'") {
					long = append(long, f)
				}
			}
			if len(long) == 0 {
				long = w.queries
			}
			out[i] = pick(&r, long)
		default:
			out[i] = pick(&r, w.queries)
		}
	}
	return out
}

// ref names a node by kind and index.
type ref struct {
	k graph.Kind
	i int32
}

// extra holds the optional fields of an edge.
type extra struct {
	role     string
	from, to graph.Date
}

// emitFunc receives an edge; returning false stops the walk.
type emitFunc func(t graph.EdgeType, from, to ref, x extra) bool

func (g *Generator) id(r ref) string {
	switch r.k {
	case graph.KindPerson:
		return g.personIDs[r.i]
	case graph.KindOrganization:
		return g.orgIDs[r.i]
	case graph.KindTopic:
		return g.topicIDs[r.i]
	case graph.KindEvent:
		return g.eventIDs[r.i]
	case graph.KindDocument:
		return g.docIDs[r.i]
	case graph.KindInitiative:
		return g.initIDs[r.i]
	case graph.KindStance:
		return stanceID(int(r.i))
	}
	panic(fmt.Sprintf("synth: no node of kind %v", r.k))
}

func stanceID(i int) string {
	s := strconv.Itoa(i)
	if len(s) < 7 {
		s = strings.Repeat("0", 7-len(s)) + s
	}
	return "stance/s" + s
}

// actorRef maps an actor index (persons, then organizations) to its node.
func (g *Generator) actorRef(a int) ref {
	if a < len(g.personIDs) {
		return ref{graph.KindPerson, int32(a)}
	}
	return ref{graph.KindOrganization, int32(a - len(g.personIDs))}
}

// drawActor draws an actor index with Zipf-skewed frequency. Ranks are
// spread over persons and organizations so that both have hubs.
func (g *Generator) drawActor(r *rng) int32 {
	n := len(g.personIDs) + len(g.orgIDs)
	return int32(g.actorZ.draw(r) * g.actorStep % n)
}

func (g *Generator) actorName(a int32) string {
	if int(a) < len(g.personNames) {
		return g.personNames[a]
	}
	return g.orgNames[int(a)-len(g.personNames)]
}

// distinct draws up to k different values with draw, skipping values
// for which skip reports true.
func distinct(k int, draw func() int, skip func(int) bool) []int {
	var out []int
	for try := 0; len(out) < k && try < 4*k; try++ {
		v := draw()
		if (skip != nil && skip(v)) || contains(out, v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

func contains(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// backbone emits every edge that does not start at a stance.
func (g *Generator) backbone(emit emitFunc) bool {
	seed := g.cfg.Seed
	for t := range g.topicIDs {
		if p := g.topicParent[t]; p >= 0 {
			if !emit(graph.SubtopicOf, ref{graph.KindTopic, int32(t)}, ref{graph.KindTopic, p}, extra{}) {
				return false
			}
		}
	}
	for o := range g.orgIDs {
		r := newRNG(seed, tagOrgEdges, uint64(o))
		from := ref{graph.KindOrganization, int32(o)}
		if o < g.nStates {
			if g.nInter > 0 {
				for _, m := range distinct(r.between(1, 3), func() int { return g.nStates + r.intn(g.nInter) }, nil) {
					if !emit(graph.MemberOf, from, ref{graph.KindOrganization, int32(m)}, extra{}) {
						return false
					}
				}
			}
		} else if s := g.orgState[o]; s >= 0 {
			if !emit(graph.BasedIn, from, ref{graph.KindOrganization, s}, extra{}) {
				return false
			}
		}
	}
	for p := range g.personIDs {
		r := newRNG(seed, tagPersonEdges, uint64(p))
		from := ref{graph.KindPerson, int32(p)}
		if o := g.personOffice[p]; o >= 0 {
			x := extra{role: pick(&r, g.w.titles[g.orgType[o]])}
			y := r.between(2008, 2024)
			x.from = mkDate(y, r.between(1, 12), 0)
			if r.chance(50) {
				x.to = mkDate(y+r.between(1, 6), r.between(1, 12), 0)
			}
			if !emit(graph.HoldsOffice, from, ref{graph.KindOrganization, o}, x) {
				return false
			}
		}
		if party := g.personParty[p]; party >= 0 {
			if !emit(graph.MemberOf, from, ref{graph.KindOrganization, party}, extra{}) {
				return false
			}
		}
		for _, ev := range distinct(r.intn(4), func() int { return g.eventZ.draw(&r) }, nil) {
			if !emit(graph.Attended, from, ref{graph.KindEvent, int32(ev)}, extra{}) {
				return false
			}
		}
	}
	for ev, host := range g.eventHost {
		if host >= 0 {
			if !emit(graph.Hosted, ref{graph.KindOrganization, host}, ref{graph.KindEvent, int32(ev)}, extra{}) {
				return false
			}
		}
	}
	for d := range g.docIDs {
		r := newRNG(seed, tagDocEdges, uint64(d))
		doc := ref{graph.KindDocument, int32(d)}
		if !emit(graph.Published, ref{graph.KindOrganization, g.docPub[d]}, doc, extra{}) {
			return false
		}
		if ev := g.docEvent[d]; ev >= 0 {
			if !emit(graph.IssuedAt, doc, ref{graph.KindEvent, ev}, extra{}) {
				return false
			}
		}
		if g.docType[d] == graph.DocDeclaration {
			signers := distinct(r.between(3, 12), func() int { return g.orgZ.draw(&r) }, nil)
			for _, o := range signers {
				if !emit(graph.Signed, ref{graph.KindOrganization, int32(o)}, doc, extra{}) {
					return false
				}
			}
			refusers := distinct(r.intn(3), func() int { return g.orgZ.draw(&r) }, func(o int) bool { return contains(signers, o) })
			for _, o := range refusers {
				if !emit(graph.DidNotSign, ref{graph.KindOrganization, int32(o)}, doc, extra{}) {
					return false
				}
			}
		}
		// Mentioned nodes are coded as kind*2^28+index to draw them distinct.
		const shift = 28
		mentions := distinct(r.between(1, 4), func() int {
			switch u := r.intn(10); {
			case u < 5:
				a := g.actorRef(int(g.drawActor(&r)))
				return int(a.k)<<shift | int(a.i)
			case u < 8:
				return int(graph.KindTopic)<<shift | g.topicZ.draw(&r)
			}
			return int(graph.KindEvent)<<shift | g.eventZ.draw(&r)
		}, nil)
		for _, m := range mentions {
			to := ref{graph.Kind(m >> shift), int32(m & (1<<shift - 1))}
			if !emit(graph.Mentions, doc, to, extra{}) {
				return false
			}
		}
	}
	for in := range g.initIDs {
		r := newRNG(seed, tagInitiativeEdges, uint64(in))
		ini := ref{graph.KindInitiative, int32(in)}
		for _, a := range distinct(r.between(1, 2), func() int { return int(g.drawActor(&r)) }, nil) {
			if !emit(graph.Announced, g.actorRef(a), ini, extra{}) {
				return false
			}
		}
		for _, o := range distinct(r.between(1, 2), func() int { return g.orgZ.draw(&r) }, nil) {
			if !emit(graph.Funds, ref{graph.KindOrganization, int32(o)}, ini, extra{}) {
				return false
			}
		}
	}
	return true
}

// stanceCore is the structure of a stance: who holds it on what, and the
// nodes it links to (-1 for none). Actor indices count persons first.
type stanceCore struct {
	holder, topic          int32
	supersedes, respondsTo int32
	event, onBehalf, doc   int32
}

// core draws the structure of stance i and returns its random stream,
// positioned for drawing the stance's text. A stance may revise an
// earlier stance of its holder on the topic (SUPERSEDES) or answer an
// earlier stance on the topic (RESPONDS_TO); both look back a short way,
// so the recursion ends quickly and needs no memory of earlier stances.
func (g *Generator) core(i int) (stanceCore, rng) {
	r := newRNG(g.cfg.Seed, tagStance, uint64(i))
	st := stanceCore{supersedes: -1, respondsTo: -1, event: -1, onBehalf: -1, doc: -1}
	switch u := r.intn(100); {
	case i > 0 && u < 10:
		j := i - 1 - r.intn(min(i, 64))
		p, _ := g.core(j)
		st.holder, st.topic, st.supersedes = p.holder, p.topic, int32(j)
	case i > 0 && u < 22:
		k := i - 1 - r.intn(min(i, 256))
		p, _ := g.core(k)
		st.topic, st.respondsTo = p.topic, int32(k)
		st.holder = g.drawActor(&r)
		if st.holder == p.holder {
			st.holder = (st.holder + 1) % int32(len(g.personIDs)+len(g.orgIDs))
		}
	default:
		st.holder = g.drawActor(&r)
		st.topic = int32(g.topicZ.draw(&r))
	}
	if r.chance(60) {
		st.event = int32(g.eventZ.draw(&r))
	}
	if int(st.holder) < len(g.personIDs) && g.personOffice[st.holder] >= 0 && r.chance(35) {
		st.onBehalf = g.personOffice[st.holder]
	}
	if r.chance(35) {
		st.doc = int32(g.docZ.draw(&r))
	}
	return st, r
}

// stanceEdges emits the edges of stance i.
func (g *Generator) stanceEdges(i int, emit emitFunc) bool {
	st, _ := g.core(i)
	s := ref{graph.KindStance, int32(i)}
	ok := emit(graph.HeldBy, s, g.actorRef(int(st.holder)), extra{}) &&
		emit(graph.OnTopic, s, ref{graph.KindTopic, st.topic}, extra{})
	if ok && st.event >= 0 {
		ok = emit(graph.StatedAt, s, ref{graph.KindEvent, st.event}, extra{})
	}
	if ok && st.onBehalf >= 0 {
		ok = emit(graph.OnBehalfOf, s, ref{graph.KindOrganization, st.onBehalf}, extra{})
	}
	if ok && st.supersedes >= 0 {
		ok = emit(graph.Supersedes, s, ref{graph.KindStance, st.supersedes}, extra{})
	}
	if ok && st.respondsTo >= 0 {
		ok = emit(graph.RespondsTo, s, ref{graph.KindStance, st.respondsTo}, extra{})
	}
	if ok && st.doc >= 0 {
		ok = emit(graph.EvidencedBy, s, ref{graph.KindDocument, st.doc}, extra{})
	}
	return ok
}
