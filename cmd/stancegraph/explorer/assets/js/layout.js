// A force-directed layout: springs along edges, Barnes–Hut repulsion
// between all nodes (O(n log n) a step, so thousands of nodes stay
// smooth), a weak pull to the centre, and a cooling "alpha" that ends the
// simulation when it falls below alphaMin. The forces follow the usual
// velocity Verlet scheme of d3-force.

const THETA2 = 0.81; // Barnes–Hut opening criterion, squared
const DIST_MIN2 = 1;

/** Layout holds node positions and velocities in flat arrays. */
export class Layout {
  constructor() {
    this.n = 0;
    this.x = new Float64Array(64);
    this.y = new Float64Array(64);
    this.vx = new Float64Array(64);
    this.vy = new Float64Array(64);
    this.fixed = new Uint8Array(64);
    this.deg = new Float64Array(64);
    this.links = []; // [source index, target index] pairs, flattened
    this.active = []; // per link: 1 if it pulls
    this.alpha = 1;
    this.alphaMin = 0.001;
    this.alphaDecay = 1 - Math.pow(0.001, 1 / 300);
    this.alphaTarget = 0;
    this.charge = -60;
    this.linkDistance = 50;
    this.gravity = 0.04;
    this.decay = 0.6; // velocity kept after each step
    this.ticks = 0;
    this.tree = null; // reused between steps to spare the garbage collector
    this.stack = null;
  }

  grow(need) {
    if (need <= this.x.length) return;
    const size = Math.max(need, this.x.length * 2);
    for (const k of ['x', 'y', 'vx', 'vy', 'deg']) {
      const a = new Float64Array(size);
      a.set(this[k]);
      this[k] = a;
    }
    const f = new Uint8Array(size);
    f.set(this.fixed);
    this.fixed = f;
  }

  /** addNode places a node at (x, y) and returns its index. */
  addNode(x, y) {
    this.grow(this.n + 1);
    const i = this.n++;
    // A little jitter, so that no two nodes start at the same place.
    this.x[i] = x + (Math.random() - 0.5);
    this.y[i] = y + (Math.random() - 0.5);
    this.vx[i] = 0;
    this.vy[i] = 0;
    return i;
  }

  /** addLink joins two node indices with a spring. */
  addLink(s, t) {
    this.links.push(s, t);
    this.active.push(1);
    this.deg[s]++;
    this.deg[t]++;
  }

  /** setActive switches the spring of link l on or off (filtered edge types). */
  setActive(l, on) {
    if (!!this.active[l] === on) return;
    this.active[l] = on ? 1 : 0;
    const s = this.links[2 * l], t = this.links[2 * l + 1];
    const d = on ? 1 : -1;
    this.deg[s] += d;
    this.deg[t] += d;
  }

  /** reheat restarts a cooled simulation. */
  reheat(a = 0.6) {
    this.alpha = Math.max(this.alpha, a);
  }

  /** settled reports whether the simulation has cooled down. */
  get settled() {
    return this.alpha < this.alphaMin && this.alphaTarget === 0;
  }

  /** tick advances the simulation one step. */
  tick() {
    const { n, x, y, vx, vy } = this;
    if (!n) return;
    this.alpha += (this.alphaTarget - this.alpha) * this.alphaDecay;
    const alpha = this.alpha;
    this.ticks++;

    // Springs.
    const L = this.links, deg = this.deg;
    for (let l = 0; l < this.active.length; l++) {
      if (!this.active[l]) continue;
      const s = L[2 * l], t = L[2 * l + 1];
      let dx = x[t] + vx[t] - x[s] - vx[s];
      let dy = y[t] + vy[t] - y[s] - vy[s];
      let d = Math.sqrt(dx * dx + dy * dy) || 1e-6;
      const k = ((d - this.linkDistance) / d) * alpha / Math.max(1, Math.min(deg[s], deg[t]));
      dx *= k;
      dy *= k;
      const b = deg[s] / (deg[s] + deg[t] || 1);
      vx[t] -= dx * b;
      vy[t] -= dy * b;
      vx[s] += dx * (1 - b);
      vy[s] += dy * (1 - b);
    }

    // Repulsion with a Barnes–Hut quadtree.
    const tree = buildTree(this.tree, x, y, n);
    this.tree = tree;
    const strength = this.charge * alpha;
    if (!this.stack || this.stack.length < tree.count * 4 + 16) this.stack = new Int32Array(tree.count * 8 + 16);
    const stack = this.stack;
    for (let i = 0; i < n; i++) {
      let sp = 0;
      stack[sp++] = 0;
      let fx = 0, fy = 0;
      const xi = x[i], yi = y[i];
      while (sp) {
        const c = stack[--sp];
        const m = tree.mass[c];
        if (!m) continue;
        const dx = tree.cx[c] - xi, dy = tree.cy[c] - yi;
        let d2 = dx * dx + dy * dy;
        const w = tree.size[c];
        const body = tree.body[c];
        if (body >= 0 || (w * w) / THETA2 < d2) {
          if (body === i && m === 1) continue;
          if (body === i) {
            // The cell holds i and others at the same place: count the others.
            if (d2 === 0) continue;
          }
          if (d2 < DIST_MIN2) d2 = Math.sqrt(DIST_MIN2 * d2) || 1e-3;
          const k = (strength * (body === i ? m - 1 : m)) / d2;
          fx += dx * k;
          fy += dy * k;
          continue;
        }
        for (let q = 0; q < 4; q++) if (tree.kids[4 * c + q] >= 0) stack[sp++] = tree.kids[4 * c + q];
      }
      vx[i] += fx;
      vy[i] += fy;
    }

    // Pull to the centre, so that separate components stay in view.
    const g = this.gravity * alpha;
    for (let i = 0; i < n; i++) {
      vx[i] -= x[i] * g;
      vy[i] -= y[i] * g;
    }

    // Move.
    const keep = this.decay;
    for (let i = 0; i < n; i++) {
      if (this.fixed[i]) {
        vx[i] = 0;
        vy[i] = 0;
        continue;
      }
      x[i] += vx[i] *= keep;
      y[i] += vy[i] *= keep;
    }
  }
}

/**
 * buildTree puts the points in a quadtree: cells in flat arrays, each with
 * its total mass, centre of mass, side length, one body when it is a leaf
 * and four children otherwise. Points at the same place share a leaf.
 */
function buildTree(old, x, y, n) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    if (x[i] < x0) x0 = x[i];
    if (x[i] > x1) x1 = x[i];
    if (y[i] < y0) y0 = y[i];
    if (y[i] > y1) y1 = y[i];
  }
  const side = Math.max(x1 - x0, y1 - y0, 1) * 1.0001;
  const cap = n * 4 + 8;
  let t = old;
  if (t && t.body.length >= cap) {
    const used = t.count;
    t.kids.fill(-1, 0, used * 4);
    t.body.fill(-1, 0, used);
    t.mass.fill(0, 0, used);
    t.cx.fill(0, 0, used);
    t.cy.fill(0, 0, used);
    t.count = 1;
  } else {
    t = {
      count: 1,
      kids: new Int32Array(cap * 4).fill(-1),
      body: new Int32Array(cap).fill(-1),
      mass: new Float64Array(cap),
      cx: new Float64Array(cap),
      cy: new Float64Array(cap),
      size: new Float64Array(cap),
      ox: new Float64Array(cap),
      oy: new Float64Array(cap),
    };
  }
  t.size[0] = side;
  t.ox[0] = x0;
  t.oy[0] = y0;
  const grow = () => {
    const c2 = t.body.length * 2;
    const re = (a, len, fill) => {
      const b = new a.constructor(len);
      if (fill !== undefined) b.fill(fill);
      b.set(a);
      return b;
    };
    t.kids = re(t.kids, c2 * 4, -1);
    t.body = re(t.body, c2, -1);
    for (const k of ['mass', 'cx', 'cy', 'size', 'ox', 'oy']) t[k] = re(t[k], c2);
  };
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let depth = 0; ; depth++) {
      // Accumulate mass on the way down; centres are divided at the end.
      t.mass[c] += 1;
      t.cx[c] += x[i];
      t.cy[c] += y[i];
      const isLeaf = t.kids[4 * c] === -1 && t.kids[4 * c + 1] === -1 && t.kids[4 * c + 2] === -1 && t.kids[4 * c + 3] === -1;
      if (isLeaf && t.mass[c] === 1) {
        t.body[c] = i;
        break;
      }
      if (isLeaf && (depth > 40 || (x[t.body[c]] === x[i] && y[t.body[c]] === y[i]))) {
        break; // coincident points (or too deep): the leaf keeps them all
      }
      if (isLeaf) {
        // Split: push the existing body one level down.
        const b = t.body[c];
        t.body[c] = -1;
        const q = quad(t, c, x[b], y[b]);
        const k = child(t, c, q, grow);
        t.mass[k] = 1;
        t.cx[k] = x[b];
        t.cy[k] = y[b];
        t.body[k] = b;
      }
      const q = quad(t, c, x[i], y[i]);
      c = child(t, c, q, grow);
    }
  }
  for (let c = 0; c < t.count; c++) {
    if (t.mass[c]) {
      t.cx[c] /= t.mass[c];
      t.cy[c] /= t.mass[c];
    }
  }
  return t;
}

function quad(t, c, px, py) {
  const h = t.size[c] / 2;
  return (px >= t.ox[c] + h ? 1 : 0) + (py >= t.oy[c] + h ? 2 : 0);
}

function child(t, c, q, grow) {
  let k = t.kids[4 * c + q];
  if (k >= 0) return k;
  if (t.count >= t.body.length) grow();
  k = t.count++;
  t.kids[4 * c + q] = k;
  const h = t.size[c] / 2;
  t.size[k] = h;
  t.ox[k] = t.ox[c] + (q & 1 ? h : 0);
  t.oy[k] = t.oy[c] + (q & 2 ? h : 0);
  return k;
}
