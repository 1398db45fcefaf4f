// The explorer: a hash router over the views. Every view is a deep link
// (#/node/person/olaf-scholz, #/topic/topic/ai-regulation, ...), so the
// back and forward buttons and shared links show the same thing.
import { h, clear, errorBox } from './dom.js';
import * as search from './search.js';
import * as entity from './entity.js';
import * as graphView from './graphview.js';
import * as topic from './topic.js';
import * as path from './path.js';
import * as gconsole from './console.js';

// state is what the browser tests read: the current route, whether its
// data has arrived, and the graph view's counts and timings.
const state = { route: '', ready: false, renders: 0, graph: null, firstReady: 0 };
window.__explorer = state;

const routes = [
  { re: /^\/?$/, nav: 'search', view: search.view, params: () => ({}) },
  { re: /^\/search\/(.*)$/, nav: 'search', view: search.view, params: (m) => ({ query: m[1] }) },
  { re: /^\/node\/(.+)$/, nav: '', view: entity.view, params: (m) => ({ id: m[1] }) },
  { re: /^\/graph(?:\/(.+))?$/, nav: 'graph', view: graphView.view, params: (m) => ({ id: m[1] || '' }) },
  { re: /^\/topic(?:\/(.+))?$/, nav: 'topic', view: topic.view, params: (m) => ({ id: m[1] || '' }) },
  { re: /^\/path(?:\/(.+))?$/, nav: 'path', view: path.view, params: (m) => ({ ids: m[1] || '' }) },
  { re: /^\/console$/, nav: 'console', view: gconsole.view, params: () => ({}) },
];

const main = document.getElementById('main');
let cleanup = null;
let typing = false;

function decode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** parse splits a fragment like "/node/doc/x?q=..." into its path and query. */
function parse(hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const i = raw.indexOf('?');
  const p = i < 0 ? raw : raw.slice(0, i);
  const query = new URLSearchParams(i < 0 ? '' : raw.slice(i + 1));
  return { path: p.split('/').map(decode).join('/'), query };
}

const ctx = {
  /** go navigates to a new entry in the history. */
  go(hash) {
    if (location.hash === hash) render(true);
    else location.hash = hash;
  },
  /** replace changes the URL of what is shown without a new history entry or a re-render. */
  replace(hash) {
    if (location.hash !== hash) history.replaceState(null, '', hash);
  },
  /** ready marks the view's data as shown (the tests wait for it). */
  ready() {
    state.ready = true;
    if (!state.firstReady) {
      state.firstReady = performance.now();
      performance.mark('explorer-ready');
    }
    document.body.dataset.ready = 'true';
  },
  state,
  get typing() { return typing; },
};

function render(focusHeading) {
  const { path: p, query } = parse(location.hash);
  if (cleanup) {
    try { cleanup(); } catch (e) { console.warn(e); }
    cleanup = null;
  }
  state.ready = false;
  state.renders++;
  document.body.dataset.ready = 'false';
  state.route = p;
  const r = routes.find((x) => x.re.test(p));
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (r && a.dataset.nav === r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.body.dataset.view = r ? (r.nav || 'node') : 'none';
  if (!r) {
    clear(main, h('h1', { tabindex: '-1' }, 'Not found'), h('p', null, 'There is no view at this address. ', h('a', { href: '#/' }, 'Start over')));
    ctx.ready();
    return;
  }
  try {
    cleanup = r.view(main, { ...r.params(r.re.exec(p)), q: query }, ctx) || null;
  } catch (err) {
    console.warn(err);
    clear(main, errorBox(err));
    ctx.ready();
  }
  // Move focus to the new heading so that keyboard and screen reader
  // users start at the top of what changed, unless they are typing.
  const h1 = main.querySelector('h1');
  if (focusHeading && h1 && !main.contains(document.activeElement)) h1.focus({ preventScroll: true });
}

window.addEventListener('hashchange', () => {
  typing = false;
  render(true);
  window.scrollTo(0, 0);
});
main.addEventListener('input', () => { typing = true; });
render();
probeExports();

// The export buttons link to /export/<format>; they are hidden until the
// server shows that it has them.
async function probeExports() {
  try {
    const res = await fetch('/export/jsonl', { method: 'HEAD' });
    document.getElementById('exports').hidden = res.status === 404 || res.status >= 500;
  } catch {
    document.getElementById('exports').hidden = true;
  }
}
