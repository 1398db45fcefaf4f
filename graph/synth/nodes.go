package synth

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/stancegraph/stancegraph/graph"
)

// Each builder below draws one node from its own random stream, so that
// New (which keeps the structure) and Nodes (which emits the node) get
// the same node. A builder may read the structure of nodes of kinds built
// before it and of its own kind with a lower index.

// org builds organization i and returns its type and its state (the
// country index it is or is based in, -1 for none).
func (g *Generator) org(i int) (graph.Node, graph.OrgType, int32) {
	w := g.w
	r := newRNG(g.cfg.Seed, tagOrg, uint64(i))
	n := graph.Node{Kind: graph.KindOrganization, Origin: Origin}
	switch {
	case i < g.nStates:
		c := w.countries[i]
		n.ID, n.Name, n.OrgType, n.Country = "org/"+slug(c.name), c.name, graph.OrgState, c.code
		n.Aliases = []string{c.native, c.code}
		n.Description = "The state of " + c.name + " (" + c.native + ")."
		return n, graph.OrgState, int32(i)
	case i < g.nStates+g.nInter:
		o := w.intergov[i-g.nStates]
		n.ID, n.Name, n.OrgType = "org/"+slug(o.name), o.name, o.typ
		n.Aliases = []string{o.alias}
		n.Description = "An international organization: " + o.name + " (" + o.alias + ")."
		return n, o.typ, -1
	}
	types := []graph.OrgType{graph.OrgParty, graph.OrgCompany, graph.OrgGovernmentBody, graph.OrgAgency,
		graph.OrgNGO, graph.OrgMedia, graph.OrgOther}
	typ := types[weighted(&r, 20, 35, 13, 8, 14, 8, 2)]
	state := int32(g.stateZ.draw(&r))
	c := w.countries[state]
	l := c.lang
	city := pick(&r, c.cities)
	var desc string
	switch typ {
	case graph.OrgParty:
		n.Name = pick(&r, w.parties[l][0]) + " " + pick(&r, w.parties[l][1])
		desc = "A political party in " + c.name + "."
	case graph.OrgCompany:
		n.Name = pick(&r, w.companyA) + " " + pick(&r, w.companyB) + " " + pick(&r, w.companyC)
		desc = "A technology company headquartered in " + city + "."
	case graph.OrgGovernmentBody:
		n.Name = pick(&r, w.govBody[l][0]) + " " + pick(&r, w.govBody[l][1])
		desc = "A ministry of " + c.name + "."
	case graph.OrgAgency:
		n.Name = pick(&r, w.agency[l][0]) + " " + pick(&r, w.agency[l][1])
		desc = "A public agency of " + c.name + ", seated in " + city + "."
	case graph.OrgNGO:
		n.Name = pick(&r, w.ngo[l][0]) + " " + pick(&r, w.ngo[l][1])
		desc = "A non-governmental organization in " + city + "."
	case graph.OrgMedia:
		n.Name = fill(pick(&r, w.media[l]), "{city}", city)
		desc = "A news outlet from " + city + "."
	default:
		n.Name = "Forum on " + pick(&r, w.aspects)[0]
		desc = "A multi-stakeholder forum in " + city + "."
	}
	if a := initials(n.Name); len(a) >= 2 && r.chance(40) {
		n.Aliases = []string{a}
	}
	n.ID = "org/" + slug(n.Name) + "-" + strconv.Itoa(i)
	n.OrgType, n.Country, n.Description = typ, c.code, desc
	return n, typ, state
}

// topic builds topic i and returns its parent (-1 for a root), its root
// and its depth below the root.
func (g *Generator) topic(i int) (graph.Node, int32, uint8, uint8) {
	w := g.w
	n := graph.Node{Kind: graph.KindTopic, Origin: Origin}
	if i < g.nRoots {
		t := w.topics[i]
		n.ID, n.Name = "topic/"+t.slug, t.name[langEN]
		n.Aliases = []string{t.name[langDE], t.name[langFR]}
		n.Description = "Where actors stand on " + t.kw[langEN] + "."
		n.Scale = &graph.Scale{Negative: t.negative, Positive: t.pos}
		return n, -1, uint8(i), 0
	}
	r := newRNG(g.cfg.Seed, tagTopic, uint64(i))
	parent := int32(r.intn(i))
	root, depth := g.topicRoot[parent], g.topicDepth[parent]+1
	t := w.topics[root]
	asp := pick(&r, w.aspects)
	n.Name = t.name[langEN] + ": " + asp[0]
	alias := t.name[langDE] + ": " + asp[1]
	if depth >= 2 {
		ctx := pick(&r, w.contexts)
		n.Name += " " + ctx[0]
		alias += " " + ctx[1]
	}
	n.ID = "topic/" + t.slug + "-" + slug(asp[0]) + "-" + strconv.Itoa(i)
	n.Aliases = []string{alias}
	n.Description = "A subtopic of " + g.topicNames[parent] + "."
	n.Scale = &graph.Scale{Negative: t.negative, Positive: t.pos}
	return n, parent, root, depth
}

// person builds person i and returns the organization of their office and
// their party (-1 for none).
func (g *Generator) person(i int) (graph.Node, int32, int32) {
	w := g.w
	r := newRNG(g.cfg.Seed, tagPerson, uint64(i))
	first, last := pick(&r, w.first), pick(&r, w.last)
	n := graph.Node{Kind: graph.KindPerson, Name: first + " " + last, Origin: Origin}
	n.ID = "person/" + slug(n.Name) + "-" + strconv.Itoa(i)
	n.Aliases = []string{string([]rune(first)[:1]) + ". " + last}
	if r.chance(30) {
		n.Aliases = append(n.Aliases, last)
	}
	prof := pick(&r, w.professions)
	c := w.countries[r.intn(g.nStates)]
	city := pick(&r, c.cities)
	if r.chance(50) {
		n.Description = prof[1] + " aus " + city + "."
	} else {
		n.Description = prof[0] + " based in " + city + "."
	}
	office, party := int32(-1), int32(-1)
	if r.chance(45) {
		office = int32(g.orgZ.draw(&r))
	}
	if len(g.parties) > 0 && r.chance(55) {
		party = g.parties[g.partyZ.draw(&r)]
	}
	return n, office, party
}

// event builds event i and returns its host (-1 for none).
func (g *Generator) event(i int) (graph.Node, int32) {
	w := g.w
	r := newRNG(g.cfg.Seed, tagEvent, uint64(i))
	host := int32(-1)
	if r.chance(85) {
		host = int32(g.orgZ.draw(&r))
	}
	c := g.countryOf(host, &r)
	city := pick(&r, c.cities)
	year := r.between(2018, 2026)
	n := graph.Node{Kind: graph.KindEvent, Origin: Origin, Location: city + ", " + c.name}
	n.Name = fill(pick(&r, w.eventNames), "{city}", city, "{year}", strconv.Itoa(year))
	n.ID = "event/" + slug(n.Name) + "-" + strconv.Itoa(i)
	m, d := r.between(1, 12), r.between(1, 25)
	switch u := r.intn(100); {
	case u < 85:
		n.StartDate = mkDate(year, m, d)
		n.EndDate = mkDate(year, m, d+r.intn(3))
	case u < 95:
		n.StartDate = mkDate(year, m, 0)
	default:
		n.StartDate = mkDate(year, 0, 0)
	}
	return n, host
}

// doc builds document i and returns its publisher and the event it was
// issued at (-1 for none).
func (g *Generator) doc(i int) (graph.Node, int32, int32) {
	w := g.w
	r := newRNG(g.cfg.Seed, tagDoc, uint64(i))
	typ := graph.DocTypes()[weighted(&r, 15, 8, 20, 25, 15, 10, 4, 3)]
	lang := weighted(&r, 40, 35, 15, 10)
	root := w.topics[g.topicRoot[g.topicZ.draw(&r)]]
	pub := int32(g.orgZ.draw(&r))
	c := g.countryOf(pub, &r)
	year := r.between(2018, 2026)
	ev := int32(-1)
	if r.chance(40) {
		ev = int32(g.eventZ.draw(&r))
	}
	n := graph.Node{Kind: graph.KindDocument, DocType: typ, Language: langCode(lang), Origin: Origin}
	n.Name = fill(w.docNames[typ][lang], "{topic}", root.name[lang], "{city}", pick(&r, c.cities), "{year}", strconv.Itoa(year))
	s := slug(n.Name) + "-" + strconv.Itoa(i)
	n.ID = "doc/" + s
	n.URL = "https://example.org/" + langCode(lang) + "/" + s
	n.PublishedAt = randDate(&r, year)
	var text strings.Builder
	for k := range r.between(2, 5) {
		t := root
		if k > 0 && r.chance(40) {
			t = w.topics[r.intn(g.nRoots)]
		}
		var tmpl [nLang]string
		switch r.intn(3) {
		case 0:
			tmpl = pick(&r, w.support)
		case 1:
			tmpl = pick(&r, w.oppose)
		default:
			tmpl = pick(&r, w.mixed)
		}
		if k > 0 {
			text.WriteByte(' ')
		}
		text.WriteString(fill(tmpl[lang], "{kw}", t.kw[lang], "{why}", pick(&r, w.reasons)[lang]))
	}
	n.Text = text.String()
	return n, pub, ev
}

// initiative builds initiative i.
func (g *Generator) initiative(i int) graph.Node {
	w := g.w
	r := newRNG(g.cfg.Seed, tagInitiative, uint64(i))
	lang := weighted(&r, 40, 40, 10, 10)
	root := w.topics[g.topicRoot[g.topicZ.draw(&r)]]
	n := graph.Node{Kind: graph.KindInitiative, Origin: Origin}
	n.Name = fill(w.initiatives[lang], "{topic}", root.name[lang])
	n.ID = "initiative/" + slug(n.Name) + "-" + strconv.Itoa(i)
	n.Description = "A programme for " + root.kw[langEN] + "."
	n.AnnouncedAt = randDate(&r, r.between(2019, 2026))
	if r.chance(80) {
		cur := []string{"EUR", "EUR", "EUR", "USD", "USD", "GBP"}
		n.Amount = &graph.Money{Amount: float64(r.between(1, 2000)) * 1e6, Currency: pick(&r, cur)}
	}
	return n
}

// stance builds stance i.
func (g *Generator) stance(i int) graph.Node {
	w := g.w
	st, r := g.core(i)
	rootIdx := g.topicRoot[st.topic]
	root := w.topics[rootIdx]
	// An actor leans the same way on every stance it takes on a root topic,
	// so that alignment scores differ between actors.
	lr := newRNG(g.cfg.Seed, tagLean, uint64(st.holder)<<8|uint64(rootIdx))
	pos := min(100, max(-100, lr.between(-90, 90)+r.between(-30, 30)))
	neutral := r.chance(3)
	if neutral {
		pos = 0
	}
	n := graph.Node{ID: stanceID(i), Kind: graph.KindStance, Origin: Origin, Neutral: neutral,
		Position: float64(pos) / 100, Confidence: float64(r.between(40, 100)) / 100}
	var tmpls [][nLang]string
	var verb, past string
	switch n.Label() {
	case graph.LabelSupports:
		tmpls, verb, past = w.support, "supports", "argued for"
	case graph.LabelOpposes:
		tmpls, verb, past = w.oppose, "opposes", "argued against"
	case graph.LabelMixed:
		tmpls, verb, past = w.mixed, "is divided on", "was divided on"
	default:
		tmpls, verb, past = w.neutral, "is neutral on", "stayed neutral on"
	}
	tmpl, why := pick(&r, tmpls), pick(&r, w.reasons)
	lang := weighted(&r, 45, 30, 15, 10)
	q := graph.Quote{Text: fill(tmpl[lang], "{kw}", root.kw[lang], "{why}", why[lang]), Language: langCode(lang)}
	if lang != langEN {
		q.Translation = fill(tmpl[langEN], "{kw}", root.kw[langEN], "{why}", why[langEN])
		q.TranslationLanguage = "en"
	}
	holder := g.actorName(st.holder)
	n.Name = holder + " " + verb + " " + g.topicNames[st.topic]
	n.Summary = holder + " " + past + " " + root.kw[langEN] + ": " + why[langEN] + "."
	if st.event >= 0 {
		n.Summary = "At " + g.eventNames[st.event] + ", " + n.Summary
	}
	if st.doc >= 0 {
		q.Source = g.docIDs[st.doc]
		n.Sources = []graph.Source{{Document: q.Source, Quote: q.Text, Locator: "para " + strconv.Itoa(r.between(1, 40))}}
	}
	n.Quotes = []graph.Quote{q}
	// Dates advance with the index, so a stance is never dated before the
	// stances it supersedes or answers (at the same precision).
	const days = 8 * 12 * 28
	dn := i * days / max(g.nStances, 1)
	y, m, d := 2019+dn/(12*28), 1+dn/28%12, 1+dn%28
	switch u := r.intn(100); {
	case u < 80:
		n.StatedAt = mkDate(y, m, d)
	case u < 95:
		n.StatedAt = mkDate(y, m, 0)
	default:
		n.StatedAt = mkDate(y, 0, 0)
	}
	return n
}

// countryOf returns the country of organization o, or a random one when
// o is -1 or has none.
func (g *Generator) countryOf(o int32, r *rng) country {
	if o >= 0 && g.orgState[o] >= 0 {
		return g.w.countries[g.orgState[o]]
	}
	return g.w.countries[r.intn(g.nStates)]
}

// weighted returns i with a probability proportional to ws[i].
func weighted(r *rng, ws ...int) int {
	total := 0
	for _, w := range ws {
		total += w
	}
	x := r.intn(total)
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

// randDate returns a date in the year: mostly a day, sometimes only a
// month or only the year.
func randDate(r *rng, year int) graph.Date {
	m, d := r.between(1, 12), r.between(1, 28)
	switch u := r.intn(100); {
	case u < 80:
		return mkDate(year, m, d)
	case u < 95:
		return mkDate(year, m, 0)
	}
	return mkDate(year, 0, 0)
}

// mkDate builds a date; a zero month gives a year, a zero day a month.
// The generator only passes valid parts (days up to 28), so a failure
// is a bug in this package.
func mkDate(y, m, d int) graph.Date {
	s := strconv.Itoa(y)
	if m > 0 {
		s += "-" + pad2(m)
		if d > 0 {
			s += "-" + pad2(d)
		}
	}
	return graph.MustDate(s)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// fill replaces each placeholder kv[2i] in s by kv[2i+1].
func fill(s string, kv ...string) string {
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, kv[i], kv[i+1])
	}
	return s
}

// initials returns the upper-case initials of the words of s, e.g. "PFF"
// for "Partei für Freiheit und Fortschritt".
func initials(s string) string {
	var b strings.Builder
	for _, f := range strings.Fields(s) {
		if r := []rune(f)[0]; unicode.IsUpper(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// slug folds s to an id slug: lower-case ASCII letters and digits joined
// by single hyphens, accents transliterated (ü → ue, é → e, ł → l), other
// characters dropped; at most 60 bytes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	put := func(t string) {
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteString(t)
	}
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			put(string(c))
		case c < 0x80:
			dash = true
		default:
			if t := fold(c); t != "" {
				put(t)
			}
		}
	}
	out := b.String()
	if len(out) > 60 {
		out = strings.TrimRight(out[:60], "-")
	}
	if out == "" {
		out = "x"
	}
	return out
}

func fold(c rune) string {
	switch c {
	case 'ä', 'æ':
		return "ae"
	case 'ö', 'ø', 'œ':
		return "oe"
	case 'ü':
		return "ue"
	case 'ß':
		return "ss"
	case 'á', 'à', 'â', 'ã', 'å', 'ą', 'ă', 'ā':
		return "a"
	case 'é', 'è', 'ê', 'ë', 'ę', 'ě', 'ē':
		return "e"
	case 'í', 'ì', 'î', 'ï', 'ı', 'ī':
		return "i"
	case 'ó', 'ò', 'ô', 'õ', 'ő', 'ō':
		return "o"
	case 'ú', 'ù', 'û', 'ů', 'ű', 'ū':
		return "u"
	case 'ç', 'č', 'ć':
		return "c"
	case 'ñ', 'ń':
		return "n"
	case 'ł':
		return "l"
	case 'ś', 'š', 'ş', 'ș':
		return "s"
	case 'ž', 'ź', 'ż':
		return "z"
	case 'ř':
		return "r"
	case 'ğ':
		return "g"
	case 'ý':
		return "y"
	case 'ț':
		return "t"
	case 'đ':
		return "d"
	}
	return ""
}
