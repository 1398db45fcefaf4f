// The GraphQL console: the README's example queries, variables, run,
// a pretty result and readable errors.
import { raw } from './api.js';
import { h, clear } from './dom.js';

/** view shows the console. Ctrl+Enter (or ⌘+Enter) runs the query. */
export function view(main, params, ctx) {
  const examples = h('select', { id: 'examples' }, h('option', { value: '' }, 'Loading examples…'));
  const query = h('textarea', { id: 'query', rows: '12', spellcheck: 'false', autocapitalize: 'off', class: 'code' });
  const vars = h('textarea', { id: 'variables', rows: '4', spellcheck: 'false', autocapitalize: 'off', class: 'code', placeholder: '{ "id": "person/olaf-scholz" }' });
  const status = h('p', { id: 'console-status', class: 'hint', role: 'status' });
  const errors = h('div', { id: 'console-errors' });
  const out = h('pre', { id: 'result', class: 'code result', tabindex: '0', 'aria-label': 'Result' });
  const run = h('button', { type: 'submit', class: 'primary' }, 'Run');
  let list = [];
  let ctl = null;

  async function exec() {
    let variables = {};
    clear(errors);
    if (vars.value.trim()) {
      try {
        variables = JSON.parse(vars.value);
      } catch (e) {
        errors.append(errList([{ message: `The variables are not valid JSON: ${e.message}`, extensions: { code: 'BAD_USER_INPUT' } }]));
        return;
      }
    }
    if (ctl) ctl.abort();
    ctl = new AbortController();
    status.textContent = 'Running…';
    run.disabled = true;
    const t0 = performance.now();
    try {
      const { status: code, body } = await raw(query.value, variables, ctl.signal);
      const ms = Math.round(performance.now() - t0);
      status.textContent = `HTTP ${code} in ${ms} ms${body.errors ? `, ${body.errors.length} error${body.errors.length === 1 ? '' : 's'}` : ''}`;
      if (body.errors && body.errors.length) errors.append(errList(body.errors));
      out.textContent = JSON.stringify(body.data !== undefined ? body.data : body, null, 2);
      out.dataset.ok = String(!body.errors);
    } catch (err) {
      if (err.name === 'AbortError') return;
      status.textContent = 'The request failed.';
      errors.append(errList([{ message: err.message }]));
    } finally {
      run.disabled = false;
    }
  }

  const form = h('form', { class: 'console', onsubmit: (e) => { e.preventDefault(); exec(); } },
    h('div', { class: 'searchbox' }, h('label', { for: 'examples' }, 'Example queries'), examples),
    h('div', { class: 'searchbox' }, h('label', { for: 'query' }, 'Query'), query),
    h('div', { class: 'searchbox' }, h('label', { for: 'variables' }, 'Variables (JSON)'), vars),
    h('p', null, run, ' ', h('span', { class: 'hint' }, 'Ctrl+Enter runs the query.')));
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      exec();
    }
  });
  examples.addEventListener('change', () => {
    const ex = list[Number(examples.value)];
    if (!ex) return;
    query.value = ex.query;
    vars.value = ex.variables ? JSON.stringify(ex.variables, null, 2) : '';
  });
  clear(main, h('h1', { tabindex: '-1' }, 'GraphQL console'),
    h('p', { class: 'lede' }, 'Ask the API anything the contract allows. Queries go to ', h('code', null, 'POST /graphql'), '.'),
    h('div', { class: 'console-grid' }, form, h('section', { 'aria-labelledby': 'result-h' }, h('h2', { id: 'result-h' }, 'Result'), status, errors, out)));

  let live = true;
  fetch('/examples.json').then((r) => r.json()).then((xs) => {
    if (!live) return;
    list = xs;
    clear(examples, xs.map((x, i) => h('option', { value: String(i) }, x.title)));
    examples.dispatchEvent(new Event('change'));
    ctx.ready();
  }).catch(() => {
    clear(examples, h('option', { value: '' }, 'No examples'));
    ctx.ready();
  });
  return () => { live = false; if (ctl) ctl.abort(); };
}

function errList(errs) {
  return h('div', { class: 'error', role: 'alert' }, h('strong', null, errs.length === 1 ? 'Error' : `${errs.length} errors`),
    h('ul', null, errs.map((e) => h('li', null,
      e.extensions && e.extensions.code ? [h('code', { class: 'code' }, e.extensions.code), ' '] : null,
      e.message,
      e.path ? h('span', { class: 'hint' }, ` at ${e.path.join('.')}`) : null,
      e.locations && e.locations.length ? h('span', { class: 'hint' }, ` (line ${e.locations[0].line}, column ${e.locations[0].column})`) : null))));
}
