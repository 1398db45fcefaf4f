// The graph view: a node's neighbourhood drawn on a canvas with a force
// layout. Click a node to expand it, drag nodes, drag the background to
// pan, scroll to zoom, filter by edge type. Keyboard: arrows move between
// nodes, Enter expands, O opens the page, + and - zoom, F fits.
import { gql } from './api.js';
import { h, clear, nodeHref, kindLabel, kindBadge, errorBox, announce, KIND_COLORS, positionColor, encodePath, fmtPosition } from './dom.js';
import { Layout } from './layout.js';
import { searchBox } from './search.js';

const HOOD = `query Hood($id: ID!, $limit: Int) {
  neighborhood(id: $id, depth: 1, limit: $limit) {
    truncated
    nodes { id kind name ... on Stance { position } }
    edges { id type role from { id } to { id } }
  }
}`;

const PLAIN_EDGE = 'rgba(120,130,145,0.55)';

/** view draws the neighbourhood of params.id. */
export function view(main, params, ctx) {
  if (!params.id) return picker(main, ctx);
  const rootId = params.id;
  const limit = Math.min(Math.max(parseInt(params.q.get('limit') || '500', 10) || 500, 1), 500);
  const canvas = h('canvas', {
    class: 'graph', tabindex: '0', role: 'application', 'aria-roledescription': 'graph',
    'aria-label': 'Graph. Arrow keys move between nodes, Enter expands the selected node, O opens its page, plus and minus zoom, F fits the graph.',
    'aria-describedby': 'graph-info',
  });
  const info = h('section', { id: 'graph-info', class: 'panel', 'aria-live': 'polite' }, h('p', { class: 'hint' }, 'Select a node: click it, or focus the graph and use the arrow keys.'));
  const legend = h('section', { class: 'panel legend', 'aria-labelledby': 'legend-h' });
  const nodeFilter = h('input', { type: 'search', id: 'node-filter', placeholder: 'Filter by name', autocomplete: 'off' });
  const nodeList = h('ul', { class: 'nodelist' });
  const note = h('p', { class: 'hint', id: 'graph-note' }, 'Loading…');
  const zoomBtn = (label, text, fn) => h('button', { type: 'button', 'aria-label': label, onclick: fn }, text);
  const wrap = h('div', { class: 'canvas-wrap' }, canvas,
    h('div', { class: 'zoom' }, zoomBtn('Zoom in', '+', () => zoomBy(1.4)), zoomBtn('Zoom out', '−', () => zoomBy(1 / 1.4)), zoomBtn('Fit the graph', 'Fit', () => { userMoved = false; fit(); })));
  clear(main,
    h('h1', { tabindex: '-1' }, 'Neighbourhood of ', h('a', { href: nodeHref(rootId), id: 'graph-root' }, rootId)),
    note,
    h('div', { class: 'graph-layout' }, wrap,
      h('aside', { class: 'graph-side', 'aria-label': 'Graph details' }, info, legend,
        h('section', { class: 'panel' }, h('h2', null, h('label', { for: 'node-filter' }, 'Nodes')), nodeFilter, nodeList))));

  // The model.
  const L = new Layout();
  const nodes = [];
  const byId = new Map();
  const edges = [];
  const edgeIds = new Set();
  const typeCount = new Map();
  const hidden = new Set();
  const expanded = new Set();
  let visible = new Uint8Array(0);
  let truncated = false;
  let selected = null;
  let hover = null;
  let k = 1, tx = 0, ty = 0;
  let autoFit = true;
  let userMoved = false; // the user zoomed or panned: stop fitting the view for them
  let raf = 0;
  let settleStart = 0;
  let settleTick = 0, settleFrame = 0, layoutMs = 0;
  let alive = true;
  let cssW = 0, cssH = 0;
  const stats = { nodes: 0, edges: 0, visibleNodes: 0, visibleEdges: 0, settled: false, settleMs: 0, ticks: 0, frames: 0, expanded: [], truncated: false, loading: 0, expand: (id) => expand(id), select: (id) => select(byId.get(id)), frontier, relayout };
  ctx.state.graph = stats;

  // frontier lists the nodes not expanded yet, hubs first (for tests and
  // for growing big graphs from the console).
  function frontier() {
    const rank = { ORGANIZATION: 0, TOPIC: 1, EVENT: 2, DOCUMENT: 3, PERSON: 4, INITIATIVE: 5, STANCE: 6 };
    return nodes.filter((n) => !expanded.has(n.id)).sort((a, b) => (b.edges.length - a.edges.length) || (rank[a.kind] - rank[b.kind])).map((n) => n.id);
  }

  // relayout starts the layout from scratch, scattering the nodes.
  function relayout() {
    const r = Math.sqrt(nodes.length) * 20;
    for (const n of nodes) {
      const a = Math.random() * Math.PI * 2, d = Math.sqrt(Math.random()) * r;
      L.x[n.i] = Math.cos(a) * d;
      L.y[n.i] = Math.sin(a) * d;
      L.vx[n.i] = 0;
      L.vy[n.i] = 0;
    }
    L.alpha = 1;
    settleStart = performance.now();
    settleTick = L.ticks;
    settleFrame = stats.frames;
    layoutMs = 0;
    stats.settled = false;
    userMoved = false;
    autoFit = true;
    schedule();
  }

  function addData(sub, around) {
    const ax = around ? L.x[around.i] : 0;
    const ay = around ? L.y[around.i] : 0;
    for (const n of sub.nodes) {
      if (byId.has(n.id)) continue;
      const a = Math.random() * Math.PI * 2;
      const r = around ? 20 + Math.random() * 40 : Math.random() * 200;
      const node = { id: n.id, kind: n.kind, name: n.name, position: n.position, i: L.addNode(ax + Math.cos(a) * r, ay + Math.sin(a) * r), edges: [], shown: 0 };
      nodes.push(node);
      byId.set(n.id, node);
    }
    for (const e of sub.edges) {
      if (edgeIds.has(e.id)) continue;
      const s = byId.get(e.from.id), t = byId.get(e.to.id);
      if (!s || !t) continue;
      edgeIds.add(e.id);
      const st = s.kind === 'STANCE' ? s : t.kind === 'STANCE' ? t : null;
      const edge = { id: e.id, type: e.type, role: e.role, s, t, l: L.active.length, color: st && st.position != null ? positionColor(Math.round(st.position * 10) / 10) : PLAIN_EDGE };
      L.addLink(s.i, t.i);
      if (hidden.has(e.type)) L.setActive(edge.l, false);
      edges.push(edge);
      s.edges.push(edge);
      t.edges.push(edge);
      typeCount.set(e.type, (typeCount.get(e.type) || 0) + 1);
    }
    truncated = truncated || sub.truncated;
    recompute();
  }

  function recompute() {
    visible = new Uint8Array(nodes.length);
    let ve = 0;
    for (const n of nodes) n.shown = 0;
    for (const e of edges) {
      if (hidden.has(e.type)) continue;
      e.s.shown++;
      e.t.shown++;
      visible[e.s.i] = 1;
      visible[e.t.i] = 1;
      ve++;
    }
    for (const id of expanded) if (byId.has(id)) visible[byId.get(id).i] = 1;
    if (byId.has(rootId)) visible[byId.get(rootId).i] = 1;
    let vn = 0;
    for (let j = 0; j < visible.length; j++) vn += visible[j];
    Object.assign(stats, { nodes: nodes.length, edges: edges.length, visibleNodes: vn, visibleEdges: ve, truncated, expanded: [...expanded] });
    canvas.dataset.nodes = String(vn);
    canvas.dataset.edges = String(ve);
    if (selected && !visible[selected.i]) selected = null;
    renderLegend();
    renderNodeList();
  }

  async function expand(id) {
    if (expanded.has(id)) return;
    expanded.add(id);
    stats.loading++;
    note.textContent = 'Loading…';
    try {
      const d = await gql(HOOD, { id, limit });
      if (!alive) return;
      const around = byId.get(id);
      const before = nodes.length;
      addData(d.neighborhood, around);
      if (!byId.has(id)) throw new Error(`nothing has the id “${id}”`);
      if (id === rootId) {
        const root = byId.get(id);
        document.getElementById('graph-root').textContent = root.name;
        document.title = `Graph: ${root.name} · stancegraph`;
      }
      const added = nodes.length - before;
      L.reheat(before === 0 ? 1 : 0.5);
      autoFit = !userMoved;
      settleStart = performance.now();
      settleTick = L.ticks;
      settleFrame = stats.frames;
      layoutMs = 0;
      stats.settled = false;
      note.textContent = `${stats.visibleNodes} nodes, ${stats.visibleEdges} edges${truncated ? ' (some neighbourhoods were cut at ' + limit + ' nodes)' : ''}. Click a node to expand it.`;
      announce(`${added} new nodes around ${byId.get(id).name}`);
      const extra = [...expanded].filter((x) => x !== rootId);
      ctx.replace('#/graph/' + encodePath(rootId) + (extra.length ? '?x=' + extra.map(encodeURIComponent).join(',') : ''));
      schedule();
    } catch (err) {
      expanded.delete(id);
      if (!alive) return;
      note.replaceChildren(errorBox(err));
    } finally {
      stats.loading--;
    }
  }

  // Drawing.
  function resize() {
    const r = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    if (r.width === cssW && r.height === cssH && canvas.width === Math.round(r.width * dpr)) return;
    if (!cssW) {
      tx = r.width / 2;
      ty = r.height / 2;
    } else {
      tx += (r.width - cssW) / 2;
      ty += (r.height - cssH) / 2;
    }
    cssW = r.width;
    cssH = r.height;
    canvas.width = Math.round(r.width * dpr);
    canvas.height = Math.round(r.height * dpr);
    schedule();
  }

  // radius grows with the edges shown, and never gets smaller than a
  // few pixels on screen however far the view is zoomed out.
  function radius(n) {
    return Math.max(4 + Math.min(10, Math.sqrt(n.shown) * 1.5), 2.5 / k);
  }

  function fit(animate) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of nodes) {
      if (!visible[n.i]) continue;
      x0 = Math.min(x0, L.x[n.i]); x1 = Math.max(x1, L.x[n.i]);
      y0 = Math.min(y0, L.y[n.i]); y1 = Math.max(y1, L.y[n.i]);
    }
    if (!isFinite(x0) || !cssW) return;
    const pad = 40;
    const nk = Math.min(2, (cssW - 2 * pad) / Math.max(x1 - x0, 1), (cssH - 2 * pad) / Math.max(y1 - y0, 1));
    const ntx = cssW / 2 - ((x0 + x1) / 2) * nk, nty = cssH / 2 - ((y0 + y1) / 2) * nk;
    // While the layout runs, the view follows it smoothly; at the end, and
    // when asked, it fits at once.
    const u = animate === false ? 0.25 : 1;
    k += (nk - k) * u;
    tx += (ntx - tx) * u;
    ty += (nty - ty) * u;
    schedule();
  }

  function zoomBy(f, cx = cssW / 2, cy = cssH / 2) {
    const nk = Math.max(0.05, Math.min(8, k * f));
    tx = cx - ((cx - tx) * nk) / k;
    ty = cy - ((cy - ty) * nk) / k;
    k = nk;
    autoFit = false;
    userMoved = true;
    schedule();
  }

  // The layout runs in its own loop of short slices (a MessageChannel
  // message each, which is not clamped like setTimeout), so that it gets
  // the CPU between frames; frames only draw. Both stop when it settles.
  const pump = new MessageChannel();
  let pumping = false;
  pump.port1.onmessage = () => {
    pumping = false;
    if (!alive || L.settled) return;
    const t0 = performance.now();
    const n0 = L.ticks;
    do L.tick(); while (!L.settled && performance.now() - t0 < 12);
    stats.tickMs = (performance.now() - t0) / Math.max(1, L.ticks - n0);
    stats.ticks = L.ticks;
    layoutMs += performance.now() - t0;
    if (L.settled && autoFit) fit('snap');
    if (L.settled && settleStart) {
      stats.layoutMs = Math.round(layoutMs);
      stats.settleMs = Math.round(performance.now() - settleStart);
      stats.settleTicks = L.ticks - settleTick;
      stats.settleFrames = stats.frames + 1 - settleFrame;
      stats.settled = true;
      settleStart = 0;
    }
    schedule();
  };

  function schedule() {
    if (!alive) return;
    if (!raf) raf = requestAnimationFrame(frame);
    if (!L.settled && !pumping) {
      pumping = true;
      pump.port2.postMessage(0);
    }
  }

  let lastDraw = 0;
  function frame(now) {
    raf = 0;
    if (!alive) return;
    // While a big graph settles, every frame drawn costs the layout time
    // (the page is re-rasterized): draw about ten times a second then.
    if (!L.settled && nodes.length > 500 && now - lastDraw < 100 && !drag) {
      raf = requestAnimationFrame(frame);
      return;
    }
    lastDraw = now;
    resize();
    if (autoFit && !L.settled) fit(false);
    const d0 = performance.now();
    draw();
    stats.drawMs = performance.now() - d0;
    stats.frames++;
  }

  function draw() {
    const g = canvas.getContext('2d');
    const dpr = canvas.width / (cssW || 1);
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.setTransform(dpr * k, 0, 0, dpr * k, dpr * tx, dpr * ty);
    const X = L.x, Y = L.y;
    const focus = hover || selected;

    // Edges, one path per colour.
    const buckets = new Map();
    for (const e of edges) {
      if (hidden.has(e.type)) continue;
      let b = buckets.get(e.color);
      if (!b) buckets.set(e.color, (b = []));
      b.push(e);
    }
    g.lineWidth = 1.2 / k;
    for (const [color, list] of buckets) {
      g.strokeStyle = color;
      g.beginPath();
      for (const e of list) {
        g.moveTo(X[e.s.i], Y[e.s.i]);
        g.lineTo(X[e.t.i], Y[e.t.i]);
      }
      g.stroke();
    }
    if (focus) {
      g.lineWidth = 2.5 / k;
      for (const e of focus.edges) {
        if (hidden.has(e.type)) continue;
        g.strokeStyle = e.color === PLAIN_EDGE ? '#334' : e.color;
        g.beginPath();
        g.moveTo(X[e.s.i], Y[e.s.i]);
        g.lineTo(X[e.t.i], Y[e.t.i]);
        g.stroke();
        arrow(g, e);
      }
    }

    // Nodes, one path per kind.
    const byKind = new Map();
    for (const n of nodes) {
      if (!visible[n.i]) continue;
      let b = byKind.get(n.kind);
      if (!b) byKind.set(n.kind, (b = []));
      b.push(n);
    }
    g.lineWidth = 1.5 / k;
    g.strokeStyle = '#fff';
    for (const [kind, list] of byKind) {
      g.fillStyle = KIND_COLORS[kind] || '#555';
      g.beginPath();
      for (const n of list) {
        const r = radius(n);
        g.moveTo(X[n.i] + r, Y[n.i]);
        g.arc(X[n.i], Y[n.i], r, 0, Math.PI * 2);
      }
      g.fill();
      g.stroke();
    }
    // Expanded nodes get a dark ring, the selected one a thick one.
    g.strokeStyle = '#1d232a';
    g.lineWidth = 1.5 / k;
    g.beginPath();
    for (const id of expanded) {
      const n = byId.get(id);
      if (!n || !visible[n.i]) continue;
      const r = radius(n) + 2 / k;
      g.moveTo(X[n.i] + r, Y[n.i]);
      g.arc(X[n.i], Y[n.i], r, 0, Math.PI * 2);
    }
    g.stroke();
    for (const n of [selected, hover]) {
      if (!n) continue;
      g.lineWidth = (n === selected ? 3.5 : 2) / k;
      g.strokeStyle = n === selected ? '#e4572e' : '#1d232a';
      g.beginPath();
      g.arc(X[n.i], Y[n.i], radius(n) + 4 / k, 0, Math.PI * 2);
      g.stroke();
    }

    // Labels: all of them when few or zoomed in, else the focus and its neighbours.
    const fs = 12 / k;
    g.font = `${fs}px system-ui, sans-serif`;
    g.textBaseline = 'middle';
    g.lineJoin = 'round';
    const vx0 = -tx / k, vy0 = -ty / k, vx1 = (cssW - tx) / k, vy1 = (cssH - ty) / k;
    const inView = (n) => X[n.i] >= vx0 && X[n.i] <= vx1 && Y[n.i] >= vy0 && Y[n.i] <= vy1;
    const label = (n, bold) => {
      const text = n.name.length > 40 ? n.name.slice(0, 38) + '…' : n.name;
      const x = X[n.i] + radius(n) + 3 / k, y = Y[n.i];
      g.font = `${bold ? '600 ' : ''}${fs}px system-ui, sans-serif`;
      g.lineWidth = 3 / k;
      g.strokeStyle = 'rgba(255,255,255,0.9)';
      g.strokeText(text, x, y);
      g.fillStyle = '#1d232a';
      g.fillText(text, x, y);
    };
    const many = stats.visibleNodes > 60 && k < 1.6;
    if (!many) for (const n of nodes) if (visible[n.i] && inView(n)) label(n);
    if (focus) {
      for (const e of focus.edges) if (!hidden.has(e.type)) label(e.s === focus ? e.t : e.s);
      label(focus, true);
    }
    // Edge labels: on the focus's edges, or all when zoomed in far.
    g.font = `${10 / k}px system-ui, sans-serif`;
    g.textAlign = 'center';
    const edgeLabel = (e) => {
      const x = (X[e.s.i] + X[e.t.i]) / 2, y = (Y[e.s.i] + Y[e.t.i]) / 2;
      const text = e.role ? `${e.type} (${e.role})` : e.type;
      g.lineWidth = 3 / k;
      g.strokeStyle = 'rgba(255,255,255,0.9)';
      g.strokeText(text, x, y);
      g.fillStyle = '#4a5563';
      g.fillText(text, x, y);
    };
    if (focus) for (const e of focus.edges) if (!hidden.has(e.type)) edgeLabel(e);
    if (k >= 2.2) for (const e of edges) if (!hidden.has(e.type) && (!focus || (e.s !== focus && e.t !== focus)) && inView(e.s) && inView(e.t)) edgeLabel(e);
    g.textAlign = 'start';
  }

  function arrow(g, e) {
    const x0 = L.x[e.s.i], y0 = L.y[e.s.i], x1 = L.x[e.t.i], y1 = L.y[e.t.i];
    const d = Math.hypot(x1 - x0, y1 - y0) || 1;
    const ux = (x1 - x0) / d, uy = (y1 - y0) / d;
    const r = radius(e.t) + 2 / k;
    const px = x1 - ux * r, py = y1 - uy * r, s = 7 / k;
    g.fillStyle = g.strokeStyle;
    g.beginPath();
    g.moveTo(px, py);
    g.lineTo(px - ux * s - uy * s * 0.5, py - uy * s + ux * s * 0.5);
    g.lineTo(px - ux * s + uy * s * 0.5, py - uy * s - ux * s * 0.5);
    g.closePath();
    g.fill();
  }

  // Interaction.
  const toWorld = (ev) => {
    const r = canvas.getBoundingClientRect();
    return { sx: ev.clientX - r.left, sy: ev.clientY - r.top, x: (ev.clientX - r.left - tx) / k, y: (ev.clientY - r.top - ty) / k };
  };
  function nodeAt(p) {
    let best = null, bd = Infinity;
    for (const n of nodes) {
      if (!visible[n.i]) continue;
      const dx = L.x[n.i] - p.x, dy = L.y[n.i] - p.y;
      const d = dx * dx + dy * dy;
      const r = radius(n) + 3 / k;
      if (d < r * r && d < bd) {
        best = n;
        bd = d;
      }
    }
    return best;
  }
  let drag = null;
  canvas.addEventListener('pointerdown', (ev) => {
    const p = toWorld(ev);
    const n = nodeAt(p);
    drag = { n, sx: p.sx, sy: p.sy, tx, ty, moved: false };
    canvas.setPointerCapture(ev.pointerId);
    if (n) {
      L.fixed[n.i] = 1;
      L.alphaTarget = 0.2;
      L.reheat(0.2);
      schedule();
    }
  });
  canvas.addEventListener('pointermove', (ev) => {
    const p = toWorld(ev);
    if (drag) {
      if (Math.hypot(p.sx - drag.sx, p.sy - drag.sy) > 4) drag.moved = true;
      if (drag.n) {
        L.x[drag.n.i] = p.x;
        L.y[drag.n.i] = p.y;
        autoFit = false;
      } else if (drag.moved) {
        tx = drag.tx + p.sx - drag.sx;
        ty = drag.ty + p.sy - drag.sy;
        autoFit = false;
        userMoved = true;
      }
      schedule();
      return;
    }
    const n = nodeAt(p);
    if (n !== hover) {
      hover = n;
      canvas.style.cursor = n ? 'pointer' : 'grab';
      schedule();
    }
  });
  const endDrag = () => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (d.n) {
      L.fixed[d.n.i] = 0;
      L.alphaTarget = 0;
    }
    if (!d.moved) {
      if (d.n) {
        select(d.n);
        expand(d.n.id);
      } else select(null);
    }
    schedule();
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('pointerleave', () => {
    if (hover) {
      hover = null;
      schedule();
    }
  });
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const p = toWorld(ev);
    zoomBy(Math.exp(-ev.deltaY * 0.0015), p.sx, p.sy);
  }, { passive: false });
  canvas.addEventListener('dblclick', () => {
    userMoved = false;
    fit();
  });
  canvas.addEventListener('keydown', (ev) => {
    const dirs = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    if (dirs[ev.key]) {
      ev.preventDefault();
      if (!selected) return select(byId.get(rootId) || nodes[0], true);
      const [dx, dy] = dirs[ev.key];
      let best = null, bs = Infinity;
      for (const n of nodes) {
        if (!visible[n.i] || n === selected) continue;
        const ox = L.x[n.i] - L.x[selected.i], oy = L.y[n.i] - L.y[selected.i];
        const along = ox * dx + oy * dy;
        if (along <= 0) continue;
        const across = Math.abs(ox * dy - oy * dx);
        const score = along + 2 * across;
        if (score < bs) {
          bs = score;
          best = n;
        }
      }
      if (best) select(best, true);
    } else if ((ev.key === 'Enter' || ev.key === ' ') && selected) {
      ev.preventDefault();
      expand(selected.id);
    } else if ((ev.key === 'o' || ev.key === 'O') && selected) {
      ctx.go(nodeHref(selected.id));
    } else if (ev.key === '+' || ev.key === '=') zoomBy(1.25);
    else if (ev.key === '-') zoomBy(0.8);
    else if (ev.key === 'f' || ev.key === 'F' || ev.key === '0') {
      userMoved = false;
      fit();
    }
    else if (ev.key === 'Escape') select(null);
  });

  function center(n) {
    const x = L.x[n.i] * k + tx, y = L.y[n.i] * k + ty;
    if (x < 30 || y < 30 || x > cssW - 30 || y > cssH - 30) {
      tx = cssW / 2 - L.x[n.i] * k;
      ty = cssH / 2 - L.y[n.i] * k;
      autoFit = false;
    }
  }

  function select(n, keyboard) {
    selected = n || null;
    if (n && keyboard) center(n);
    schedule();
    if (!n) {
      clear(info, h('p', { class: 'hint' }, 'Select a node: click it, or focus the graph and use the arrow keys.'));
      return;
    }
    const conns = n.edges.filter((e) => !hidden.has(e.type));
    clear(info,
      h('h2', null, n.name, ' ', kindBadge(n.kind)),
      n.position != null ? h('p', null, 'Position ', fmtPosition(n.position)) : null,
      h('p', { class: 'actions' },
        h('a', { class: 'button', href: nodeHref(n.id) }, 'Open page'), ' ',
        expanded.has(n.id) ? h('span', { class: 'hint' }, 'Expanded') : h('button', { type: 'button', onclick: () => expand(n.id) }, 'Expand'), ' ',
        h('a', { class: 'button', href: '#/graph/' + encodePath(n.id) }, 'Centre here')),
      h('p', { class: 'hint' }, `${conns.length} connection${conns.length === 1 ? '' : 's'} shown`),
      h('ul', { class: 'conns' }, conns.slice(0, 40).map((e) => {
        const out = e.s === n;
        const other = out ? e.t : e.s;
        return h('li', null, out ? '→ ' : '← ', h('code', null, e.type), e.role ? ` (${e.role}) ` : ' ',
          h('a', { href: nodeHref(other.id) }, other.name));
      })));
    if (keyboard) announce(`${n.name}, ${kindLabel(n.kind)}, ${conns.length} connections`);
  }

  function renderLegend() {
    const types = [...typeCount.keys()].sort();
    clear(legend, h('h2', { id: 'legend-h' }, 'Legend'),
      h('ul', { class: 'kinds' }, Object.keys(KIND_COLORS).map((kd) => {
        const sw = h('span', { class: 'swatch' });
        sw.style.background = KIND_COLORS[kd];
        return h('li', null, sw, kindLabel(kd));
      })),
      h('p', { class: 'stance-scale' }, h('span', null, 'Stance edges: opposes'), h('span', { class: 'gradient', 'aria-hidden': 'true' }), h('span', null, 'supports')),
      h('fieldset', { class: 'types' }, h('legend', null, 'Edge types shown'),
        types.map((t) => h('label', null,
          h('input', { type: 'checkbox', checked: !hidden.has(t), value: t, onchange: (ev) => toggleType(t, ev.target.checked) }),
          ` ${t} `, h('span', { class: 'count' }, `(${typeCount.get(t)})`)))));
  }

  function toggleType(t, on) {
    if (on) hidden.delete(t);
    else hidden.add(t);
    for (const e of edges) if (e.type === t) L.setActive(e.l, on);
    recompute();
    L.reheat(0.3);
    settleStart = performance.now();
    settleTick = L.ticks;
    settleFrame = stats.frames;
    layoutMs = 0;
    stats.settled = false;
    note.textContent = `${stats.visibleNodes} nodes, ${stats.visibleEdges} edges shown.`;
    if (selected) select(selected);
    schedule();
  }

  function renderNodeList() {
    const f = nodeFilter.value.trim().toLowerCase();
    const list = nodes.filter((n) => visible[n.i] && (!f || n.name.toLowerCase().includes(f)));
    list.sort((a, b) => a.name.localeCompare(b.name));
    clear(nodeList, list.slice(0, 200).map((n) => h('li', null,
      h('button', { type: 'button', class: 'linklike', onclick: () => { select(n, true); expand(n.id); } }, n.name), ' ', kindBadge(n.kind))),
    list.length > 200 ? h('li', { class: 'hint' }, `and ${list.length - 200} more: filter by name`) : null);
  }
  nodeFilter.addEventListener('input', renderNodeList);

  const ro = new ResizeObserver(() => resize());
  ro.observe(canvas);
  resize();
  const extra = (params.q.get('x') || '').split(',').filter(Boolean);
  expand(rootId).then(async () => {
    for (const id of extra) await expand(id);
    ctx.ready();
  });

  return () => {
    alive = false;
    pump.port1.close();
    ro.disconnect();
    if (raf) cancelAnimationFrame(raf);
    ctx.state.graph = null;
    document.title = 'stancegraph explorer';
  };
}

function picker(main, ctx) {
  const box = searchBox({ label: 'Start from', onPick: (n) => ctx.go('#/graph/' + encodePath(n.id)) });
  clear(main, h('h1', { tabindex: '-1' }, 'Graph'), h('p', null, 'Pick a node to draw its neighbourhood.'), box.el);
  ctx.ready();
}
