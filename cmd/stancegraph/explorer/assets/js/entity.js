// Entity pages: one per kind, every fact with its source.
import { gql } from './api.js';
import { h, clear, nodeHref, kindBadge, kindLabel, errorBox, positionColor, fmtPosition, encodePath, scaleEnd } from './dom.js';

const QUERY = `
fragment Src on Source { document { id name language } quote locator }
fragment Ref on Node { id kind name }
fragment StanceRow on Stance {
  id name position label confidence summary statedAt
  holder { id kind name } topic { id name }
  event { id kind name } onBehalfOf { id kind name }
  quotes { text language translation translationLanguage source { id name } }
  sources { ...Src }
}
query Entity($id: ID!) {
  node(id: $id) {
    id kind name origin sources { ...Src }
    ... on Person {
      aliases description
      offices { title validFrom validTo organization { id kind name } sources { ...Src } }
      memberships { ...Ref }
      stances(first: 100) { totalCount edges { node { ...StanceRow } } }
      attended { ...Ref } announced { ...Ref }
    }
    ... on Organization {
      aliases orgType: type description country
      officeHolders { ...Ref } members { ...Ref } memberOf { ...Ref }
      signed { ...Ref } didNotSign { ...Ref } announced { ...Ref }
      stances(first: 100) { totalCount edges { node { ...StanceRow } } }
    }
    ... on Topic {
      description scale { negative positive } parent { ...Ref } subtopics { ...Ref }
      stances(first: 100) { totalCount edges { node { ...StanceRow } } }
    }
    ... on Stance { ...StanceRow supersedes { ...Ref } respondsTo { ...Ref } }
    ... on Document {
      docType: type publishedAt url language text publisher { ...Ref } event { ...Ref }
      signatories { ...Ref } nonSignatories { ...Ref } mentions { ...Ref }
    }
    ... on Event {
      startDate endDate location host { ...Ref } participants { ...Ref } documents { ...Ref }
      stances(first: 100) { totalCount edges { node { ...StanceRow } } }
    }
    ... on Initiative { description amount { amount currency } announcedAt announcedBy { ...Ref } funders { ...Ref } }
  }
}`;

const human = (s) => String(s || '').toLowerCase().replace(/_/g, ' ');

/** link is a link to a node's page. */
function link(n) {
  return n ? h('a', { href: nodeHref(n.id) }, n.name) : null;
}

function refList(title, nodes, empty) {
  if (!nodes || (!nodes.length && !empty)) return null;
  return h('section', { class: 'facts' }, h('h2', null, title, ' ', h('span', { class: 'count' }, `(${nodes.length})`)),
    nodes.length ? h('ul', { class: 'refs' }, nodes.map((n) => h('li', null, link(n), ' ', kindBadge(n.kind)))) : h('p', { class: 'hint' }, empty));
}

/**
 * sourceItem shows one source: the document and the locator, both linking
 * to the document's page with the quoted words marked, and the words.
 */
function sourceItem(s) {
  const href = nodeHref(s.document.id) + (s.quote ? '?q=' + encodeURIComponent(s.quote) : '');
  return h('li', { class: 'source' },
    h('a', { href }, s.document.name),
    s.locator ? [', ', h('a', { href, class: 'locator', 'aria-label': `${s.locator} in ${s.document.name}` }, s.locator)] : null,
    s.quote ? [' ', h('details', null, h('summary', null, 'exact words'), h('blockquote', { lang: s.document.language || null }, s.quote))] : null);
}

/** sources lists the documents backing a fact. */
export function sources(list, title) {
  if (!list || !list.length) return null;
  return h('div', { class: 'sources' }, h('h4', null, title || (list.length === 1 ? 'Source:' : 'Sources:')), h('ul', null, list.map(sourceItem)));
}

/** positionMeter draws a position on the -1..+1 scale. */
export function positionMeter(p, label) {
  const bar = h('span', { class: 'meter', role: 'meter', 'aria-valuemin': '-1', 'aria-valuemax': '1', 'aria-valuenow': String(p), 'aria-label': `position ${fmtPosition(p)}${label ? ', ' + human(label) : ''}` });
  const dot = h('span', { class: 'dot' });
  dot.style.left = `${((p + 1) / 2) * 100}%`;
  dot.style.background = positionColor(p);
  bar.append(h('span', { class: 'zero' }), dot);
  return bar;
}

/** quote shows the original words with a toggle to the translation. */
function quote(q) {
  const orig = h('blockquote', { lang: q.language, class: 'orig' }, q.text);
  if (!q.translation) return h('figure', { class: 'quote' }, orig, h('figcaption', null, `Original (${q.language})`, q.source ? [' · ', link(q.source)] : null));
  const tr = h('blockquote', { lang: q.translationLanguage || 'en', class: 'trans', hidden: true }, q.translation);
  const cap = h('span', null, `Original (${q.language})`);
  const btn = h('button', { type: 'button', class: 'toggle', 'aria-pressed': 'false' }, `Show translation (${q.translationLanguage || 'en'})`);
  btn.addEventListener('click', () => {
    const showTr = tr.hidden;
    tr.hidden = !showTr;
    orig.hidden = showTr;
    btn.setAttribute('aria-pressed', String(showTr));
    btn.textContent = showTr ? `Show original (${q.language})` : `Show translation (${q.translationLanguage || 'en'})`;
    cap.textContent = showTr ? `Translation (${q.translationLanguage || 'en'})` : `Original (${q.language})`;
  });
  return h('figure', { class: 'quote' }, orig, tr, h('figcaption', null, cap, q.source ? [' · ', link(q.source)] : null, ' ', btn));
}

/** stanceCard shows one stance: who, on what, where on the scale, the quotes and sources. */
export function stanceCard(s, opts = {}) {
  return h('article', { class: 'stance', dataset: { id: s.id, position: String(s.position) } },
    h('h3', null, link(s)),
    h('p', { class: 'meta' },
      opts.hideHolder ? null : [link(s.holder), ' on '],
      h('a', { href: '#/topic/' + encodePath(s.topic.id) }, s.topic.name), ' ',
      positionMeter(s.position, s.label), ' ',
      h('span', { class: `label ${human(s.label)}` }, `${human(s.label)} ${fmtPosition(s.position)}`),
      h('span', { class: 'conf' }, ` · confidence ${Math.round(s.confidence * 100)}%`),
      s.statedAt ? ` · ${s.statedAt}` : null,
      s.event ? [' · at ', link(s.event)] : null,
      s.onBehalfOf ? [' · for ', link(s.onBehalfOf)] : null),
    s.summary ? h('p', { class: 'summary' }, s.summary) : null,
    (s.quotes || []).map(quote),
    sources(s.sources));
}

function stancesSection(conn, opts) {
  if (!conn) return null;
  const list = conn.edges.map((e) => e.node);
  return h('section', { class: 'stances' }, h('h2', null, 'Stances ', h('span', { class: 'count' }, `(${conn.totalCount})`)),
    list.length ? list.map((s) => stanceCard(s, opts)) : h('p', { class: 'hint' }, 'No stances recorded.'));
}

function dl(pairs) {
  const rows = pairs.filter(([, v]) => v != null && v !== '' && !(Array.isArray(v) && !v.length));
  if (!rows.length) return null;
  return h('dl', { class: 'props' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function money(m) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: m.currency, maximumFractionDigits: 0 }).format(m.amount);
  } catch {
    return `${m.amount} ${m.currency}`;
  }
}

function docText(n, highlight) {
  if (!n.text) return null;
  const body = h('div', { class: 'doctext', lang: n.language || null });
  const i = highlight ? n.text.indexOf(highlight) : -1;
  if (i >= 0) body.append(n.text.slice(0, i), h('mark', { id: 'quoted', tabindex: '-1' }, highlight), n.text.slice(i + highlight.length));
  else body.append(n.text);
  return h('details', { class: 'text', open: i >= 0 }, h('summary', null, 'Full text'), body);
}

function byKind(n, q) {
  switch (n.kind) {
    case 'PERSON':
      return [
        dl([['Also known as', n.aliases.join(', ')], ['Origin', n.origin]]),
        n.offices.length ? h('section', { class: 'facts' }, h('h2', null, 'Offices'), h('ul', { class: 'refs' }, n.offices.map((o) => h('li', null,
          o.title, ', ', link(o.organization),
          o.validFrom || o.validTo ? ` (${o.validFrom || '…'} – ${o.validTo || '…'})` : null,
          sources(o.sources))))) : null,
        refList('Member of', n.memberships),
        stancesSection(n.stances, { hideHolder: true }),
        refList('Attended', n.attended),
        refList('Announced', n.announced),
      ];
    case 'ORGANIZATION':
      return [
        dl([['Type', human(n.orgType)], ['Country', n.country], ['Also known as', n.aliases.join(', ')], ['Origin', n.origin]]),
        refList('Office holders', n.officeHolders),
        refList('Members', n.members),
        refList('Member of', n.memberOf),
        refList('Signed', n.signed),
        refList('Refused to sign', n.didNotSign),
        stancesSection(n.stances, { hideHolder: true }),
        refList('Announced', n.announced),
      ];
    case 'TOPIC':
      return [
        h('p', null, h('a', { class: 'button', href: '#/topic/' + encodePath(n.id) }, 'See who stands where on this topic')),
        dl([['−1 means', scaleEnd(n.scale.negative)], ['+1 means', scaleEnd(n.scale.positive)], ['Part of', link(n.parent)], ['Origin', n.origin]]),
        refList('Subtopics', n.subtopics),
        stancesSection(n.stances),
      ];
    case 'STANCE':
      return [
        stanceCard(n),
        dl([['Supersedes', link(n.supersedes)], ['Responds to', n.respondsTo.length ? n.respondsTo.map((r, i) => [i ? ', ' : '', link(r)]) : null], ['Origin', n.origin]]),
      ];
    case 'DOCUMENT':
      return [
        dl([['Type', human(n.docType)], ['Published', n.publishedAt], ['Language', n.language], ['Publisher', link(n.publisher)], ['Issued at', link(n.event)],
          ['Original', n.url ? h('a', { href: n.url, rel: 'noopener noreferrer', target: '_blank' }, n.url) : null], ['Origin', n.origin]]),
        refList('Signatories', n.signatories),
        refList('Did not sign', n.nonSignatories),
        refList('Mentions', n.mentions),
        docText(n, q.get('q')),
      ];
    case 'EVENT':
      return [
        dl([['When', [n.startDate, n.endDate && n.endDate !== n.startDate ? n.endDate : null].filter(Boolean).join(' – ')], ['Where', n.location], ['Host', link(n.host)], ['Origin', n.origin]]),
        refList('Participants', n.participants),
        refList('Documents', n.documents),
        stancesSection(n.stances),
      ];
    case 'INITIATIVE':
      return [
        dl([['Amount', n.amount ? money(n.amount) : null], ['Announced', n.announcedAt], ['Origin', n.origin]]),
        refList('Announced by', n.announcedBy),
        refList('Funders', n.funders),
      ];
    default:
      return null;
  }
}

/** view shows the page of one node. */
export function view(main, params, ctx) {
  const id = params.id;
  clear(main, h('h1', { tabindex: '-1' }, id), h('p', { class: 'loading' }, 'Loading…'));
  let live = true;
  gql(QUERY, { id }).then((d) => {
    if (!live) return;
    const n = d.node;
    if (!n) {
      clear(main, h('h1', { tabindex: '-1' }, 'Not found'), h('p', null, `Nothing has the id “${id}”. `, h('a', { href: '#/' }, 'Search')));
      ctx.ready();
      return;
    }
    document.title = `${n.name} · stancegraph`;
    clear(main,
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/' }, 'Search'), ' › ', kindLabel(n.kind)),
      h('header', { class: 'entity' },
        h('h1', { tabindex: '-1' }, n.name, ' ', kindBadge(n.kind)),
        n.kind !== 'STANCE' && n.description ? h('p', { class: 'lede' }, n.description) : null,
        h('p', { class: 'actions' },
          h('a', { class: 'button', href: '#/graph/' + encodePath(n.id) }, 'Graph of its neighbourhood'), ' ',
          h('a', { class: 'button', href: '#/path/' + encodePath(n.id) }, 'Find a path from here'))),
      byKind(n, params.q),
      sources(n.sources, `Sources of this ${kindLabel(n.kind).toLowerCase()}:`));
    const m = document.getElementById('quoted');
    if (m) m.scrollIntoView({ block: 'center' });
    ctx.ready();
  }).catch((err) => {
    if (!live) return;
    clear(main, h('h1', { tabindex: '-1' }, id), errorBox(err));
    ctx.ready();
  });
  return () => { live = false; document.title = 'stancegraph explorer'; };
}
