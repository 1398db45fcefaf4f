package synth

import "github.com/stancegraph/stancegraph/graph"

// Languages are indexed in the fixed order of langCodes; every table with
// one entry per language ([nLang]string) follows it.
const (
	langDE = iota
	langEN
	langFR
	langES
	nLang
)

// langCode returns the BCP 47 code of a language index.
func langCode(l int) string {
	switch l {
	case langDE:
		return "de"
	case langFR:
		return "fr"
	case langES:
		return "es"
	}
	return "en"
}

// country is a state with the cities that events and media are placed in.
type country struct {
	name, native, code string
	lang               int
	cities             []string
}

// rootTopic is a top-level topic. name is the topic's name per language
// (German nominative, English, French and Spanish with article) and kw the
// noun phrase that quotes put in object position (German accusative).
type rootTopic struct {
	slug          string
	name, kw      [nLang]string
	negative, pos string
}

// words holds the read-only tables the generator draws text from. It is
// built once per Generator so that the package holds no state.
type words struct {
	countries   []country
	intergov    []intergovOrg
	topics      []rootTopic
	aspects     [][2]string // English, German
	contexts    [][2]string
	first, last []string
	professions [][2]string // English, German
	support     [][nLang]string
	oppose      [][nLang]string
	mixed       [][nLang]string
	neutral     [][nLang]string
	reasons     [][nLang]string
	docNames    map[graph.DocType][nLang]string
	eventNames  []string
	parties     [nLang][2][]string // prefix, suffix
	companyA    []string
	companyB    []string
	companyC    []string
	govBody     [nLang][2][]string // pattern pieces: prefix, areas
	agency      [nLang][2][]string
	ngo         [nLang][2][]string
	media       [nLang][]string // patterns with {city}
	titles      map[graph.OrgType][]string
	initiatives [nLang]string // pattern with {topic}
	queries     []string
}

// intergovOrg is a supranational or intergovernmental organization.
type intergovOrg struct {
	typ         graph.OrgType
	name, alias string
}

func newWords() *words {
	return &words{
		countries: []country{
			{"Germany", "Deutschland", "DE", langDE, []string{"Berlin", "München", "Köln", "Düsseldorf"}},
			{"France", "République française", "FR", langFR, []string{"Paris", "Lyon", "Montpellier"}},
			{"United States", "USA", "US", langEN, []string{"Washington", "San Francisco", "New York"}},
			{"United Kingdom", "UK", "GB", langEN, []string{"London", "Bletchley", "Manchester"}},
			{"Italy", "Italia", "IT", langEN, []string{"Roma", "Milano", "Torino"}},
			{"Spain", "España", "ES", langES, []string{"Madrid", "Sevilla", "Málaga"}},
			{"Austria", "Österreich", "AT", langDE, []string{"Wien", "Graz"}},
			{"Switzerland", "Schweiz", "CH", langDE, []string{"Zürich", "Genève", "Bern"}},
			{"Belgium", "Belgique", "BE", langFR, []string{"Bruxelles", "Liège"}},
			{"Netherlands", "Nederland", "NL", langEN, []string{"Amsterdam", "Den Haag"}},
			{"Poland", "Polska", "PL", langEN, []string{"Warszawa", "Kraków"}},
			{"Sweden", "Sverige", "SE", langEN, []string{"Stockholm", "Malmö", "Göteborg"}},
			{"Denmark", "Danmark", "DK", langEN, []string{"København", "Århus"}},
			{"Finland", "Suomi", "FI", langEN, []string{"Helsinki"}},
			{"Ireland", "Éire", "IE", langEN, []string{"Dublin"}},
			{"Portugal", "República Portuguesa", "PT", langEN, []string{"Lisboa", "Porto"}},
			{"Czechia", "Česko", "CZ", langEN, []string{"Praha", "Brno"}},
			{"Greece", "Ελλάδα", "GR", langEN, []string{"Athína"}},
			{"Hungary", "Magyarország", "HU", langEN, []string{"Budapest"}},
			{"Romania", "România", "RO", langEN, []string{"București"}},
			{"Norway", "Norge", "NO", langEN, []string{"Oslo", "Tromsø"}},
			{"Estonia", "Eesti", "EE", langEN, []string{"Tallinn"}},
			{"Luxembourg", "Lëtzebuerg", "LU", langFR, []string{"Luxembourg"}},
			{"Canada", "Canada", "CA", langEN, []string{"Ottawa", "Montréal", "Toronto"}},
			{"Mexico", "México", "MX", langES, []string{"Ciudad de México", "Guadalajara"}},
			{"Brazil", "Brasil", "BR", langEN, []string{"Brasília", "São Paulo"}},
			{"Argentina", "República Argentina", "AR", langES, []string{"Buenos Aires"}},
			{"Japan", "日本", "JP", langEN, []string{"Tōkyō", "Hiroshima"}},
			{"South Korea", "대한민국", "KR", langEN, []string{"Seoul"}},
			{"China", "中国", "CN", langEN, []string{"Beijing", "Shanghai"}},
			{"India", "भारत", "IN", langEN, []string{"New Delhi", "Bengaluru"}},
			{"Türkiye", "Türkiye Cumhuriyeti", "TR", langEN, []string{"Ankara", "İstanbul"}},
			{"Israel", "ישראל", "IL", langEN, []string{"Tel Aviv"}},
			{"United Arab Emirates", "الإمارات", "AE", langEN, []string{"Abu Dhabi", "Dubai"}},
			{"Saudi Arabia", "السعودية", "SA", langEN, []string{"Riyadh"}},
			{"Singapore", "Singapura", "SG", langEN, []string{"Singapore"}},
			{"Australia", "Commonwealth of Australia", "AU", langEN, []string{"Canberra", "Sydney"}},
			{"Kenya", "Jamhuri ya Kenya", "KE", langEN, []string{"Nairobi"}},
			{"Nigeria", "Nigeria", "NG", langEN, []string{"Abuja", "Lagos"}},
			{"South Africa", "Suid-Afrika", "ZA", langEN, []string{"Pretoria", "Cape Town"}},
		},
		intergov: []intergovOrg{
			{graph.OrgSupranational, "European Union", "Europäische Union"},
			{graph.OrgIntergovernmental, "United Nations", "Vereinte Nationen"},
			{graph.OrgIntergovernmental, "OECD", "Organisation de coopération et de développement économiques"},
			{graph.OrgIntergovernmental, "Council of Europe", "Europarat"},
			{graph.OrgIntergovernmental, "G7", "Gruppe der Sieben"},
			{graph.OrgIntergovernmental, "G20", "Gruppe der Zwanzig"},
			{graph.OrgIntergovernmental, "UNESCO", "Organisation des Nations unies pour l'éducation"},
			{graph.OrgIntergovernmental, "African Union", "Union africaine"},
			{graph.OrgIntergovernmental, "ASEAN", "Association of Southeast Asian Nations"},
			{graph.OrgIntergovernmental, "Global Partnership on AI", "Partenariat mondial sur l'IA"},
			{graph.OrgIntergovernmental, "NATO", "Organisation du traité de l'Atlantique nord"},
		},
		topics: []rootTopic{
			{"ai-regulation",
				[nLang]string{"KI-Regulierung", "AI regulation", "la réglementation de l'intelligence artificielle", "la regulación de la inteligencia artificial"},
				[nLang]string{"die Regulierung künstlicher Intelligenz", "the regulation of artificial intelligence", "la réglementation de l'intelligence artificielle", "la regulación de la inteligencia artificial"},
				"No binding rules; voluntary codes only", "Strict, binding regulation with enforcement"},
			{"data-protection",
				[nLang]string{"Datenschutz", "Data protection", "la protection des données", "la protección de datos"},
				[nLang]string{"einen strengen Datenschutz", "strict data protection", "une protection stricte des données", "una protección estricta de los datos"},
				"Weaker data protection rules", "Stronger data protection rules"},
			{"open-source-ai",
				[nLang]string{"Quelloffene KI-Modelle", "Open-source AI", "les modèles d'IA en source ouverte", "los modelos de IA de código abierto"},
				[nLang]string{"quelloffene KI-Modelle", "open-source AI models", "les modèles d'IA en source ouverte", "los modelos de IA de código abierto"},
				"Restrict the release of model weights", "Open release of model weights"},
			{"ai-safety-research",
				[nLang]string{"KI-Sicherheitsforschung", "AI safety research", "la recherche sur la sûreté de l'IA", "la investigación en seguridad de la IA"},
				[nLang]string{"die öffentliche Förderung der KI-Sicherheitsforschung", "public funding for AI safety research", "le financement public de la recherche sur la sûreté de l'IA", "la financiación pública de la investigación en seguridad de la IA"},
				"No public funding", "Large public funding"},
			{"copyright-training-data",
				[nLang]string{"Urheberrecht und Trainingsdaten", "Copyright and training data", "le droit d'auteur et les données d'entraînement", "los derechos de autor y los datos de entrenamiento"},
				[nLang]string{"eine Vergütungspflicht für Trainingsdaten", "mandatory remuneration for training data", "une rémunération obligatoire des données d'entraînement", "una remuneración obligatoria por los datos de entrenamiento"},
				"Free use of training data", "Licensing and remuneration required"},
			{"facial-recognition",
				[nLang]string{"Gesichtserkennung", "Facial recognition", "la reconnaissance faciale", "el reconocimiento facial"},
				[nLang]string{"ein Verbot der Gesichtserkennung im öffentlichen Raum", "a ban on facial recognition in public spaces", "une interdiction de la reconnaissance faciale dans l'espace public", "una prohibición del reconocimiento facial en espacios públicos"},
				"Unrestricted use", "Complete ban in public spaces"},
			{"chip-export-controls",
				[nLang]string{"Exportkontrollen für Chips", "Chip export controls", "le contrôle des exportations de puces", "el control de las exportaciones de chips"},
				[nLang]string{"strenge Exportkontrollen für Hochleistungschips", "strict export controls on advanced chips", "des contrôles stricts à l'exportation des puces avancées", "controles estrictos a la exportación de chips avanzados"},
				"Free trade in chips", "Strict export controls"},
			{"digital-sovereignty",
				[nLang]string{"Digitale Souveränität", "Digital sovereignty", "la souveraineté numérique", "la soberanía digital"},
				[nLang]string{"die digitale Souveränität Europas", "Europe's digital sovereignty", "la souveraineté numérique de l'Europe", "la soberanía digital de Europa"},
				"Rely on global providers", "Build sovereign capacity"},
			{"platform-liability",
				[nLang]string{"Plattformhaftung", "Platform liability", "la responsabilité des plateformes", "la responsabilidad de las plataformas"},
				[nLang]string{"eine stärkere Haftung der Plattformen", "stronger platform liability", "une responsabilité accrue des plateformes", "una mayor responsabilidad de las plataformas"},
				"Broad liability exemptions", "Full liability for hosted content"},
			{"autonomous-weapons",
				[nLang]string{"Autonome Waffensysteme", "Autonomous weapons", "les systèmes d'armes autonomes", "los sistemas de armas autónomos"},
				[nLang]string{"ein Verbot autonomer Waffensysteme", "a ban on autonomous weapon systems", "une interdiction des systèmes d'armes autonomes", "una prohibición de los sistemas de armas autónomos"},
				"No restrictions", "A binding international ban"},
			{"data-centre-energy",
				[nLang]string{"Energieverbrauch von Rechenzentren", "Data centre energy use", "la consommation d'énergie des centres de données", "el consumo energético de los centros de datos"},
				[nLang]string{"Effizienzvorgaben für Rechenzentren", "efficiency requirements for data centres", "des exigences d'efficacité pour les centres de données", "requisitos de eficiencia para los centros de datos"},
				"No efficiency requirements", "Binding efficiency requirements"},
			{"work-and-ai",
				[nLang]string{"Arbeit und KI", "Work and AI", "le travail et l'IA", "el trabajo y la IA"},
				[nLang]string{"einen Schutzschirm für Beschäftigte im KI-Wandel", "a safety net for workers in the AI transition", "un filet de sécurité pour les travailleurs face à l'IA", "una red de protección para los trabajadores ante la IA"},
				"Leave it to the market", "Strong protection for workers"},
		},
		aspects: [][2]string{
			{"transparency obligations", "Transparenzpflichten"}, {"liability", "Haftung"}, {"enforcement", "Durchsetzung"},
			{"small businesses", "kleine und mittlere Unternehmen"}, {"public sector", "öffentliche Verwaltung"},
			{"children and minors", "Kinder und Jugendliche"}, {"standards", "Normung"}, {"regulatory sandboxes", "Reallabore"},
			{"audits", "Prüfpflichten"}, {"funding", "Förderung"}, {"healthcare", "Gesundheitswesen"}, {"elections", "Wahlen"},
			{"policing", "Polizeiarbeit"}, {"research exemptions", "Forschungsausnahmen"},
			{"international coordination", "internationale Abstimmung"}, {"labelling", "Kennzeichnung"},
		},
		contexts: [][2]string{
			{"in schools", "an Schulen"}, {"in hospitals", "in Krankenhäusern"}, {"at borders", "an Grenzen"},
			{"in finance", "im Finanzwesen"}, {"in the workplace", "am Arbeitsplatz"}, {"in courts", "an Gerichten"},
			{"for start-ups", "für Start-ups"}, {"in municipalities", "in Kommunen"},
		},
		first: []string{
			"Jürgen", "Angela", "Olaf", "Ursula", "Zoë", "François", "Amélie", "José", "Ángela", "Søren",
			"Björn", "Małgorzata", "Łukasz", "Chloé", "Hélène", "Jörg", "Sönke", "Anneliese", "Grégoire", "Inês",
			"João", "Núria", "Dorothée", "Raphaël", "Mehmet", "Ayşe", "Kateřina", "Dušan", "Ingrid", "Maximilian",
			"Friederike", "Mathilde", "Lucía", "Matteo", "Giulia", "Emma", "Liam", "Priya", "Kenji", "Wei",
		},
		last: []string{
			"Müller", "Schmidt", "Schröder", "Weiß", "Groß", "Köhler", "Bäcker", "Dupont", "Lefèvre", "Girard",
			"Núñez", "García", "Rodríguez", "Łukasiewicz", "Kowalski", "Nowak", "Jørgensen", "Andersson", "Öztürk", "Yılmaz",
			"Dvořák", "Novák", "Rossi", "Bianchi", "Esposito", "van den Berg", "de Vries", "Fischer", "Wagner", "Becker",
			"Hoffmann", "Schäfer", "Krüger", "Lindqvist", "O'Brien", "Murphy", "Smith", "Tanaka", "Chen", "Sharma",
		},
		professions: [][2]string{
			{"Politician", "Politikerin"}, {"Member of parliament", "Abgeordneter"}, {"AI researcher", "KI-Forscherin"},
			{"Entrepreneur", "Unternehmer"}, {"Journalist", "Journalistin"}, {"Diplomat", "Diplomat"},
			{"Civil servant", "Beamtin"}, {"Legal scholar", "Rechtswissenschaftler"}, {"Trade unionist", "Gewerkschafterin"},
		},
		// Templates: {kw} is the topic's noun phrase, {why} a reason.
		// Each row holds the same sentence in every language.
		support: [][nLang]string{
			{"Wir unterstützen {kw} ausdrücklich, denn {why}.", "We explicitly support {kw}, because {why}.", "Nous soutenons pleinement {kw}, car {why}.", "Apoyamos plenamente {kw}, porque {why}."},
			{"Es ist höchste Zeit für {kw}; {why}.", "It is high time for {kw}; {why}.", "Il est grand temps de soutenir {kw} ; {why}.", "Ya es hora de apostar por {kw}; {why}."},
		},
		oppose: [][nLang]string{
			{"Wir lehnen {kw} entschieden ab, denn {why}.", "We firmly reject {kw}, because {why}.", "Nous rejetons fermement {kw}, car {why}.", "Rechazamos firmemente {kw}, porque {why}."},
			{"Wir halten {kw} für einen Fehler; {why}.", "We consider {kw} a mistake; {why}.", "Nous considérons {kw} comme une erreur ; {why}.", "Consideramos {kw} un error; {why}."},
		},
		mixed: [][nLang]string{
			{"Wir sehen {kw} mit gemischten Gefühlen, denn {why}.", "We view {kw} with mixed feelings, because {why}.", "Nous regardons {kw} avec des sentiments partagés, car {why}.", "Vemos {kw} con sentimientos encontrados, porque {why}."},
			{"Wir begrüßen {kw} grundsätzlich, aber {why}.", "In principle we welcome {kw}, but {why}.", "Nous saluons {kw} sur le principe, mais {why}.", "En principio acogemos {kw}, pero {why}."},
		},
		neutral: [][nLang]string{
			{"In dieser Frage bleiben wir neutral; {why}.", "On this question we remain neutral; {why}.", "Sur cette question, nous restons neutres ; {why}.", "En esta cuestión nos mantenemos neutrales; {why}."},
		},
		reasons: [][nLang]string{
			{"Innovation und Grundrechte müssen zusammengehen", "innovation and fundamental rights must go together", "l'innovation et les droits fondamentaux doivent aller de pair", "la innovación y los derechos fundamentales deben ir de la mano"},
			{"die Bürgerinnen und Bürger erwarten Schutz vor Missbrauch", "citizens expect protection from abuse", "les citoyens attendent une protection contre les abus", "los ciudadanos esperan protección frente a los abusos"},
			{"kleine Unternehmen dürfen nicht überfordert werden", "small businesses must not be overburdened", "les petites entreprises ne doivent pas être surchargées", "las pequeñas empresas no deben verse desbordadas"},
			{"Europa darf im globalen Wettbewerb nicht zurückfallen", "Europe must not fall behind in global competition", "l'Europe ne doit pas prendre de retard dans la compétition mondiale", "Europa no debe quedarse atrás en la competencia mundial"},
			{"die Risiken sind noch längst nicht verstanden", "the risks are still far from understood", "les risques sont encore loin d'être compris", "los riesgos aún están lejos de comprenderse"},
			{"übermäßige Bürokratie schadet der Forschung", "excessive bureaucracy harms research", "une bureaucratie excessive nuit à la recherche", "la burocracia excesiva perjudica a la investigación"},
			{"die Sicherheit unserer Gesellschaft hat Vorrang", "the security of our society comes first", "la sécurité de notre société passe avant tout", "la seguridad de nuestra sociedad es lo primero"},
			{"offene Standards stärken die digitale Souveränität", "open standards strengthen digital sovereignty", "les normes ouvertes renforcent la souveraineté numérique", "los estándares abiertos refuerzan la soberanía digital"},
		},
		// {topic} is the topic's name in the document's language, {city} and {year}.
		docNames: map[graph.DocType][nLang]string{
			graph.DocDeclaration:  {"Erklärung von {city} zu {topic}", "{city} Declaration on {topic}", "Déclaration de {city} sur {topic}", "Declaración de {city} sobre {topic}"},
			graph.DocLaw:          {"Gesetz über {topic} ({year})", "{topic} Act {year}", "Loi sur {topic} ({year})", "Ley sobre {topic} ({year})"},
			graph.DocSpeech:       {"Rede zu {topic} in {city}", "Speech on {topic} in {city}", "Discours sur {topic} à {city}", "Discurso sobre {topic} en {city}"},
			graph.DocArticle:      {"Streit um {topic}", "The debate over {topic}", "Le débat sur {topic}", "El debate sobre {topic}"},
			graph.DocPressRelease: {"Pressemitteilung: {topic}", "Press release: {topic}", "Communiqué de presse : {topic}", "Nota de prensa: {topic}"},
			graph.DocReport:       {"Bericht zur Lage: {topic} {year}", "Report on {topic} {year}", "Rapport sur {topic} {year}", "Informe sobre {topic} {year}"},
			graph.DocInitiative:   {"Eckpunkte: {topic}", "Initiative paper: {topic}", "Feuille de route : {topic}", "Hoja de ruta: {topic}"},
			graph.DocOther:        {"Notiz zu {topic}", "Note on {topic}", "Note sur {topic}", "Nota sobre {topic}"},
		},
		eventNames: []string{
			"KI-Gipfel {city} {year}", "AI Safety Summit {city} {year}", "Sommet pour l'action sur l'IA {city} {year}",
			"Digital-Gipfel {city} {year}", "Conferencia sobre inteligencia artificial {city} {year}",
			"Ministerial Meeting on Digital Affairs {city} {year}", "Internet Governance Forum {city} {year}",
			"Tagung „Ethik und Algorithmen“ {city} {year}", "Journées de la souveraineté numérique {city} {year}",
		},
		parties: [nLang][2][]string{
			langDE: {{"Partei für", "Bündnis für", "Union für"}, {"Freiheit und Fortschritt", "digitale Zukunft", "soziale Gerechtigkeit", "Mitte und Vernunft", "grüne Erneuerung"}},
			langEN: {{"Party for", "Alliance for"}, {"Digital Freedom", "Progress", "Common Sense", "Green Renewal"}},
			langFR: {{"Parti pour", "Mouvement pour", "Rassemblement pour"}, {"l'avenir numérique", "la démocratie", "le progrès social", "l'écologie"}},
			langES: {{"Partido por", "Movimiento por"}, {"el Progreso", "la Libertad Digital", "la Justicia Social"}},
		},
		companyA: []string{"Nordlicht", "Quantix", "Lumière", "Sonnenberg", "Alpenblick", "Brückner", "Cervantes", "Fjord", "Kranich", "Aurora", "Édelweiss", "Zephyr", "Nébuleuse", "Bärwald", "Ölmühle"},
		companyB: []string{"KI", "Datentechnik", "Systèmes", "Robotics", "Analytics", "Sprachmodelle", "Cloud", "Labs", "Rechenzentren"},
		companyC: []string{"GmbH", "AG", "SA", "SE", "Inc.", "S.p.A.", "B.V.", "SAS", "Ltd"},
		govBody: [nLang][2][]string{
			langDE: {{"Bundesministerium für"}, {"Digitales und Staatsmodernisierung", "Wirtschaft und Klimaschutz", "Bildung und Forschung", "Justiz und Verbraucherschutz", "Inneres"}},
			langEN: {{"Ministry of"}, {"Digital Affairs", "Economy", "Science and Innovation", "Justice", "Home Affairs"}},
			langFR: {{"Ministère de"}, {"l'Économie numérique", "la Recherche", "la Justice", "l'Intérieur"}},
			langES: {{"Ministerio de"}, {"Transformación Digital", "Ciencia e Innovación", "Justicia", "Interior"}},
		},
		agency: [nLang][2][]string{
			langDE: {{"Bundesamt für", "Landesanstalt für"}, {"Sicherheit in der Informationstechnik", "KI-Aufsicht", "Datenschutz und Informationsfreiheit"}},
			langEN: {{"Office for", "Agency for"}, {"AI Safety", "Data Protection", "Cyber Security"}},
			langFR: {{"Agence nationale de", "Commission nationale de"}, {"la sécurité numérique", "l'informatique et des libertés", "l'évaluation des algorithmes"}},
			langES: {{"Agencia de", "Agencia Española de"}, {"Supervisión de la Inteligencia Artificial", "Protección de Datos"}},
		},
		ngo: [nLang][2][]string{
			langDE: {{"Stiftung", "Initiative"}, {"Neue Verantwortung", "Digitale Freiheit", "Algorithmenethik", "Gemeinwohl-KI"}},
			langEN: {{"Center for", "Institute for"}, {"Humane Technology", "AI Accountability", "Digital Rights", "Responsible Computing"}},
			langFR: {{"Association", "Observatoire"}, {"Liberté numérique", "des Droits numériques", "Éthique et Algorithmes"}},
			langES: {{"Fundación", "Observatorio"}, {"Ciudadanía Digital", "Derechos Digitales", "Ética Algorítmica"}},
		},
		media: [nLang][]string{
			langDE: {"{city}er Rundschau", "Tagesblatt {city}", "Allgemeine Zeitung {city}"},
			langEN: {"The {city} Herald", "{city} Tech Review", "The {city} Observer"},
			langFR: {"Le Journal de {city}", "La Gazette de {city}", "Le Courrier numérique"},
			langES: {"El Diario de {city}", "La Crónica de {city}"},
		},
		titles: map[graph.OrgType][]string{
			graph.OrgState:             {"Head of Government", "Bundeskanzlerin", "Président de la République", "Foreign Minister", "Staatssekretär für Digitales"},
			graph.OrgSupranational:     {"Commissioner", "President of the Commission", "Member of the European Parliament", "Vizepräsidentin"},
			graph.OrgIntergovernmental: {"Secretary-General", "Special Envoy on Technology", "Directeur général"},
			graph.OrgGovernmentBody:    {"Minister", "Ministerin für Digitales", "State Secretary", "Directrice de cabinet"},
			graph.OrgParty:             {"Parteivorsitzende", "Party Leader", "Secrétaire générale", "Digitalpolitischer Sprecher"},
			graph.OrgCompany:           {"CEO", "Chief Scientist", "Geschäftsführerin", "Head of Policy", "Directora de Asuntos Públicos"},
			graph.OrgAgency:            {"President", "Präsidentin", "Director"},
			graph.OrgNGO:               {"Executive Director", "Vorständin", "Policy Lead"},
			graph.OrgMedia:             {"Editor-in-Chief", "Chefredakteurin", "Correspondent"},
			graph.OrgOther:             {"Chair", "Vorsitzender"},
		},
		initiatives: [nLang]string{
			"Förderprogramm {topic}", "{topic} Fund", "Initiative nationale pour {topic}", "Plan nacional para {topic}",
		},
		// Words of the reasons, which every graph of some size quotes.
		queries: []string{
			"Grundrechte", "Bürokratie", "Wettbewerb", "Souveränität", "Missbrauch", "überfordert",
			"sécurité", "innovation", "recherche", "investigación", "fundamental rights", "bureaucracy",
		},
	}
}
