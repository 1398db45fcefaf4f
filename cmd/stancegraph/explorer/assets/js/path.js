// The path finder: the shortest chain of facts between two entities,
// drawn and explained in English.
import { gql } from './api.js';
import { h, clear, nodeHref, kindBadge, errorBox, encodePath, KIND_COLORS, announce } from './dom.js';
import { searchBox } from './search.js';

const PATH = `query Path($from: ID!, $to: ID!, $maxDepth: Int) {
  path(from: $from, to: $to, maxDepth: $maxDepth) {
    length explanation
    nodes { id kind name }
    edges { id type role from { id } to { id } }
  }
  a: node(id: $from) { id name }
  b: node(id: $to) { id name }
}`;

/** splitIds reads "kind/slug/kind/slug" (each id being "<kind>/<slug>"). */
function splitIds(s) {
  const parts = s.split('/');
  if (parts.length >= 4) return [parts.slice(0, 2).join('/'), parts.slice(2).join('/')];
  if (parts.length >= 2) return [parts.slice(0, 2).join('/'), ''];
  return ['', ''];
}

/** view shows the finder and, when the URL names two ids, their path. */
export function view(main, params, ctx) {
  const [from, to] = splitIds(params.ids);
  const depth = params.q.get('maxDepth') || '6';
  const chosen = { from, to };
  const go = () => {
    if (!chosen.from || !chosen.to) {
      result.replaceChildren(h('p', { class: 'hint' }, 'Pick both ends first.'));
      return;
    }
    ctx.go('#/path/' + encodePath(chosen.from) + '/' + encodePath(chosen.to) + (sel.value !== '6' ? '?maxDepth=' + sel.value : ''));
  };
  const a = searchBox({ label: 'From', placeholder: 'e.g. Vance', onPick: (n) => { chosen.from = n.id; } });
  const b = searchBox({ label: 'To', placeholder: 'e.g. Guterres', onPick: (n) => { chosen.to = n.id; } });
  a.input.id = 'path-from';
  b.input.id = 'path-to';
  a.el.querySelector('label').htmlFor = 'path-from';
  b.el.querySelector('label').htmlFor = 'path-to';
  const sel = h('select', { id: 'path-depth' }, [1, 2, 3, 4, 5, 6, 7, 8].map((d) => h('option', { value: String(d), selected: String(d) === depth }, String(d))));
  const result = h('section', { class: 'path-result', 'aria-live': 'polite', 'aria-labelledby': 'path-h' });
  const form = h('form', { class: 'pathform', onsubmit: (e) => { e.preventDefault(); go(); } },
    a.el, b.el,
    h('div', { class: 'searchbox' }, h('label', { for: 'path-depth' }, 'At most (edges)'), sel),
    h('button', { type: 'submit', class: 'primary' }, 'Find path'));
  clear(main, h('h1', { tabindex: '-1' }, 'Path finder'),
    h('p', { class: 'lede' }, 'How are two entities connected? The shortest chain of sourced facts between them.'),
    form, result);
  if (!from || !to) {
    ctx.ready();
    return null;
  }
  let live = true;
  result.append(h('p', { class: 'loading' }, 'Looking…'));
  gql(PATH, { from, to, maxDepth: Number(depth) }).then((d) => {
    if (!live) return;
    if (d.a) a.setValue(d.a.name);
    if (d.b) b.setValue(d.b.name);
    const na = d.a ? d.a.name : from, nb = d.b ? d.b.name : to;
    if (!d.path) {
      clear(result, h('h2', { id: 'path-h' }, 'No path'), h('p', null, `No path of at most ${depth} edges joins ${na} and ${nb}.`));
    } else {
      clear(result, h('h2', { id: 'path-h' }, `${na} → ${nb}: ${d.path.length} step${d.path.length === 1 ? '' : 's'}`),
        drawing(d.path),
        h('h3', null, 'In words'),
        h('ol', { class: 'explanation' }, d.path.explanation.map((s) => h('li', null, s))),
        h('p', null, h('a', { class: 'button', href: '#/graph/' + encodePath(from) + '?x=' + encodeURIComponent(to) }, 'Open both in the graph view')));
      announce(`Path of ${d.path.length} steps found`);
    }
    document.title = `${na} → ${nb} · stancegraph`;
    ctx.ready();
  }).catch((err) => {
    if (!live) return;
    clear(result, h('h2', { id: 'path-h' }, 'No path'), errorBox(err));
    ctx.ready();
  });
  return () => { live = false; document.title = 'stancegraph explorer'; };
}

/** drawing shows the path as a chain of nodes joined by labelled arrows. */
function drawing(p) {
  const items = [];
  p.nodes.forEach((n, i) => {
    const box = h('li', { class: 'pnode' }, h('a', { href: nodeHref(n.id) }, n.name), ' ', kindBadge(n.kind));
    box.style.setProperty('--kind', KIND_COLORS[n.kind] || '#555');
    items.push(box);
    const e = p.edges[i];
    if (!e) return;
    const forward = e.from.id === n.id;
    items.push(h('li', { class: 'pedge' + (forward ? '' : ' back'), 'aria-label': `${forward ? 'to' : 'from'} the next: ${e.type}` },
      h('span', { class: 'arrow', 'aria-hidden': 'true' }, forward ? '→' : '←'), ' ', h('code', null, e.type), e.role ? ` (${e.role})` : null));
  });
  return h('ol', { class: 'pathdraw', 'aria-label': 'The path' }, items);
}
