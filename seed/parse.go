package seed

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stancegraph/stancegraph/graph"
	"go.yaml.in/yaml/v3"
)

// The top-level lists of a seed file, in the order of the format.
const (
	listPeople uint8 = iota
	listOrganizations
	listTopics
	listDocuments
	listEvents
	listInitiatives
	listStances
	listEdges
	listTop // the file itself
)

var topFields = []string{"people", "organizations", "topics", "documents", "events", "initiatives", "stances", "edges"}

// The fields of each kind of item, in the order of the format.
var (
	personFields     = []string{"id", "name", "aliases", "description", "sources"}
	orgFields        = []string{"id", "name", "type", "aliases", "description", "country", "sources"}
	topicFields      = []string{"id", "name", "description", "scale", "parent", "sources"}
	documentFields   = []string{"id", "name", "type", "publishedAt", "url", "language", "text", "textFile", "publisher", "event", "sources"}
	eventFields      = []string{"id", "name", "startDate", "endDate", "location", "host", "sources"}
	initiativeFields = []string{"id", "name", "description", "amount", "announcedAt", "announcedBy", "funders", "sources"}
	stanceFields     = []string{"id", "name", "holder", "topic", "position", "confidence", "neutral", "summary", "quotes", "statedAt", "event", "onBehalfOf", "supersedes", "respondsTo", "sources"}
	edgeFields       = []string{"type", "from", "to", "role", "validFrom", "validTo", "sources"}
	sourceFields     = []string{"document", "quote", "locator"}
	quoteFields      = []string{"text", "language", "translation", "translationLanguage", "source"}
	scaleFields      = []string{"negative", "positive"}
	moneyFields      = []string{"amount", "currency"}
)

// pos is a 1-based line and column.
type pos struct{ line, col int32 }

func posOf(n *yaml.Node) pos {
	if n == nil {
		return pos{}
	}
	return pos{int32(n.Line), int32(n.Column)}
}

// loc says where a node or edge was written: the file, the item, and for
// edges the positions of the two endpoint references.
type loc struct {
	file     int32
	list     uint8
	idx      int32
	at       pos
	from, to pos
}

// ref is a reference to a node from a source or quote, checked once the
// whole set is known. Edge endpoints are checked from the edges themselves.
type ref struct {
	id    string
	loc   loc
	owner string // id of the node or edge holding the reference
	field string // e.g. "sources[0].document"
}

// item names the item being read, for error messages.
type item struct {
	list uint8
	idx  int
	id   string
	node *yaml.Node // the item's mapping
}

func (it item) String() string {
	if it.list >= listTop {
		return it.id
	}
	s := topFields[it.list] + "[" + strconv.Itoa(it.idx) + "]"
	if it.id != "" {
		s += " (" + it.id + ")"
	}
	return s
}

// fileResult is what one file contributes to a set.
type fileResult struct {
	nodes    []graph.Node
	nodeLocs []loc
	edges    []graph.Edge
	edgeLocs []loc
	refs     []ref
	failed   []string // ids of items that did not load
	digest   digest   // what the file and its text files held, for stamps
}

// fileParser reads one seed file.
type fileParser struct {
	file     int32
	name     string // origin: the path relative to the seed root
	readFile func(name string) ([]byte, error)
	errs     errList
	visits   int
	budget   int
	sizes    map[*yaml.Node]int
	kept     map[string]string // see keep
	aborted  bool
	broken   bool // the file could not be read as a seed file at all
	res      fileResult
}

func (p *fileParser) addAt(line, col int, sentinel error, format string, args ...any) {
	if p.errs.full() {
		p.errs.more++ // not worth formatting
		p.errs.hard++
		return
	}
	p.errs.add(&Error{File: p.name, Line: line, Column: col, Err: &problem{msg: fmt.Sprintf(format, args...), err: sentinel}})
}

func (p *fileParser) add(n *yaml.Node, sentinel error, format string, args ...any) {
	pp := posOf(n)
	p.addAt(int(pp.line), int(pp.col), sentinel, format, args...)
}

func (p *fileParser) addItem(n *yaml.Node, it item, sentinel error, format string, args ...any) {
	if p.errs.full() {
		p.errs.more++ // not worth formatting
		p.errs.hard++
		return
	}
	pp := posOf(n)
	p.errs.add(&Error{File: p.name, Line: int(pp.line), Column: int(pp.col), Item: it.String(), Err: &problem{msg: fmt.Sprintf(format, args...), err: sentinel}})
}

// parseFile reads one file's bytes into p.res.
func (p *fileParser) parseFile(data []byte) {
	root := p.parseYAML(data)
	if root == nil {
		p.broken = p.errs.len() > 0
		return
	}
	top := item{list: listTop}
	vals, ok := p.mapping(root, top, topFields)
	if !ok {
		p.broken = true
		return
	}
	// Size the results from the lists: a stance has about four shorthand
	// edges, other items one.
	var nodes, edges int
	for l, v := range vals {
		if v != nil && v.Kind == yaml.SequenceNode {
			switch uint8(l) {
			case listEdges:
				edges += len(v.Content)
			case listStances:
				nodes += len(v.Content)
				edges += 4 * len(v.Content)
			default:
				nodes += len(v.Content)
				edges += len(v.Content)
			}
		}
	}
	p.res.nodes = make([]graph.Node, 0, nodes)
	p.res.nodeLocs = make([]loc, 0, nodes)
	p.res.edges = make([]graph.Edge, 0, edges)
	p.res.edgeLocs = make([]loc, 0, edges)
	for l, v := range vals {
		if v == nil {
			continue
		}
		list := uint8(l)
		p.list(v, top, topFields[l], func(i int, n *yaml.Node) {
			p.item(list, i, n)
		})
	}
	if r := &p.res; cap(r.edges) > len(r.edges)*9/8 {
		r.edges, r.edgeLocs = slices.Clone(r.edges), slices.Clone(r.edgeLocs)
	}
}

var itemFields = [...][]string{personFields, orgFields, topicFields, documentFields, eventFields, initiativeFields, stanceFields, edgeFields}

var listKinds = [...]graph.Kind{graph.KindPerson, graph.KindOrganization, graph.KindTopic, graph.KindDocument, graph.KindEvent, graph.KindInitiative, graph.KindStance}

// item reads one entry of a top-level list.
func (p *fileParser) item(list uint8, idx int, n *yaml.Node) {
	it := item{list: list, idx: idx}
	before := p.errs.len()
	m := p.resolve(n)
	if m == nil {
		return
	}
	it.node = m
	f, ok := p.mapping(m, it, itemFields[list])
	if !ok {
		return
	}
	if list == listEdges {
		p.edge(it, f, before)
		return
	}
	kind := listKinds[list]
	nd := graph.Node{Kind: kind, Origin: p.name}
	if f[0] == nil {
		p.addItem(m, it, graph.ErrInvalid, "id is required (%s/slug)", kind.Prefix())
	} else if id, ok := p.id(f[0], it, "id", kind); ok {
		nd.ID = id
		it.id = id
	}
	nd.Name = p.text(f[1], it, "name", graph.MaxNameLen, true)
	l := loc{file: p.file, list: list, idx: int32(idx), at: posOf(m)}
	switch list {
	case listPeople:
		nd.Aliases = p.aliases(f[2], it)
		nd.Description = p.text(f[3], it, "description", graph.MaxFieldLen, false)
		nd.Sources = p.sources(f[4], it, l)
	case listOrganizations:
		nd.OrgType = enum(p, f[2], it, "type", graph.OrgTypes())
		nd.Aliases = p.aliases(f[3], it)
		nd.Description = p.text(f[4], it, "description", graph.MaxFieldLen, false)
		nd.Country = p.country(f[5], it)
		nd.Sources = p.sources(f[6], it, l)
	case listTopics:
		nd.Description = p.text(f[2], it, "description", graph.MaxFieldLen, false)
		nd.Scale = p.scale(f[3], it)
		p.link(it, f[4], "parent", graph.SubtopicOf, false, graph.KindTopic)
		nd.Sources = p.sources(f[5], it, l)
	case listDocuments:
		nd.DocType = enum(p, f[2], it, "type", graph.DocTypes())
		nd.PublishedAt = p.date(f[3], it, "publishedAt")
		nd.URL = p.url(f[4], it)
		nd.Language = p.language(f[5], it, "language")
		nd.Text = p.text(f[6], it, "text", graph.MaxTextLen, false)
		if f[7] != nil {
			if f[6] != nil {
				p.addItem(f[7], it, graph.ErrInvalid, "give either text or textFile, not both")
			} else {
				nd.Text = p.textFile(f[7], it)
			}
		}
		p.link(it, f[8], "publisher", graph.Published, true, graph.KindOrganization)
		p.link(it, f[9], "event", graph.IssuedAt, false, graph.KindEvent)
		nd.Sources = p.sources(f[10], it, l)
	case listEvents:
		nd.StartDate = p.date(f[2], it, "startDate")
		nd.EndDate = p.date(f[3], it, "endDate")
		if !nd.StartDate.IsZero() && !nd.EndDate.IsZero() && nd.EndDate.Compare(nd.StartDate) < 0 {
			p.addItem(f[3], it, graph.ErrInvalid, "endDate %s is before startDate %s", nd.EndDate, nd.StartDate)
		}
		nd.Location = p.text(f[4], it, "location", graph.MaxFieldLen, false)
		p.link(it, f[5], "host", graph.Hosted, true, graph.KindOrganization)
		nd.Sources = p.sources(f[6], it, l)
	case listInitiatives:
		nd.Description = p.text(f[2], it, "description", graph.MaxFieldLen, false)
		nd.Amount = p.money(f[3], it)
		nd.AnnouncedAt = p.date(f[4], it, "announcedAt")
		p.links(it, f[5], "announcedBy", graph.Announced, true, graph.KindPerson, graph.KindOrganization)
		p.links(it, f[6], "funders", graph.Funds, true, graph.KindOrganization)
		nd.Sources = p.sources(f[7], it, l)
	case listStances:
		p.stance(it, f, &nd, l)
	}
	if p.errs.len() > before || p.aborted {
		if nd.ID != "" {
			p.res.failed = append(p.res.failed, nd.ID)
		}
		return
	}
	// The loader's own checks should catch everything; graph's are the
	// backstop that keeps the two in step.
	if err := nd.Validate(); err != nil {
		p.addItem(m, it, err, "%s", fromGraph(err).Error())
		p.res.failed = append(p.res.failed, nd.ID)
		return
	}
	p.res.nodes = append(p.res.nodes, nd)
	p.res.nodeLocs = append(p.res.nodeLocs, l)
}

func (p *fileParser) stance(it item, f []*yaml.Node, nd *graph.Node, l loc) {
	if f[2] == nil {
		p.addItem(it.node, it, graph.ErrInvalid, "holder is required (a person or an organization)")
	}
	p.link(it, f[2], "holder", graph.HeldBy, false, graph.KindPerson, graph.KindOrganization)
	if f[3] == nil {
		p.addItem(it.node, it, graph.ErrInvalid, "topic is required")
	}
	p.link(it, f[3], "topic", graph.OnTopic, false, graph.KindTopic)
	if f[4] == nil {
		p.addItem(it.node, it, graph.ErrInvalid, "position is required (-1..+1 on the topic's scale)")
	} else if v, ok := p.number(f[4], it, "position"); ok {
		if v < -1 || v > 1 {
			p.addItem(f[4], it, graph.ErrInvalid, "position %s is outside -1..+1", f[4].Value)
		}
		nd.Position = v
	}
	nd.Confidence = 1
	if f[5] != nil {
		if v, ok := p.number(f[5], it, "confidence"); ok {
			if v < 0 || v > 1 {
				p.addItem(f[5], it, graph.ErrInvalid, "confidence %s is outside 0..1", f[5].Value)
			}
			nd.Confidence = v
		}
	}
	if f[6] != nil {
		nd.Neutral = p.boolean(f[6], it, "neutral")
	}
	nd.Summary = p.text(f[7], it, "summary", graph.MaxFieldLen, false)
	if f[8] != nil {
		p.list(f[8], it, "quotes", func(i int, n *yaml.Node) {
			if q, ok := p.quote(n, it, i, l); ok {
				nd.Quotes = append(nd.Quotes, q)
			}
		})
	}
	nd.StatedAt = p.date(f[9], it, "statedAt")
	p.link(it, f[10], "event", graph.StatedAt, false, graph.KindEvent)
	p.link(it, f[11], "onBehalfOf", graph.OnBehalfOf, false, graph.KindOrganization)
	p.link(it, f[12], "supersedes", graph.Supersedes, false, graph.KindStance)
	p.links(it, f[13], "respondsTo", graph.RespondsTo, false, graph.KindStance)
	if f[14] == nil {
		p.addItem(it.node, it, graph.ErrInvalid, "sources is required for a stance (at least one document)")
	}
	nd.Sources = p.sources(f[14], it, l)
	if f[14] != nil && len(nd.Sources) == 0 && !p.aborted {
		p.addItem(f[14], it, graph.ErrInvalid, "a stance needs at least one source")
	}
}

func (p *fileParser) quote(n *yaml.Node, it item, i int, l loc) (graph.Quote, bool) {
	field := "quotes[" + strconv.Itoa(i) + "]"
	f, ok := p.mapping(n, it, quoteFields)
	if !ok {
		return graph.Quote{}, false
	}
	before := p.errs.len()
	q := graph.Quote{
		Text:                p.text(f[0], it, field+".text", graph.MaxFieldLen, true),
		Language:            p.language(f[1], it, field+".language"),
		Translation:         p.text(f[2], it, field+".translation", graph.MaxFieldLen, false),
		TranslationLanguage: p.language(f[3], it, field+".translationLanguage"),
	}
	if f[1] == nil {
		p.addItem(p.resolve(n), it, graph.ErrInvalid, "%s.language is required (e.g. de)", field)
	}
	if f[2] != nil && f[3] == nil {
		q.TranslationLanguage = "en"
	}
	if f[4] != nil {
		if id, ok := p.id(f[4], it, field+".source", graph.KindDocument); ok {
			q.Source = id
			l.at = posOf(f[4])
			p.res.refs = append(p.res.refs, ref{id: id, loc: l, owner: it.id, field: field + ".source"})
		}
	}
	return q, p.errs.len() == before
}

func (p *fileParser) sources(n *yaml.Node, it item, l loc) []graph.Source {
	if n == nil {
		return nil
	}
	var out []graph.Source
	p.list(n, it, "sources", func(i int, v *yaml.Node) {
		field := "sources[" + strconv.Itoa(i) + "]"
		f, ok := p.mapping(v, it, sourceFields)
		if !ok {
			return
		}
		var s graph.Source
		if f[0] == nil {
			p.addItem(p.resolve(v), it, graph.ErrInvalid, "%s.document is required", field)
			return
		}
		id, ok := p.id(f[0], it, field+".document", graph.KindDocument)
		if !ok {
			return
		}
		s.Document = id
		s.Quote = p.text(f[1], it, field+".quote", graph.MaxFieldLen, false)
		s.Locator = p.text(f[2], it, field+".locator", graph.MaxFieldLen, false)
		rl := l
		rl.at = posOf(f[0])
		p.res.refs = append(p.res.refs, ref{id: id, loc: rl, owner: it.id, field: field + ".document"})
		out = append(out, s)
	})
	return out
}

func (p *fileParser) aliases(n *yaml.Node, it item) []string {
	if n == nil {
		return nil
	}
	var out []string
	p.list(n, it, "aliases", func(i int, v *yaml.Node) {
		if s := p.text(v, it, "aliases["+strconv.Itoa(i)+"]", graph.MaxNameLen, true); s != "" {
			out = append(out, s)
		}
	})
	return out
}

func (p *fileParser) scale(n *yaml.Node, it item) *graph.Scale {
	if n == nil {
		p.addItem(it.node, it, graph.ErrInvalid, "scale is required: say what -1 (negative) and +1 (positive) mean")
		return nil
	}
	f, ok := p.mapping(n, it, scaleFields)
	if !ok {
		return nil
	}
	it.node = p.resolve(n)
	return &graph.Scale{
		Negative: p.text(f[0], it, "scale.negative", graph.MaxFieldLen, true),
		Positive: p.text(f[1], it, "scale.positive", graph.MaxFieldLen, true),
	}
}

func (p *fileParser) money(n *yaml.Node, it item) *graph.Money {
	if n == nil {
		return nil
	}
	f, ok := p.mapping(n, it, moneyFields)
	if !ok {
		return nil
	}
	it.node = p.resolve(n)
	var m graph.Money
	if f[0] == nil {
		p.addItem(it.node, it, graph.ErrInvalid, "amount.amount is required")
	} else if v, ok := p.number(f[0], it, "amount.amount"); ok {
		if v < 0 {
			p.addItem(f[0], it, graph.ErrInvalid, "amount.amount must not be negative")
		}
		m.Amount = v
	}
	if f[1] == nil {
		p.addItem(it.node, it, graph.ErrInvalid, "amount.currency is required (an ISO 4217 code such as EUR)")
	} else if c, ok := p.scalar(f[1], it, "amount.currency"); ok {
		if !isUpper(c, 3) {
			p.addItem(f[1], it, graph.ErrInvalid, "amount.currency %q is not an ISO 4217 code such as EUR or USD", c)
		}
		m.Currency = c
	}
	return &m
}

func (p *fileParser) country(n *yaml.Node, it item) string {
	if n == nil {
		return ""
	}
	c, ok := p.scalar(n, it, "country")
	if ok && !isUpper(c, 2) {
		p.addItem(n, it, graph.ErrInvalid, "country %q is not an ISO 3166-1 alpha-2 code such as DE or FR", c)
		return ""
	}
	return c
}

func isUpper(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// language checks a BCP 47 tag loosely: letters, digits and '-', such as
// "de" or "pt-BR".
func (p *fileParser) language(n *yaml.Node, it item, field string) string {
	if n == nil {
		return ""
	}
	s, ok := p.scalar(n, it, field)
	if !ok {
		return ""
	}
	valid := len(s) >= 2 && len(s) <= 35
	for i := 0; valid && i < len(s); i++ {
		c := s[i]
		valid = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
	}
	if !valid {
		p.addItem(n, it, graph.ErrInvalid, "%s %q is not a BCP 47 language tag such as de or en", field, s)
		return ""
	}
	return p.keep(s)
}

func (p *fileParser) url(n *yaml.Node, it item) string {
	s := p.text(n, it, "url", graph.MaxFieldLen, false)
	if s != "" && !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
		p.addItem(n, it, graph.ErrInvalid, "url %q must start with https:// or http://", s)
		return ""
	}
	return s
}

// textFile reads a document's text from a file beside the YAML file.
func (p *fileParser) textFile(n *yaml.Node, it item) string {
	name, ok := p.scalar(n, it, "textFile")
	if !ok {
		return ""
	}
	if p.readFile == nil {
		p.addItem(n, it, graph.ErrInvalid, "textFile cannot be used here (no seed directory); give the text inline")
		return ""
	}
	full := path.Join(path.Dir(p.name), name)
	if name == "" || path.IsAbs(name) || strings.Contains(name, "\\") || full == ".." || strings.HasPrefix(full, "../") {
		p.addItem(n, it, graph.ErrInvalid, "textFile %q must be a relative path inside the seed directory", name)
		return ""
	}
	data, err := p.readFile(full)
	if err != nil {
		p.addItem(n, it, graph.ErrInvalid, "textFile %q: %v", name, err)
		return ""
	}
	if len(data) > graph.MaxTextLen {
		p.addItem(n, it, ErrLimit, "textFile %q is %d bytes; a document's text may be at most %d", name, len(data), graph.MaxTextLen)
		return ""
	}
	if !utf8.Valid(data) || strings.IndexByte(string(data), 0) >= 0 {
		p.addItem(n, it, ErrSyntax, "textFile %q is not UTF-8 text", name)
		return ""
	}
	return string(data)
}

// link reads a shorthand reference and adds the edge it stands for: from
// the item to the reference, or from the reference to the item when rev.
func (p *fileParser) link(it item, n *yaml.Node, field string, t graph.EdgeType, rev bool, want ...graph.Kind) {
	if n == nil {
		return
	}
	id, ok := p.id(n, it, field, want...)
	if !ok || it.id == "" {
		return
	}
	p.addLink(it, n, t, rev, id)
}

func (p *fileParser) links(it item, n *yaml.Node, field string, t graph.EdgeType, rev bool, want ...graph.Kind) {
	if n == nil {
		return
	}
	p.list(n, it, field, func(i int, v *yaml.Node) {
		id, ok := p.id(v, it, field+"["+strconv.Itoa(i)+"]", want...)
		if ok && it.id != "" {
			p.addLink(it, v, t, rev, id)
		}
	})
}

func (p *fileParser) addLink(it item, n *yaml.Node, t graph.EdgeType, rev bool, id string) {
	e := graph.Edge{Type: t, From: it.id, To: id, Origin: p.name}
	l := loc{file: p.file, list: it.list, idx: int32(it.idx), at: posOf(n), from: posOf(it.node), to: posOf(n)}
	if rev {
		e.From, e.To = e.To, e.From
		l.from, l.to = l.to, l.from
	}
	if e.From == e.To {
		p.addItem(n, it, graph.ErrInvalid, "%s cannot point at the item itself", shortField(t))
		return
	}
	p.res.edges = append(p.res.edges, e)
	p.res.edgeLocs = append(p.res.edgeLocs, l)
}

// shortField names the shorthand field that generates an edge type.
func shortField(t graph.EdgeType) string {
	switch t {
	case graph.HeldBy:
		return "holder"
	case graph.OnTopic:
		return "topic"
	case graph.StatedAt, graph.IssuedAt:
		return "event"
	case graph.OnBehalfOf:
		return "onBehalfOf"
	case graph.Supersedes:
		return "supersedes"
	case graph.RespondsTo:
		return "respondsTo"
	case graph.SubtopicOf:
		return "parent"
	case graph.Published:
		return "publisher"
	case graph.Hosted:
		return "host"
	case graph.Announced:
		return "announcedBy"
	case graph.Funds:
		return "funders"
	}
	return string(t)
}

// edge reads an entry of the edges list.
func (p *fileParser) edge(it item, f []*yaml.Node, before int) {
	e := graph.Edge{Origin: p.name}
	if f[0] == nil {
		p.addItem(it.node, it, graph.ErrInvalid, "type is required (one of %s)", joinEnum(graph.EdgeTypes()))
	} else {
		e.Type = enum(p, f[0], it, "type", graph.EdgeTypes())
	}
	all := graph.Kinds()
	for i, end := range []*string{&e.From, &e.To} {
		field := [2]string{"from", "to"}[i]
		if f[1+i] == nil {
			p.addItem(it.node, it, graph.ErrInvalid, "%s is required (a node id)", field)
		} else if id, ok := p.id(f[1+i], it, field, all...); ok {
			*end = id
		}
	}
	e.Role = p.text(f[3], it, "role", graph.MaxNameLen, false)
	e.ValidFrom = p.date(f[4], it, "validFrom")
	e.ValidTo = p.date(f[5], it, "validTo")
	l := loc{file: p.file, list: listEdges, idx: int32(it.idx), at: posOf(it.node), from: posOf(f[1]), to: posOf(f[2])}
	if p.errs.len() > before || p.aborted {
		return
	}
	it.id = e.ID()
	e.Sources = p.sources(f[6], it, l)
	if p.errs.len() > before || p.aborted {
		return
	}
	if err := e.Validate(); err != nil {
		at := f[0]
		if e.From == e.To {
			at = f[2]
		} else if !e.ValidFrom.IsZero() && !e.ValidTo.IsZero() && e.ValidTo.Compare(e.ValidFrom) < 0 {
			at = f[5]
		}
		p.addItem(at, it, err, "%s", edgeMessage(err))
		return
	}
	p.res.edges = append(p.res.edges, e)
	p.res.edgeLocs = append(p.res.edgeLocs, l)
}

// edgeMessage drops graph's "edge from|TYPE|to: " prefix, which the item
// already names.
func edgeMessage(err error) string {
	msg := fromGraph(err).Error()
	if rest, ok := strings.CutPrefix(msg, "edge "); ok {
		if _, after, ok := strings.Cut(rest, ": "); ok {
			return after
		}
	}
	return msg
}
