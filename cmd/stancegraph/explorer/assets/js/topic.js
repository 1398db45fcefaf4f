// The topic view: who stands where on a topic's -1..+1 scale, and how
// the actors align with each other.
import { gql } from './api.js';
import { h, clear, nodeHref, errorBox, positionColor, fmtPosition, encodePath, kindBadge, scaleEnd } from './dom.js';

const TOPICS = `query Topics { topics(first: 200) { edges { node { id name description parent { id } } } } }`;

const TOPIC = `query Topic($id: ID!) {
  topic(id: $id) {
    id name description scale { negative positive } parent { id name } subtopics { id name }
    stances(first: 500) { totalCount edges { node { id name position label holder { id kind name } topic { id name } } } }
  }
  alignment(topic: $id) { a { id name } b { id name } score basis { id } }
}`;

/** view shows one topic, or the list of topics. */
export function view(main, params, ctx) {
  if (!params.id) return list(main, ctx);
  const id = params.id;
  let live = true;
  clear(main, h('h1', { tabindex: '-1' }, id), h('p', { class: 'loading' }, 'Loading…'));
  gql(TOPIC, { id }).then((d) => {
    if (!live) return;
    const t = d.topic;
    if (!t) {
      clear(main, h('h1', { tabindex: '-1' }, 'Not found'), h('p', null, `There is no topic “${id}”. `, h('a', { href: '#/topic' }, 'All topics')));
      return ctx.ready();
    }
    document.title = `${t.name} · stancegraph`;
    const actors = place(t);
    clear(main,
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/topic' }, 'Topics'), t.parent ? [' › ', h('a', { href: '#/topic/' + encodePath(t.parent.id) }, t.parent.name)] : null),
      h('h1', { tabindex: '-1' }, t.name),
      t.description ? h('p', { class: 'lede' }, t.description) : null,
      h('p', { class: 'actions' }, h('a', { class: 'button', href: nodeHref(t.id) }, 'Topic page with all stances'), ' ',
        h('a', { class: 'button', href: '#/graph/' + encodePath(t.id) }, 'Graph')),
      t.subtopics.length ? h('p', null, 'Subtopics: ', t.subtopics.map((s, i) => [i ? ', ' : '', h('a', { href: '#/topic/' + encodePath(s.id) }, s.name)])) : null,
      scale(t, actors),
      heatmap(d.alignment, actors));
    ctx.ready();
  }).catch((err) => {
    if (!live) return;
    clear(main, h('h1', { tabindex: '-1' }, id), errorBox(err));
    ctx.ready();
  });
  return () => { live = false; document.title = 'stancegraph explorer'; };
}

/**
 * place gives each actor one position: the mean of its stances on the
 * topic itself, or, where it has none there, of its stances on subtopics.
 */
function place(t) {
  const by = new Map();
  for (const { node: s } of t.stances.edges) {
    let a = by.get(s.holder.id);
    if (!a) by.set(s.holder.id, (a = { actor: s.holder, direct: [], sub: [] }));
    (s.topic.id === t.id ? a.direct : a.sub).push(s);
  }
  const out = [];
  for (const a of by.values()) {
    const use = a.direct.length ? a.direct : a.sub;
    const pos = use.reduce((x, s) => x + s.position, 0) / use.length;
    out.push({ ...a, position: pos, viaSub: !a.direct.length, basis: use });
  }
  out.sort((a, b) => a.position - b.position || a.actor.name.localeCompare(b.actor.name));
  return out;
}

function scale(t, actors) {
  const track = h('div', { class: 'track' });
  // Rows keep labels from overlapping: an actor goes in the first row
  // whose last marker is far enough to the left.
  const rows = [];
  const items = h('ol', { class: 'markers', 'aria-label': 'Actors from −1 to +1' });
  for (const a of actors) {
    const pct = ((a.position + 1) / 2) * 100;
    let row = rows.findIndex((last) => pct - last >= 22);
    if (row < 0) {
      row = rows.length;
      rows.push(pct);
    } else rows[row] = pct;
    const m = h('li', { class: 'marker' + (pct > 60 ? ' right' : ''), dataset: { actor: a.actor.id, position: String(a.position) } },
      h('span', { class: 'pin', 'aria-hidden': 'true' }),
      h('a', { href: nodeHref(a.actor.id), title: a.basis.map((s) => `${s.name} (${fmtPosition(s.position)}, ${s.topic.name})`).join('\n') }, a.actor.name),
      h('span', { class: 'pos' }, ` ${fmtPosition(a.position)}${a.viaSub ? ' (via subtopics)' : ''}`));
    m.style.left = `${pct}%`;
    m.style.top = `${row * 2.2}rem`;
    m.style.setProperty('--c', positionColor(a.position));
    items.append(m);
  }
  items.style.height = `${Math.max(1, rows.length) * 2.2 + 0.5}rem`;
  track.append(h('span', { class: 'axis', 'aria-hidden': 'true' }), h('span', { class: 'tick0', 'aria-hidden': 'true' }));
  return h('section', { class: 'scale', 'aria-labelledby': 'scale-h' },
    h('h2', { id: 'scale-h' }, 'Who stands where'),
    actors.length ? null : h('p', { class: 'hint' }, 'No stances on this topic yet.'),
    h('div', { class: 'ends' },
      h('p', { class: 'neg' }, h('strong', null, '−1 means '), scaleEnd(t.scale.negative)),
      h('p', { class: 'pos' }, h('strong', null, '+1 means '), scaleEnd(t.scale.positive))),
    track, items,
    h('table', { class: 'positions' },
      h('caption', null, 'Positions and the stances behind them'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Actor'), h('th', { scope: 'col' }, 'Position'), h('th', { scope: 'col' }, 'Stances'))),
      h('tbody', null, actors.map((a) => h('tr', null,
        h('th', { scope: 'row' }, h('a', { href: nodeHref(a.actor.id) }, a.actor.name), ' ', kindBadge(a.actor.kind)),
        h('td', { class: 'num' }, fmtPosition(a.position)),
        h('td', null, a.basis.map((s, i) => [i ? '; ' : '', h('a', { href: nodeHref(s.id) }, s.name), ` (${fmtPosition(s.position)}${s.topic.id === t.id ? '' : ', ' + s.topic.name})`])))))));
}

function heatmap(al, actors) {
  if (!al.length) return h('section', { class: 'heat' }, h('h2', null, 'Alignment'), h('p', { class: 'hint' }, 'Alignment needs two actors with stances on this topic.'));
  const order = actors.map((a) => a.actor);
  for (const x of al) for (const n of [x.a, x.b]) if (!order.some((o) => o.id === n.id)) order.push(n);
  const score = new Map();
  for (const x of al) {
    score.set(x.a.id + '\n' + x.b.id, x.score);
    score.set(x.b.id + '\n' + x.a.id, x.score);
  }
  return h('section', { class: 'heat', 'aria-labelledby': 'heat-h' },
    h('h2', { id: 'heat-h' }, 'Alignment'),
    h('p', { class: 'hint' }, '1 − |difference of positions|, averaged over the pairs of stances: −1 opposed, +1 agree.'),
    h('div', { class: 'scroll' }, h('table', { class: 'heatmap' },
      h('thead', null, h('tr', null, h('td'), order.map((o) => h('th', { scope: 'col' }, h('span', null, o.name))))),
      h('tbody', null, order.map((r) => h('tr', null,
        h('th', { scope: 'row' }, h('a', { href: nodeHref(r.id) }, r.name)),
        order.map((c) => {
          if (r.id === c.id) return h('td', { class: 'self' }, '—');
          const s = score.get(r.id + '\n' + c.id);
          if (s == null) return h('td', { class: 'none' }, '');
          const td = h('td', { title: `${r.name} and ${c.name}: ${s.toFixed(2)}` }, s.toFixed(2));
          td.style.background = positionColor(s);
          return td;
        })))))));
}

function list(main, ctx) {
  clear(main, h('h1', { tabindex: '-1' }, 'Topics'), h('p', { class: 'loading' }, 'Loading…'));
  gql(TOPICS).then((d) => {
    const all = d.topics.edges.map((e) => e.node);
    const kids = (pid) => all.filter((t) => (t.parent ? t.parent.id : null) === pid);
    const tree = (pid) => {
      const ks = kids(pid);
      return ks.length ? h('ul', { class: 'tree' }, ks.map((t) => h('li', null,
        h('a', { href: '#/topic/' + encodePath(t.id) }, t.name), t.description ? h('span', { class: 'hint' }, ' — ' + t.description) : null, tree(t.id)))) : null;
    };
    clear(main, h('h1', { tabindex: '-1' }, 'Topics'), h('p', { class: 'lede' }, 'Pick a topic to see the actors on its scale and how they align.'), tree(null));
    ctx.ready();
  }).catch((err) => {
    clear(main, h('h1', { tabindex: '-1' }, 'Topics'), errorBox(err));
    ctx.ready();
  });
}
