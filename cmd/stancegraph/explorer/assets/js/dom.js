// Small DOM helpers. Text from the API only ever enters the page as text
// nodes (never as HTML), so nothing it contains can run.

/**
 * h builds an element: h('a', {href: '#/'}, 'text', child). Attributes
 * starting with "on" become listeners; null, false and undefined children
 * and attributes are skipped; arrays are flattened.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'hidden' || k === 'checked' || k === 'disabled' || k === 'selected') el[k] = !!v;
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** clear empties an element and fills it with the children. */
export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * snippet renders a search snippet whose matches are marked [[like this]]
 * as text with <mark> elements.
 */
export function snippet(s) {
  const frag = document.createDocumentFragment();
  let rest = String(s || '');
  while (rest) {
    const i = rest.indexOf('[[');
    const j = i < 0 ? -1 : rest.indexOf(']]', i + 2);
    if (i < 0 || j < 0) {
      frag.append(rest);
      break;
    }
    if (i > 0) frag.append(rest.slice(0, i));
    frag.append(h('mark', null, rest.slice(i + 2, j)));
    rest = rest.slice(j + 2);
  }
  return frag;
}

/** nodeHref is the explorer link of a node's page. */
export function nodeHref(id) {
  return '#/node/' + encodePath(id);
}

/** encodePath escapes an id for a URL fragment, keeping its slash readable. */
export function encodePath(id) {
  return String(id).split('/').map(encodeURIComponent).join('/');
}

/** announce tells screen readers what just changed. */
export function announce(msg) {
  const s = document.getElementById('status');
  if (!s) return;
  s.textContent = '';
  // A new text node in a later task is announced even when it repeats.
  setTimeout(() => { s.textContent = msg; }, 30);
}

/** errorBox shows an error (a GraphQLError or any other) readably. */
export function errorBox(err) {
  const list = err && err.errors && err.errors.length ? err.errors : [{ message: String(err && err.message || err) }];
  return h('div', { class: 'error', role: 'alert' },
    h('strong', null, 'Something went wrong'),
    h('ul', null, list.map((e) => h('li', null,
      e.extensions && e.extensions.code ? h('code', { class: 'code' }, e.extensions.code) : null,
      ' ', e.message))));
}

/** kindLabel is a readable name of a NodeKind. */
export function kindLabel(kind) {
  return { PERSON: 'Person', ORGANIZATION: 'Organization', TOPIC: 'Topic', STANCE: 'Stance', DOCUMENT: 'Document', EVENT: 'Event', INITIATIVE: 'Initiative' }[kind] || kind;
}

/** KIND_COLORS colour nodes by kind, in the graph and the badges alike. */
export const KIND_COLORS = {
  PERSON: '#1f77b4', ORGANIZATION: '#7b4ea3', TOPIC: '#e08e0b', STANCE: '#6c757d',
  DOCUMENT: '#8c564b', EVENT: '#17a2b8', INITIATIVE: '#d63384',
};

/** positionColor maps a position in -1..+1 to red (opposes) .. green (supports). */
export function positionColor(p) {
  const t = Math.max(0, Math.min(1, (Number(p) + 1) / 2));
  // red (200,40,40) -> amber (220,170,30) -> green (30,150,70)
  const lerp = (a, b, u) => Math.round(a + (b - a) * u);
  const [c0, c1, u] = t < 0.5 ? [[200, 40, 40], [214, 160, 30], t * 2] : [[214, 160, 30], [30, 140, 70], (t - 0.5) * 2];
  return `rgb(${lerp(c0[0], c1[0], u)},${lerp(c0[1], c1[1], u)},${lerp(c0[2], c1[2], u)})`;
}

/** kindBadge is a small coloured label of a node's kind. */
export function kindBadge(kind) {
  const b = h('span', { class: 'badge' }, kindLabel(kind));
  b.style.setProperty('--kind', KIND_COLORS[kind] || '#555');
  return b;
}

/** fmtPosition prints a position with its sign. */
export function fmtPosition(p) {
  const n = Number(p);
  return (n > 0 ? '+' : n < 0 ? '−' : '±') + Math.abs(n).toFixed(2);
}

/** scaleEnd is a scale's description without a leading "-1 means" or "+1 means". */
export function scaleEnd(s) {
  return String(s || '').replace(/^\s*[-+−]?1\s+means\s+/i, '');
}
