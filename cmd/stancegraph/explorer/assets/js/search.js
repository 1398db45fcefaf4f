// Search as you type: the home view, and the pickers of the path finder.
import { gql } from './api.js';
import { h, clear, snippet, nodeHref, kindBadge, kindLabel, announce, errorBox, encodePath } from './dom.js';

const SEARCH = `query Search($q: String!, $kinds: [NodeKind!], $first: Int) {
  search(query: $q, kinds: $kinds, first: $first) { score snippet node { id kind name } }
}`;

const BROWSE = `query Browse {
  topics(first: 50) { edges { node { id name parent { id } } } }
  people(first: 50) { edges { node { id name } } }
  organizations(first: 50) { edges { node { id name } } }
  documents(first: 50) { edges { node { id name } } }
  events(first: 50) { edges { node { id name } } }
  initiatives(first: 50) { edges { node { id name } } }
}`;

const KINDS = ['PERSON', 'ORGANIZATION', 'TOPIC', 'STANCE', 'DOCUMENT', 'EVENT', 'INITIATIVE'];
let uid = 0;

/**
 * searchBox is a combobox: type to search, arrows to move through the
 * hits, Enter to pick one. opts: label, placeholder, kinds, value,
 * inline (hits stay listed below, with snippets) and onPick(node), and
 * onQuery(q) called as the text changes.
 */
export function searchBox(opts) {
  const id = `sb${++uid}`;
  const input = h('input', {
    id: `${id}-input`, type: 'search', autocomplete: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': `${id}-list`,
    placeholder: opts.placeholder || 'Scholz, Regulierung, Paris…', value: opts.value || '',
  });
  const kindSel = opts.inline ? h('select', { id: `${id}-kind`, 'aria-label': 'Only this kind' },
    h('option', { value: '' }, 'All kinds'), KINDS.map((k) => h('option', { value: k }, kindLabel(k)))) : null;
  const list = h('ul', { id: `${id}-list`, role: 'listbox', class: opts.inline ? 'hits inline' : 'hits popup', 'aria-label': 'Search results', hidden: true });
  const count = h('p', { class: 'hint', 'aria-live': 'polite' });
  const el = h('div', { class: 'searchbox' + (opts.inline ? ' big' : '') },
    h('label', { for: input.id }, opts.label || 'Search'),
    h('div', { class: 'row' }, input, kindSel),
    opts.inline ? count : null, list);
  let hits = [];
  let active = -1;
  let ctl = null;
  let timer = 0;

  const setActive = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const close = () => {
    if (opts.inline) return;
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  };
  const pick = (i) => {
    const hit = hits[i];
    if (!hit) return;
    if (!opts.inline) {
      input.value = hit.node.name;
      close();
    }
    opts.onPick(hit.node);
  };
  const render = (q) => {
    clear(list, hits.map((hit, i) => {
      const li = h('li', { id: `${id}-o${i}`, role: 'option', 'aria-selected': 'false', dataset: { id: hit.node.id } },
        h('a', { href: nodeHref(hit.node.id), tabindex: '-1' }, hit.node.name), ' ', kindBadge(hit.node.kind),
        opts.inline && hit.snippet ? h('div', { class: 'snippet' }, snippet(hit.snippet)) : null);
      li.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the input
      li.addEventListener('click', (e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        pick(i);
      });
      return li;
    }));
    const shown = hits.length > 0 || (opts.inline && q);
    list.hidden = !shown;
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (q && !hits.length) list.append(h('li', { class: 'none', role: 'presentation' }, `Nothing found for “${q}”.`));
    const msg = q ? `${hits.length} result${hits.length === 1 ? '' : 's'} for “${q}”` : '';
    count.textContent = msg;
    if (!opts.inline && q) announce(msg);
    setActive(-1);
  };
  const run = async () => {
    const q = input.value.trim();
    if (opts.onQuery) opts.onQuery(q);
    if (ctl) ctl.abort();
    if (!q) {
      hits = [];
      render('');
      if (opts.inline) list.hidden = true;
      return;
    }
    ctl = new AbortController();
    const kinds = kindSel && kindSel.value ? [kindSel.value] : (opts.kinds || null);
    try {
      const data = await gql(SEARCH, { q, kinds, first: opts.inline ? 30 : 8 }, ctl.signal);
      hits = data.search;
      render(q);
    } catch (err) {
      if (err.name === 'AbortError') return;
      clear(list, h('li', { role: 'presentation' }, errorBox(err)));
      list.hidden = false;
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  if (kindSel) kindSel.addEventListener('change', run);
  input.addEventListener('keydown', (e) => {
    const n = hits.length;
    if (e.key === 'ArrowDown' && n) {
      e.preventDefault();
      if (list.hidden) render(input.value.trim());
      setActive((active + 1) % n);
    } else if (e.key === 'ArrowUp' && n) {
      e.preventDefault();
      setActive(active <= 0 ? n - 1 : active - 1);
    } else if (e.key === 'Enter') {
      if (n) {
        e.preventDefault();
        pick(active >= 0 ? active : 0);
      }
    } else if (e.key === 'Escape') {
      if (!opts.inline && !list.hidden) {
        e.preventDefault();
        close();
      }
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  return { el, input, run, setValue(v) { input.value = v; } };
}

/** view is the home page: search as you type, and everything to browse. */
export function view(main, params, ctx) {
  const q = params.query || '';
  const box = searchBox({
    inline: true,
    label: 'Search people, organizations, topics, stances and documents',
    value: q,
    onPick: (node) => ctx.go(nodeHref(node.id)),
    onQuery: (s) => ctx.replace(s ? '#/search/' + encodeURIComponent(s) : '#/'),
  });
  const browse = h('section', { class: 'browse', 'aria-labelledby': 'browse-h' }, h('h2', { id: 'browse-h' }, 'Browse'), h('p', { class: 'loading' }, 'Loading…'));
  clear(main,
    h('h1', { tabindex: '-1' }, 'Who stands where on AI regulation?'),
    h('p', { class: 'lede' }, 'Search the stance graph as you type — accents and case do not matter. Every stance links to its source.'),
    box.el, browse);
  if (q) box.run();
  if (!ctx.typing) box.input.focus({ preventScroll: true });
  gql(BROWSE).then((d) => {
    const group = (title, conn, href) => h('div', { class: 'group' }, h('h3', null, title),
      h('ul', null, conn.edges.map(({ node }) => h('li', null, h('a', { href: href(node.id) }, node.name)))));
    clear(browse, h('h2', { id: 'browse-h' }, 'Browse'), h('div', { class: 'groups' },
      group('Topics', d.topics, (id) => '#/topic/' + encodePath(id)),
      group('People', d.people, nodeHref),
      group('Organizations', d.organizations, nodeHref),
      group('Documents', d.documents, nodeHref),
      group('Events', d.events, nodeHref),
      group('Initiatives', d.initiatives, nodeHref)));
    ctx.ready();
  }).catch((err) => {
    clear(browse, errorBox(err));
    ctx.ready();
  });
}
