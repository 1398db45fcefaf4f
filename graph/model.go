package graph

import (
	"fmt"
	"math"
	"strings"
)

// Kind is the kind of a node. Its String form is the GraphQL NodeKind enum
// value ("PERSON"); its Prefix is the first segment of node ids ("person").
type Kind uint8

// The node kinds.
const (
	KindPerson Kind = iota + 1
	KindOrganization
	KindTopic
	KindStance
	KindDocument
	KindEvent
	KindInitiative
)

// Kinds lists every node kind in a stable order.
func Kinds() []Kind {
	return []Kind{KindPerson, KindOrganization, KindTopic, KindStance, KindDocument, KindEvent, KindInitiative}
}

var kindNames = [...]struct{ name, prefix string }{
	KindPerson:       {"PERSON", "person"},
	KindOrganization: {"ORGANIZATION", "org"},
	KindTopic:        {"TOPIC", "topic"},
	KindStance:       {"STANCE", "stance"},
	KindDocument:     {"DOCUMENT", "doc"},
	KindEvent:        {"EVENT", "event"},
	KindInitiative:   {"INITIATIVE", "initiative"},
}

// String returns the enum name, e.g. "PERSON".
func (k Kind) String() string {
	if k == 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", uint8(k))
	}
	return kindNames[k].name
}

// Prefix returns the id prefix of the kind, e.g. "person" for KindPerson.
func (k Kind) Prefix() string {
	if k == 0 || int(k) >= len(kindNames) {
		return ""
	}
	return kindNames[k].prefix
}

// Valid reports whether k is one of the declared kinds.
func (k Kind) Valid() bool { return k != 0 && int(k) < len(kindNames) }

// ParseKind parses an enum name ("PERSON") or an id prefix ("person").
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if s == kindNames[k].name || s == kindNames[k].prefix {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown node kind %q (want one of PERSON, ORGANIZATION, TOPIC, STANCE, DOCUMENT, EVENT, INITIATIVE)", ErrInvalid, s)
}

// KindOf returns the kind named by the prefix of a node id and checks the
// whole id: "kind/slug", where slug is lower-case ASCII letters, digits,
// '-', '_' and '.', at most 200 bytes in all.
func KindOf(id string) (Kind, error) {
	// The common case first: a known prefix and its '/', found without
	// searching the id (a seed checks ids by the million).
	for _, k := range Kinds() {
		p := kindNames[k].prefix
		if len(id) > len(p) && id[len(p)] == '/' && id[:len(p)] == p {
			if slug := id[len(p)+1:]; slug != "" && len(id) <= MaxIDLen && validSlug(slug) {
				return k, nil
			}
			break // the checks below word the error
		}
	}
	prefix, slug, ok := strings.Cut(id, "/")
	if !ok {
		return 0, fmt.Errorf("%w: id %q is not of the form kind/slug", ErrInvalid, id)
	}
	var k Kind
	for _, c := range Kinds() {
		if kindNames[c].prefix == prefix {
			k = c
		}
	}
	if k == 0 {
		return 0, fmt.Errorf("%w: id %q has unknown kind prefix %q (want person, org, topic, stance, doc, event or initiative)", ErrInvalid, id, prefix)
	}
	if slug == "" || len(id) > MaxIDLen {
		return 0, fmt.Errorf("%w: id %q must have a slug of 1 to %d bytes", ErrInvalid, id, MaxIDLen-len(prefix)-1)
	}
	if !validSlug(slug) {
		return 0, fmt.Errorf("%w: id %q: slug may hold only a-z, 0-9, '-', '_' and '.'", ErrInvalid, id)
	}
	return k, nil
}

// isIDOf reports whether id is a valid id of kind k (KindOf(id) is k),
// without building an error: the snapshot check of every stored id.
func isIDOf(id string, k Kind) bool {
	if k == 0 || int(k) >= len(kindNames) || len(id) > MaxIDLen {
		return false
	}
	p := kindNames[k].prefix
	return len(id) > len(p)+1 && id[:len(p)] == p && id[len(p)] == '/' && validSlug(id[len(p)+1:])
}

// validSlug reports whether slug holds only a-z, 0-9, '-', '_' and '.'.
func validSlug(slug string) bool {
	// slugBytes[c] is 1 for an allowed byte c: one load per byte instead
	// of five comparisons, which counts when a snapshot is checked.
	const slugBytes = "" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x01\x00" + // - .
		"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00" + // 0-9
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01" + // _
		"\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" + // a-o
		"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00" + // p-z
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	ok := byte(1)
	for i := 0; i < len(slug); i++ {
		ok &= slugBytes[slug[i]]
	}
	return ok == 1
}

// MaxIDLen is the longest node id accepted, in bytes.
const MaxIDLen = 200

// OrgType is the type of an organization (the GraphQL OrgType enum).
type OrgType string

// The organization types.
const (
	OrgState             OrgType = "STATE"
	OrgSupranational     OrgType = "SUPRANATIONAL"
	OrgIntergovernmental OrgType = "INTERGOVERNMENTAL"
	OrgGovernmentBody    OrgType = "GOVERNMENT_BODY"
	OrgParty             OrgType = "PARTY"
	OrgCompany           OrgType = "COMPANY"
	OrgAgency            OrgType = "AGENCY"
	OrgNGO               OrgType = "NGO"
	OrgMedia             OrgType = "MEDIA"
	OrgOther             OrgType = "OTHER"
)

// OrgTypes lists the organization types in contract order.
func OrgTypes() []OrgType {
	return []OrgType{OrgState, OrgSupranational, OrgIntergovernmental, OrgGovernmentBody, OrgParty, OrgCompany, OrgAgency, OrgNGO, OrgMedia, OrgOther}
}

// Valid reports whether t is a declared organization type.
func (t OrgType) Valid() bool {
	for _, v := range OrgTypes() {
		if t == v {
			return true
		}
	}
	return false
}

// DocType is the type of a document (the GraphQL DocumentType enum).
type DocType string

// The document types.
const (
	DocDeclaration  DocType = "DECLARATION"
	DocLaw          DocType = "LAW"
	DocSpeech       DocType = "SPEECH"
	DocArticle      DocType = "ARTICLE"
	DocPressRelease DocType = "PRESS_RELEASE"
	DocReport       DocType = "REPORT"
	DocInitiative   DocType = "INITIATIVE"
	DocOther        DocType = "OTHER"
)

// DocTypes lists the document types in contract order.
func DocTypes() []DocType {
	return []DocType{DocDeclaration, DocLaw, DocSpeech, DocArticle, DocPressRelease, DocReport, DocInitiative, DocOther}
}

// Valid reports whether t is a declared document type.
func (t DocType) Valid() bool {
	for _, v := range DocTypes() {
		if t == v {
			return true
		}
	}
	return false
}

// Label is the reading of a stance's position (the GraphQL StanceLabel enum).
type Label string

// The stance labels.
const (
	LabelSupports Label = "SUPPORTS"
	LabelOpposes  Label = "OPPOSES"
	LabelMixed    Label = "MIXED"
	LabelNeutral  Label = "NEUTRAL"
)

// LabelFor derives a label from a position: SUPPORTS at 0.33 and above,
// OPPOSES at -0.33 and below, MIXED between; NEUTRAL only when the source
// states neutrality explicitly.
func LabelFor(position float64, neutral bool) Label {
	switch {
	case neutral:
		return LabelNeutral
	case position >= 0.33:
		return LabelSupports
	case position <= -0.33:
		return LabelOpposes
	}
	return LabelMixed
}

// Source is a document backing a fact, with the exact words and where in the
// document they stand.
type Source struct {
	Document string `json:"document"`
	Quote    string `json:"quote,omitempty"`
	Locator  string `json:"locator,omitempty"`
}

// Quote is a stance's quote in its original language, with a translation.
type Quote struct {
	Text                string `json:"text"`
	Language            string `json:"language"`
	Translation         string `json:"translation,omitempty"`
	TranslationLanguage string `json:"translationLanguage,omitempty"`
	Source              string `json:"source,omitempty"`
}

// Scale says what the ends of a topic's -1..+1 position scale mean.
type Scale struct {
	Negative string `json:"negative"`
	Positive string `json:"positive"`
}

// Money is an amount in an ISO 4217 currency.
type Money struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Node is a vertex of the graph. Common fields come first; the others belong
// to one kind each and must stay zero on nodes of other kinds (Validate
// checks). Relations such as a stance's holder or a topic's parent are
// edges, not fields.
type Node struct {
	ID          string   `json:"id"`
	Kind        Kind     `json:"kind"`
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases,omitempty"`
	Description string   `json:"description,omitempty"` // person, organization, topic, initiative
	Sources     []Source `json:"sources,omitempty"`
	// Origin is the seed file (relative to its seed root) or "mutation"
	// that last wrote the node.
	Origin string `json:"origin,omitempty"`

	// Organization.
	OrgType OrgType `json:"orgType,omitempty"`
	Country string  `json:"country,omitempty"` // ISO 3166-1 alpha-2

	// Topic.
	Scale *Scale `json:"scale,omitempty"`

	// Stance.
	Position   float64 `json:"position,omitempty"`   // -1..+1
	Confidence float64 `json:"confidence,omitempty"` // 0..1
	Neutral    bool    `json:"neutral,omitempty"`    // the source states neutrality explicitly
	Summary    string  `json:"summary,omitempty"`
	Quotes     []Quote `json:"quotes,omitempty"`
	StatedAt   Date    `json:"statedAt,omitzero"`

	// Document.
	DocType     DocType `json:"docType,omitempty"`
	PublishedAt Date    `json:"publishedAt,omitzero"`
	URL         string  `json:"url,omitempty"`
	Language    string  `json:"language,omitempty"`
	Text        string  `json:"text,omitempty"`

	// Event.
	StartDate Date   `json:"startDate,omitzero"`
	EndDate   Date   `json:"endDate,omitzero"`
	Location  string `json:"location,omitempty"`

	// Initiative.
	Amount      *Money `json:"amount,omitempty"`
	AnnouncedAt Date   `json:"announcedAt,omitzero"`
}

// Label returns the stance label derived from the node's position.
func (n *Node) Label() Label { return LabelFor(n.Position, n.Neutral) }

// Limits on the size of node and edge fields, so that no single value can
// exhaust memory or a Badger transaction.
const (
	MaxNameLen    = 1 << 10
	MaxTextLen    = 1 << 20 // a document's full text
	MaxFieldLen   = 64 << 10
	MaxListLen    = 1000
	maxAliasCount = 100
)

// Validate checks a node on its own: id and kind agree, required fields are
// present, numbers are in range, enums are known, and fields of other kinds
// are empty. It does not look at the store.
func (n *Node) Validate() error {
	k, err := KindOf(n.ID)
	if err != nil {
		return err
	}
	if n.Kind == 0 {
		n.Kind = k
	}
	if n.Kind != k {
		return invalidf("node %s: kind %s does not match the id prefix %q", n.ID, n.Kind, k.Prefix())
	}
	if strings.TrimSpace(n.Name) == "" {
		return invalidf("node %s: name is required", n.ID)
	}
	if len(n.Name) > MaxNameLen {
		return invalidf("node %s: name is longer than %d bytes", n.ID, MaxNameLen)
	}
	if len(n.Aliases) > maxAliasCount {
		return invalidf("node %s: more than %d aliases", n.ID, maxAliasCount)
	}
	for _, a := range n.Aliases {
		if strings.TrimSpace(a) == "" || len(a) > MaxNameLen {
			return invalidf("node %s: aliases must be non-empty and at most %d bytes", n.ID, MaxNameLen)
		}
	}
	if err := checkSources(func() string { return n.ID }, n.Sources); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{
		{"description", n.Description}, {"summary", n.Summary}, {"origin", n.Origin},
		{"country", n.Country}, {"url", n.URL}, {"language", n.Language}, {"location", n.Location},
	} {
		if len(f.v) > MaxFieldLen {
			return invalidf("node %s: %s is longer than %d bytes", n.ID, f.name, MaxFieldLen)
		}
	}
	if len(n.Text) > MaxTextLen {
		return invalidf("node %s: text is longer than %d bytes", n.ID, MaxTextLen)
	}

	// Which kind-specific fields are set.
	var set []string
	add := func(kind Kind, name string, isSet bool) {
		if isSet && kind != n.Kind {
			set = append(set, name)
		}
	}
	add(KindOrganization, "orgType", n.OrgType != "")
	add(KindOrganization, "country", n.Country != "")
	add(KindTopic, "scale", n.Scale != nil)
	add(KindStance, "position", n.Position != 0)
	add(KindStance, "confidence", n.Confidence != 0)
	add(KindStance, "neutral", n.Neutral)
	add(KindStance, "summary", n.Summary != "")
	add(KindStance, "quotes", len(n.Quotes) > 0)
	add(KindStance, "statedAt", !n.StatedAt.IsZero())
	add(KindDocument, "docType", n.DocType != "")
	add(KindDocument, "publishedAt", !n.PublishedAt.IsZero())
	add(KindDocument, "url", n.URL != "")
	add(KindDocument, "language", n.Language != "")
	add(KindDocument, "text", n.Text != "")
	add(KindEvent, "startDate", !n.StartDate.IsZero())
	add(KindEvent, "endDate", !n.EndDate.IsZero())
	add(KindEvent, "location", n.Location != "")
	add(KindInitiative, "amount", n.Amount != nil)
	add(KindInitiative, "announcedAt", !n.AnnouncedAt.IsZero())
	if n.Description != "" && (n.Kind == KindStance || n.Kind == KindDocument || n.Kind == KindEvent) {
		set = append(set, "description")
	}
	if len(set) > 0 {
		return invalidf("node %s: a %s has no field %s", n.ID, strings.ToLower(n.Kind.String()), strings.Join(set, ", "))
	}

	switch n.Kind {
	case KindOrganization:
		if !n.OrgType.Valid() {
			return invalidf("node %s: organization type %q is not one of %s", n.ID, n.OrgType, joinEnum(OrgTypes()))
		}
	case KindTopic:
		if n.Scale == nil || strings.TrimSpace(n.Scale.Negative) == "" || strings.TrimSpace(n.Scale.Positive) == "" {
			return invalidf("node %s: a topic needs a scale saying what -1 and +1 mean", n.ID)
		}
	case KindStance:
		if math.IsNaN(n.Position) || n.Position < -1 || n.Position > 1 {
			return invalidf("node %s: position %v is outside -1..+1", n.ID, n.Position)
		}
		if math.IsNaN(n.Confidence) || n.Confidence < 0 || n.Confidence > 1 {
			return invalidf("node %s: confidence %v is outside 0..1", n.ID, n.Confidence)
		}
		if len(n.Quotes) > MaxListLen {
			return invalidf("node %s: more than %d quotes", n.ID, MaxListLen)
		}
		for i, q := range n.Quotes {
			if strings.TrimSpace(q.Text) == "" || q.Language == "" {
				return invalidf("node %s: quote %d needs text and language", n.ID, i+1)
			}
			if len(q.Text) > MaxFieldLen || len(q.Translation) > MaxFieldLen {
				return invalidf("node %s: quote %d is longer than %d bytes", n.ID, i+1, MaxFieldLen)
			}
			if q.Source != "" {
				if k, err := KindOf(q.Source); err != nil || k != KindDocument {
					return invalidf("node %s: quote %d source %q is not a document id", n.ID, i+1, q.Source)
				}
			}
		}
	case KindDocument:
		if !n.DocType.Valid() {
			return invalidf("node %s: document type %q is not one of %s", n.ID, n.DocType, joinEnum(DocTypes()))
		}
	case KindEvent:
		if !n.StartDate.IsZero() && !n.EndDate.IsZero() && n.EndDate.Compare(n.StartDate) < 0 {
			return invalidf("node %s: endDate %s is before startDate %s", n.ID, n.EndDate, n.StartDate)
		}
	case KindInitiative:
		if n.Amount != nil {
			if math.IsNaN(n.Amount.Amount) || math.IsInf(n.Amount.Amount, 0) || n.Amount.Amount < 0 {
				return invalidf("node %s: amount must be a non-negative number", n.ID)
			}
			if !isCurrency(n.Amount.Currency) {
				return invalidf("node %s: currency %q is not an ISO 4217 code such as EUR or USD", n.ID, n.Amount.Currency)
			}
		}
	}
	return nil
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// checkSources checks the sources of a node or edge; owner names it in an
// error and is called only then, so that a valid item costs no string.
func checkSources(owner func() string, srcs []Source) error {
	if len(srcs) > MaxListLen {
		return invalidf("%s: more than %d sources", owner(), MaxListLen)
	}
	for i, s := range srcs {
		if k, err := KindOf(s.Document); err != nil || k != KindDocument {
			return invalidf("%s: source %d: %q is not a document id", owner(), i+1, s.Document)
		}
		if len(s.Quote) > MaxFieldLen || len(s.Locator) > MaxFieldLen {
			return invalidf("%s: source %d is longer than %d bytes", owner(), i+1, MaxFieldLen)
		}
	}
	return nil
}

func joinEnum[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// Direction selects edges by which end a node is on.
type Direction uint8

// The directions.
const (
	Out  Direction = 1 << iota // edges from the node
	In                         // edges to the node
	Both = Out | In
)

// EdgeType is the type of a relation (the GraphQL EdgeType enum). Types are
// stored by name, so adding one needs no migration.
type EdgeType string

// The edge types of the contract.
const (
	HeldBy      EdgeType = "HELD_BY"
	OnTopic     EdgeType = "ON_TOPIC"
	StatedAt    EdgeType = "STATED_AT"
	EvidencedBy EdgeType = "EVIDENCED_BY"
	HoldsOffice EdgeType = "HOLDS_OFFICE"
	MemberOf    EdgeType = "MEMBER_OF"
	Signed      EdgeType = "SIGNED"
	DidNotSign  EdgeType = "DID_NOT_SIGN"
	Attended    EdgeType = "ATTENDED"
	Hosted      EdgeType = "HOSTED"
	Announced   EdgeType = "ANNOUNCED"
	Funds       EdgeType = "FUNDS"
	Published   EdgeType = "PUBLISHED"
	IssuedAt    EdgeType = "ISSUED_AT"
	SubtopicOf  EdgeType = "SUBTOPIC_OF"
	BasedIn     EdgeType = "BASED_IN"
	RespondsTo  EdgeType = "RESPONDS_TO"
	Supersedes  EdgeType = "SUPERSEDES"
	OnBehalfOf  EdgeType = "ON_BEHALF_OF"
	Mentions    EdgeType = "MENTIONS"
)

// kindSet is a bit set of kinds.
type kindSet uint16

func kinds(ks ...Kind) kindSet {
	var s kindSet
	for _, k := range ks {
		s |= 1 << k
	}
	return s
}

func (s kindSet) has(k Kind) bool { return s&(1<<k) != 0 }

func (s kindSet) String() string {
	var names []string
	for _, k := range Kinds() {
		if s.has(k) {
			names = append(names, k.String())
		}
	}
	return strings.Join(names, "|")
}

var anyKind = kinds(Kinds()...)

// edgeRule says which node kinds an edge type may connect.
type edgeRule struct {
	from, to kindSet
	verb     string // for explanations: "<from> <verb> <to>"
}

var edgeRules = map[EdgeType]edgeRule{
	HeldBy:      {kinds(KindStance), kinds(KindPerson, KindOrganization), "is held by"},
	OnTopic:     {kinds(KindStance), kinds(KindTopic), "is on the topic"},
	StatedAt:    {kinds(KindStance), kinds(KindEvent), "was stated at"},
	EvidencedBy: {anyKind, kinds(KindDocument), "is evidenced by"},
	HoldsOffice: {kinds(KindPerson), kinds(KindOrganization), "holds office in"},
	MemberOf:    {kinds(KindPerson, KindOrganization), kinds(KindOrganization), "is a member of"},
	Signed:      {kinds(KindOrganization, KindPerson), kinds(KindDocument), "signed"},
	DidNotSign:  {kinds(KindOrganization, KindPerson), kinds(KindDocument), "did not sign"},
	Attended:    {kinds(KindPerson, KindOrganization), kinds(KindEvent), "attended"},
	Hosted:      {kinds(KindOrganization), kinds(KindEvent), "hosted"},
	Announced:   {kinds(KindPerson, KindOrganization), kinds(KindInitiative), "announced"},
	Funds:       {kinds(KindOrganization), kinds(KindInitiative), "funds"},
	Published:   {kinds(KindOrganization), kinds(KindDocument), "published"},
	IssuedAt:    {kinds(KindDocument), kinds(KindEvent), "was issued at"},
	SubtopicOf:  {kinds(KindTopic), kinds(KindTopic), "is a subtopic of"},
	BasedIn:     {kinds(KindOrganization), kinds(KindOrganization), "is based in"},
	RespondsTo:  {kinds(KindStance), kinds(KindStance), "responds to"},
	Supersedes:  {kinds(KindStance), kinds(KindStance), "supersedes"},
	OnBehalfOf:  {kinds(KindStance), kinds(KindOrganization), "was taken on behalf of"},
	Mentions:    {kinds(KindDocument), anyKind, "mentions"},
}

// EdgeTypes lists the known edge types in contract order.
func EdgeTypes() []EdgeType {
	return []EdgeType{HeldBy, OnTopic, StatedAt, EvidencedBy, HoldsOffice, MemberOf, Signed, DidNotSign,
		Attended, Hosted, Announced, Funds, Published, IssuedAt, SubtopicOf, BasedIn, RespondsTo,
		Supersedes, OnBehalfOf, Mentions}
}

// Valid reports whether t is a known edge type.
func (t EdgeType) Valid() bool { _, ok := edgeRules[t]; return ok }

// Verb returns the English phrase of the relation, e.g. "holds office in".
func (t EdgeType) Verb() string {
	if r, ok := edgeRules[t]; ok {
		return r.verb
	}
	return strings.ToLower(strings.ReplaceAll(string(t), "_", " "))
}

// Edge is a typed relation between two nodes. Its identity is (Type, From,
// To): writing an edge with the same identity again updates it.
type Edge struct {
	Type      EdgeType `json:"type"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Role      string   `json:"role,omitempty"`
	ValidFrom Date     `json:"validFrom,omitzero"`
	ValidTo   Date     `json:"validTo,omitzero"`
	Sources   []Source `json:"sources,omitempty"`
	// Origin is the seed file or "mutation" that last wrote the edge.
	Origin string `json:"origin,omitempty"`
}

// ID returns the edge's stable id, "from|TYPE|to".
func (e *Edge) ID() string { return EdgeID(e.Type, e.From, e.To) }

// EdgeID returns the id of the edge with the given identity.
func EdgeID(t EdgeType, from, to string) string { return from + "|" + string(t) + "|" + to }

// ParseEdgeID splits an edge id made by EdgeID.
func ParseEdgeID(id string) (t EdgeType, from, to string, err error) {
	parts := strings.Split(id, "|")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", invalidf("edge id %q is not of the form from|TYPE|to", id)
	}
	return EdgeType(parts[1]), parts[0], parts[2], nil
}

// ActiveAt reports whether the edge's validity interval overlaps the day,
// month or year asOf. A zero asOf matches every edge; a missing bound is open.
func (e *Edge) ActiveAt(asOf Date) bool {
	if asOf.IsZero() {
		return true
	}
	if !e.ValidFrom.IsZero() && e.ValidFrom.first() > asOf.last() {
		return false
	}
	if !e.ValidTo.IsZero() && e.ValidTo.last() < asOf.first() {
		return false
	}
	return true
}

// Validate checks an edge on its own: a known type, endpoint ids whose kinds
// the type allows, ordered dates and sane sizes. Whether the endpoints exist
// is checked when a batch is applied.
func (e *Edge) Validate() error {
	r, ok := edgeRules[e.Type]
	if !ok {
		return invalidf("edge %s: unknown edge type %q", e.ID(), e.Type)
	}
	fk, err := KindOf(e.From)
	if err != nil {
		return fmt.Errorf("edge %s: from: %w", e.ID(), err)
	}
	tk, err := KindOf(e.To)
	if err != nil {
		return fmt.Errorf("edge %s: to: %w", e.ID(), err)
	}
	if !r.from.has(fk) || !r.to.has(tk) {
		return invalidf("edge %s: %s goes from %s to %s, not from %s to %s", e.ID(), e.Type, r.from, r.to, fk, tk)
	}
	if e.From == e.To {
		return invalidf("edge %s: an edge cannot point at its own start", e.ID())
	}
	if len(e.Role) > MaxNameLen || len(e.Origin) > MaxFieldLen {
		return invalidf("edge %s: role or origin too long", e.ID())
	}
	if !e.ValidFrom.IsZero() && !e.ValidTo.IsZero() && e.ValidTo.last() < e.ValidFrom.first() {
		return invalidf("edge %s: validTo %s is before validFrom %s", e.ID(), e.ValidTo, e.ValidFrom)
	}
	return checkSources(func() string { return "edge " + e.ID() }, e.Sources)
}
