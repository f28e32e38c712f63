// Latent explorer: projector, generator pad and run charts over the JSON API of `latent serve`.
// Plain JavaScript, no libraries. What the page has done is kept in `window.explorerState`
// (and mirrored on <body data-…>) so a browser test can check it.
"use strict";

const $ = (id) => document.getElementById(id);
const state = (window.explorerState = {
  points: 0, drawn: 0, hovered: -1, selected: -1, neighbors: 0, decoded: 0, strips: 0,
  jobState: "", iteration: 0, frames: 0, frameMs: 0, maxFrameMs: 0, drawMs: 0, charts: 0, errors: 0,
});
function publish() {
  for (const [k, v] of Object.entries(state)) document.body.dataset[k] = String(v);
}

// Colours for labels 0…9 (then repeated); unlabelled points are grey.
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const RGB = PALETTE.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));

async function api(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { message = (await response.json()).error.message; } catch (e) { /* not JSON */ }
    state.errors++;
    throw new Error(message);
  }
  return response;
}
const getJSON = async (path, options) => (await api(path, options)).json();
function status(text) { $("status").textContent = text; }

// ---------- tabs and the hash (#tab=projector&dataset=0&method=tsne&run=1) ----------
const hash = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
function showTab(name) {
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("on", t.id === name));
  document.querySelectorAll("nav button").forEach((b) => b.classList.toggle("on", b.dataset.tab === name));
  if (name === "projector") scatter.resize();
  if (name === "pad") pad.draw();
}
document.querySelectorAll("nav button").forEach((b) => (b.onclick = () => showTab(b.dataset.tab)));

let catalog = { datasets: [], models: [], runs: [] };

// ---------- projector ----------
const scatter = {
  canvas: $("scatter"), xy: null, labels: null, words: null, dataset: null,
  view: { cx: 0, cy: 0, scale: 1 }, fitted: false, dirty: true, grid: null, highlight: [],

  resize() {
    const r = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(r.width * dpr));
    this.canvas.height = Math.max(1, Math.round(r.height * dpr));
    this.dirty = true;
  },

  // Screen position (device pixels) of a point in projection coordinates.
  toScreen(x, y) {
    const v = this.view;
    return [(x - v.cx) * v.scale + this.canvas.width / 2, (v.cy - y) * v.scale + this.canvas.height / 2];
  },
  toData(sx, sy) {
    const v = this.view;
    return [(sx - this.canvas.width / 2) / v.scale + v.cx, v.cy - (sy - this.canvas.height / 2) / v.scale];
  },

  fit() {
    const xy = this.xy;
    if (!xy || xy.length < 2) return;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < xy.length; i += 2) {
      const x = xy[i], y = xy[i + 1];
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
    }
    const w = Math.max(x1 - x0, 1e-9), h = Math.max(y1 - y0, 1e-9);
    this.view = { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2,
                  scale: 0.92 * Math.min(this.canvas.width / w, this.canvas.height / h) };
    this.dirty = true;
  },

  setCoordinates(xy) {
    this.xy = xy;
    state.points = xy.length / 2;
    this.grid = null; // rebuilt on the next hover
    if (!this.fitted) this.fit();
    this.dirty = true;
  },

  // Draws every point as a 2×2 block straight into the pixel buffer: 70,000 points cost a few ms.
  draw() {
    const started = performance.now();
    const c = this.canvas, ctx = c.getContext("2d"), w = c.width, h = c.height;
    const image = ctx.createImageData(w, h);
    const pixels = new Uint32Array(image.data.buffer);
    pixels.fill(0xffffffff);
    const colours = RGB.map(([r, g, b]) => (255 << 24) | (b << 16) | (g << 8) | r);
    const grey = (255 << 24) | (120 << 16) | (120 << 8) | 120;
    let drawn = 0;
    const xy = this.xy, labels = this.labels, v = this.view, hw = w / 2, hh = h / 2;
    if (xy) {
      for (let i = 0, n = xy.length / 2; i < n; i++) {
        const sx = ((xy[2 * i] - v.cx) * v.scale + hw) | 0, sy = ((v.cy - xy[2 * i + 1]) * v.scale + hh) | 0;
        if (sx < 0 || sy < 0 || sx >= w - 1 || sy >= h - 1) continue;
        const colour = labels ? colours[((labels[i] % 10) + 10) % 10] : grey;
        const p = sy * w + sx;
        pixels[p] = colour; pixels[p + 1] = colour; pixels[p + w] = colour; pixels[p + w + 1] = colour;
        drawn++;
      }
    }
    ctx.putImageData(image, 0, 0);
    // Selected point and its neighbours on top.
    const mark = (i, colour, r) => {
      const [sx, sy] = this.toScreen(xy[2 * i], xy[2 * i + 1]);
      ctx.beginPath(); ctx.arc(sx, sy, r, 0, 2 * Math.PI); ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.stroke();
    };
    if (xy) {
      for (const i of this.highlight) mark(i, "#000", 5);
      if (state.selected >= 0 && state.selected < xy.length / 2) mark(state.selected, "#e91e63", 8);
      if (state.hovered >= 0 && state.hovered < xy.length / 2) mark(state.hovered, "#444", 6);
    }
    state.drawn = drawn;
    state.drawMs = +(performance.now() - started).toFixed(2);
    this.dirty = false;
    // Right away, not at the next 15-frame refresh: a page captured just after a draw would
    // otherwise say "0 of 0 points" beside the points it shows.
    showStatus();
  },

  // A uniform grid over the points in projection space, so hovering finds the nearest point
  // without scanning all of them.
  buildGrid() {
    const xy = this.xy, n = xy.length / 2, cells = 256;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
    }
    const sx = cells / Math.max(x1 - x0, 1e-9), sy = cells / Math.max(y1 - y0, 1e-9);
    const cellOf = (i) => Math.min(cells - 1, ((xy[2 * i] - x0) * sx) | 0) * cells + Math.min(cells - 1, ((xy[2 * i + 1] - y0) * sy) | 0);
    const start = new Int32Array(cells * cells + 1), order = new Int32Array(n);
    for (let i = 0; i < n; i++) start[cellOf(i) + 1]++;
    for (let c = 0; c < cells * cells; c++) start[c + 1] += start[c];
    const fill = start.slice(0, cells * cells);
    for (let i = 0; i < n; i++) order[fill[cellOf(i)]++] = i;
    this.grid = { x0, y0, sx, sy, cells, start, order };
  },

  // The point nearest to screen position (sx, sy), within `radius` device pixels, or -1.
  pick(sx, sy, radius) {
    if (!this.xy || this.xy.length === 0) return -1;
    if (!this.grid) this.buildGrid();
    const g = this.grid, xy = this.xy, [x, y] = this.toData(sx, sy), r = radius / this.view.scale;
    const cx0 = Math.max(0, Math.floor((x - r - g.x0) * g.sx)), cx1 = Math.min(g.cells - 1, Math.floor((x + r - g.x0) * g.sx));
    const cy0 = Math.max(0, Math.floor((y - r - g.y0) * g.sy)), cy1 = Math.min(g.cells - 1, Math.floor((y + r - g.y0) * g.sy));
    let best = -1, bestD = r * r;
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const c = cx * g.cells + cy;
        for (let k = g.start[c]; k < g.start[c + 1]; k++) {
          const i = g.order[k], dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y, d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  },
};

// One animation loop: redraws when something changed and measures the time between frames, the
// page's responsiveness while a projection runs on the server.
let lastFrame = 0;
const recentFrames = [];
// The status line under the toolbar: frame times and how many points the last draw showed.
function showStatus() {
  $("frame").textContent = `frame ${state.frameMs} ms (max ${state.maxFrameMs}), draw ${state.drawMs} ms, ${state.drawn} of ${state.points} points`;
}

function frame(now) {
  if (lastFrame) {
    const dt = now - lastFrame;
    recentFrames.push(dt);
    if (recentFrames.length > 120) recentFrames.shift();
    state.frames++;
    state.frameMs = +(recentFrames.reduce((a, b) => a + b, 0) / recentFrames.length).toFixed(1);
    state.maxFrameMs = +Math.max(state.maxFrameMs, dt).toFixed(1);
  }
  lastFrame = now;
  if (scatter.dirty && $("projector").classList.contains("on")) scatter.draw();
  if (state.frames % 15 === 0) {
    showStatus();
    publish();
  }
  requestAnimationFrame(frame);
}

function pointerPosition(event, canvas) {
  const r = canvas.getBoundingClientRect(), dpr = canvas.width / r.width;
  return [(event.clientX - r.left) * dpr, (event.clientY - r.top) * dpr];
}

let drag = null;
scatter.canvas.addEventListener("pointerdown", (e) => {
  drag = { x: e.clientX, y: e.clientY, moved: false, view: { ...scatter.view } };
  scatter.canvas.setPointerCapture(e.pointerId);
});
scatter.canvas.addEventListener("pointermove", (e) => {
  if (drag) {
    const dpr = scatter.canvas.width / scatter.canvas.getBoundingClientRect().width;
    const dx = (e.clientX - drag.x) * dpr, dy = (e.clientY - drag.y) * dpr;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) {
      scatter.view.cx = drag.view.cx - dx / scatter.view.scale;
      scatter.view.cy = drag.view.cy + dy / scatter.view.scale;
      scatter.fitted = true;
      scatter.dirty = true;
      return;
    }
  }
  const [sx, sy] = pointerPosition(e, scatter.canvas);
  hover(scatter.pick(sx, sy, 8), e);
});
scatter.canvas.addEventListener("pointerup", (e) => {
  const wasDrag = drag && drag.moved;
  drag = null;
  if (wasDrag) return;
  const [sx, sy] = pointerPosition(e, scatter.canvas);
  const i = scatter.pick(sx, sy, 8);
  if (i >= 0) select(i);
});
scatter.canvas.addEventListener("pointerleave", () => hover(-1));
scatter.canvas.addEventListener("wheel", (e) => {
  e.preventDefault();
  const [sx, sy] = pointerPosition(e, scatter.canvas), [x, y] = scatter.toData(sx, sy);
  const factor = Math.exp(-e.deltaY * 0.0015);
  scatter.view.scale *= factor;
  // Keep the point under the pointer where it is.
  const [nx, ny] = scatter.toData(sx, sy);
  scatter.view.cx += x - nx; scatter.view.cy += y - ny;
  scatter.fitted = true;
  scatter.dirty = true;
}, { passive: false });
window.addEventListener("resize", () => scatter.resize());

function describe(i) {
  const d = scatter.dataset, parts = [`#${i}`];
  if (scatter.words) parts.push(scatter.words[i]);
  if (scatter.labels) parts.push(`label ${scatter.labels[i]}`);
  return parts.join(" ");
}
function thumbnail(i) {
  const d = scatter.dataset;
  if (!d || !d.imageSide) return null;
  const img = document.createElement("img");
  img.src = `/api/datasets/${d.id}/images/${i}?scale=2`;
  img.alt = `image ${i}`;
  return img;
}

function hover(i, event) {
  const tip = $("tip");
  if (i === state.hovered) { if (i >= 0 && event) place(tip, event); return; }
  state.hovered = i;
  scatter.dirty = true;
  if (i < 0) { tip.hidden = true; return; }
  tip.replaceChildren();
  const img = thumbnail(i);
  if (img) tip.append(img, " ");
  tip.append(describe(i));
  tip.hidden = false;
  if (event) place(tip, event);
}
function place(tip, event) {
  const r = scatter.canvas.getBoundingClientRect();
  tip.style.left = event.clientX - r.left + 14 + "px";
  tip.style.top = event.clientY - r.top + 14 + "px";
}

async function select(i) {
  const d = scatter.dataset;
  if (!d) return;
  state.selected = i;
  scatter.dirty = true;
  const list = $("neighbors");
  try {
    const result = await getJSON(`/api/datasets/${d.id}/neighbors?index=${i}&k=10`);
    list.replaceChildren();
    const head = document.createElement("li");
    head.textContent = describe(i) + " (selected)";
    const img = thumbnail(i);
    if (img) head.prepend(img, " ");
    list.append(head);
    for (const n of result.neighbors) {
      const li = document.createElement("li");
      const nimg = thumbnail(n.index);
      if (nimg) li.append(nimg, " ");
      li.append(`${describe(n.index)} — ${n.distance.toFixed(3)}`);
      li.onclick = () => select(n.index);
      list.append(li);
    }
    scatter.highlight = result.neighbors.map((n) => n.index);
    state.neighbors = result.neighbors.length;
    publish();
  } catch (e) { status("neighbours: " + e.message); }
}

async function loadDataset(id) {
  const d = catalog.datasets.find((x) => x.id === id);
  if (!d) return;
  scatter.dataset = d;
  scatter.xy = null; scatter.grid = null; scatter.highlight = []; scatter.fitted = false;
  state.selected = -1; state.points = 0;
  $("neighbors").replaceChildren();
  const notes = await getJSON(`/api/datasets/${id}/annotations`);
  scatter.labels = notes.labels ? Int32Array.from(notes.labels) : null;
  scatter.words = notes.words || null;
  const legend = $("legend");
  legend.replaceChildren();
  if (scatter.labels) {
    const seen = [...new Set(notes.labels)].sort((a, b) => a - b).slice(0, 20);
    for (const l of seen) {
      const s = document.createElement("span"), sw = document.createElement("i");
      sw.style.background = PALETTE[((l % 10) + 10) % 10];
      s.append(sw, String(l));
      legend.append(s);
    }
  }
  $("method").value = d.precomputed ? "precomputed" : hash.method || "pca";
  status(`${d.name}: ${d.count} points × ${d.features} (${d.source})`);
}

let polling = null;
async function project() {
  const d = scatter.dataset;
  if (!d) return;
  const body = { method: $("method").value, seed: +$("seed").value };
  if (body.method === "tsne") body.perplexity = +$("perplexity").value;
  scatter.fitted = false;
  try {
    const job = await getJSON(`/api/datasets/${d.id}/projections`, { method: "POST", body: JSON.stringify(body),
                                                                     headers: { "Content-Type": "application/json" } });
    follow(job.id);
  } catch (e) { $("progress").textContent = e.message; }
}

// Polls a job, and fetches its coordinates whenever their version changes.
function follow(jobID) {
  if (polling) clearTimeout(polling);
  $("csv").href = `/api/jobs/${jobID}/export?format=csv`;
  $("npy").href = `/api/jobs/${jobID}/export?format=npy`;
  let version = -1;
  state.job = jobID;
  const tick = async () => {
    try {
      const s = await getJSON(`/api/jobs/${jobID}`);
      state.jobState = s.state; state.iteration = s.iteration;
      $("progress").textContent = `${s.method}: ${s.stage} ${s.iterations ? s.iteration + "/" + s.iterations : ""}` +
        (s.kl != null ? ` KL ${s.kl.toFixed(3)}` : "") + ` ${s.seconds.toFixed(1)} s` + (s.error ? " — " + s.error : "");
      if (s.version !== version) {
        const buffer = await (await api(`/api/jobs/${jobID}/coordinates`)).arrayBuffer();
        version = s.version;
        if (buffer.byteLength > 0) {
          // While t-SNE spreads out, keep refitting unless the user moved the view.
          const keep = scatter.fitted;
          scatter.setCoordinates(new Float32Array(buffer));
          if (!keep && s.state === "running") scatter.fit();
          else scatter.fitted = true;
        }
      }
      publish();
      if (s.state === "running") polling = setTimeout(tick, 300);
    } catch (e) { $("progress").textContent = e.message; }
  };
  tick();
}

$("dataset").onchange = async () => { await loadDataset(+$("dataset").value); project(); };
$("project").onclick = project;
$("search").onkeydown = async (e) => {
  if (e.key !== "Enter" || !scatter.dataset) return;
  try {
    const r = await getJSON(`/api/datasets/${scatter.dataset.id}/search?q=${encodeURIComponent(e.target.value)}`);
    if (r.matches.length === 0) { status(`no match for “${r.query}”`); return; }
    const i = r.matches[0].index;
    if (scatter.xy) {
      scatter.view.cx = scatter.xy[2 * i]; scatter.view.cy = scatter.xy[2 * i + 1];
      scatter.fitted = true;
    }
    select(i);
  } catch (err) { status(err.message); }
};

// ---------- generator pad ----------
const pad = {
  canvas: $("padcanvas"), model: null, point: [0, 0], a: null, b: null, clicks: 0,
  inFlight: false, pending: null,

  // The code under pad position (u, v) ∈ [-1, 1]², plus the attribute vector.
  code(u, v) {
    const m = this.model, range = +$("range").value;
    const z = Float32Array.from(m.center);
    if ($("axes").value === "pca") {
      for (let k = 0; k < m.latentSize; k++) {
        z[k] += u * range * m.principalSpread[0] * m.principalAxes[0][k] + v * range * m.principalSpread[1] * m.principalAxes[1][k];
      }
    } else {
      const i = Math.min(m.latentSize - 1, Math.max(0, +$("dimx").value)), j = Math.min(m.latentSize - 1, Math.max(0, +$("dimy").value));
      z[i] += u * range * (m.dimensionSpread[i] || 1);
      if (j !== i) z[j] += v * range * (m.dimensionSpread[j] || 1);
    }
    const s = +$("strength").value, from = m.classMeans[$("attrfrom").value], to = m.classMeans[$("attrto").value];
    if (s !== 0 && from && to) for (let k = 0; k < m.latentSize; k++) z[k] += s * (to[k] - from[k]);
    return z;
  },

  draw() {
    const c = this.canvas, ctx = c.getContext("2d"), w = c.width, h = c.height;
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = "#eee";
    for (let k = 1; k < 6; k++) {
      ctx.beginPath(); ctx.moveTo((k * w) / 6, 0); ctx.lineTo((k * w) / 6, h); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(0, (k * h) / 6); ctx.lineTo(w, (k * h) / 6); ctx.stroke();
    }
    ctx.strokeStyle = "#bbb";
    ctx.beginPath(); ctx.moveTo(w / 2, 0); ctx.lineTo(w / 2, h); ctx.moveTo(0, h / 2); ctx.lineTo(w, h / 2); ctx.stroke();
    const dot = (p, colour, label) => {
      const x = ((p[0] + 1) / 2) * w, y = ((1 - p[1]) / 2) * h;
      ctx.fillStyle = colour; ctx.beginPath(); ctx.arc(x, y, 5, 0, 2 * Math.PI); ctx.fill();
      if (label) { ctx.fillStyle = "#000"; ctx.fillText(label, x + 7, y - 7); }
    };
    if (this.a) dot(this.a, "#1e88e5", "A");
    if (this.b) dot(this.b, "#e53935", "B");
    dot(this.point, "#333");
  },

  // Decodes the code at the current point; while a request is out, only the latest point waits.
  async decode() {
    if (!this.model) return;
    const z = this.code(...this.point);
    if (this.inFlight) { this.pending = z; return; }
    this.inFlight = true;
    try {
      const blob = await (await api(`/api/models/${this.model.id}/decode?scale=4&z=${Array.from(z, (x) => x.toFixed(4)).join(",")}`)).blob();
      const img = $("decoded"), old = img.src;
      img.src = URL.createObjectURL(blob);
      if (old.startsWith("blob:")) URL.revokeObjectURL(old);
      state.decoded++;
      $("code").textContent = `z = [${Array.from(z.slice(0, 8), (x) => x.toFixed(2)).join(", ")}${z.length > 8 ? ", …" : ""}]`;
    } catch (e) { status("decode: " + e.message); }
    this.inFlight = false;
    publish();
    if (this.pending) { this.pending = null; this.decode(); }
  },

  async strip() {
    if (!this.a || !this.b) return;
    const za = this.code(...this.a), zb = this.code(...this.b);
    const q = (z) => Array.from(z, (x) => x.toFixed(4)).join(",");
    try {
      const blob = await (await api(`/api/models/${this.model.id}/interpolate?steps=10&scale=3&from=${q(za)}&to=${q(zb)}`)).blob();
      $("strip").src = URL.createObjectURL(blob);
      state.strips++;
      publish();
    } catch (e) { status("interpolate: " + e.message); }
  },

  position(e) {
    const r = this.canvas.getBoundingClientRect();
    const u = ((e.clientX - r.left) / r.width) * 2 - 1, v = 1 - ((e.clientY - r.top) / r.height) * 2;
    return [Math.max(-1, Math.min(1, u)), Math.max(-1, Math.min(1, v))];
  },
};

pad.canvas.addEventListener("pointermove", (e) => { pad.point = pad.position(e); pad.draw(); pad.decode(); });
pad.canvas.addEventListener("click", (e) => {
  const p = pad.position(e);
  if (pad.clicks++ % 2 === 0) { pad.a = p; pad.b = null; } else { pad.b = p; pad.strip(); }
  pad.draw();
});
for (const id of ["axes", "dimx", "dimy", "range", "attrfrom", "attrto"]) $(id).addEventListener("change", () => { pad.decode(); pad.strip(); });
$("strength").addEventListener("input", () => { $("strengthv").textContent = $("strength").value; pad.decode(); });
$("strength").addEventListener("change", () => pad.strip());

async function loadModel(id) {
  const m = await getJSON(`/api/models/${id}`);
  pad.model = m;
  const classes = Object.keys(m.classMeans).sort((a, b) => a - b);
  for (const [sel, pick] of [["attrfrom", 0], ["attrto", 1]]) {
    const s = $(sel);
    s.replaceChildren(...classes.map((c) => new Option(c, c)));
    if (classes[pick] !== undefined) s.value = classes[pick];
  }
  $("dimx").max = $("dimy").max = m.latentSize - 1;
  status(`${m.name}: ${m.summary}`);
  pad.draw();
  pad.decode();
}
$("model").onchange = () => loadModel(+$("model").value);

// ---------- runs ----------
let runTimer = null;
const SKIP = new Set(["epoch", "elapsed_seconds", "train_seconds", "seconds"]);

// A line chart of `series` ({name, xs, values}: values against epochs).
function chart(title, series) {
  const c = document.createElement("canvas");
  c.width = 320; c.height = 210;
  const ctx = c.getContext("2d"), left = 40, top = 18, w = c.width - left - 8, h = c.height - 58;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let lo = Math.min(...all), hi = Math.max(...all);
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  const xs = series.flatMap((s) => s.xs), x0 = Math.min(...xs), x1 = Math.max(...xs) > x0 ? Math.max(...xs) : x0 + 1;
  ctx.font = "11px sans-serif"; ctx.fillStyle = "#222";
  ctx.fillText(title, left, 12);
  ctx.strokeStyle = "#999"; ctx.strokeRect(left, top, w, h);
  ctx.fillText(hi.toPrecision(4), 2, top + 8); ctx.fillText(lo.toPrecision(4), 2, top + h);
  ctx.fillText(`epoch ${x0}`, left, top + h + 12);
  ctx.fillText(`${x1}`, left + w - ctx.measureText(`${x1}`).width, top + h + 12);
  let legend = left;
  series.forEach((s, k) => {
    ctx.strokeStyle = ctx.fillStyle = PALETTE[k % 10];
    ctx.beginPath();
    s.values.forEach((y, i) => {
      const px = left + ((s.xs[i] - x0) / (x1 - x0)) * w, py = top + (1 - (y - lo) / (hi - lo)) * h;
      i ? ctx.lineTo(px, py) : ctx.moveTo(px, py);
      if (s.values.length === 1) ctx.fillRect(px - 2, py - 2, 5, 5); // one epoch: a dot, not a line
    });
    ctx.stroke();
    const row = top + h + 26 + 12 * Math.floor(k / 2);
    if (k % 2 === 0) legend = left;
    ctx.fillText(s.name, legend, row);
    legend += ctx.measureText(s.name).width + 14;
  });
  return c;
}

async function loadRun(id, first) {
  if (runTimer) clearTimeout(runTimer);
  try {
    const r = await getJSON(`/api/runs/${id}`);
    // One chart per quantity; train_ and test_ versions share it.
    const groups = new Map();
    for (const key of [...new Set(r.epochs.flatMap((e) => Object.keys(e)))].sort()) {
      if (SKIP.has(key)) continue;
      const base = key.replace(/^(train|test)_/, "");
      if (!groups.has(base)) groups.set(base, []);
      const rows = r.epochs.filter((e) => e[key] !== undefined);
      groups.get(base).push({ name: key, values: rows.map((e) => e[key]), xs: rows.map((e, i) => e.epoch ?? i) });
    }
    // A quantity that stays the same over several epochs (a constant KL weight) says nothing as a chart.
    const charts = [...groups].filter(([, series]) =>
      series.some((s) => s.values.length < 3 || s.values.some((v) => v !== s.values[0])));
    $("charts").replaceChildren(...charts.map(([name, series]) => chart(name, series)));
    state.charts = charts.length;
    state.epochs = r.epochs.length;
    state.live = r.live;
    $("runstate").textContent = `${r.command || ""} ${r.epochs.length} epochs ${r.live ? "— training, updating" : ""}`;
    if (first || r.live) {
      $("pictures").replaceChildren(...r.pictures.map((p) => {
        const img = document.createElement("img");
        img.src = `/api/runs/${id}/pictures/${encodeURIComponent(p)}?t=${Date.now()}`;
        img.title = img.alt = p;
        return img;
      }));
    }
    publish();
  } catch (e) { $("runstate").textContent = e.message; }
  runTimer = setTimeout(() => loadRun(id, false), 2000);
}
$("run").onchange = () => loadRun(+$("run").value, true);

// ---------- start ----------
async function start() {
  scatter.resize();
  requestAnimationFrame(frame);
  catalog = await getJSON("/api/catalog");
  $("dataset").replaceChildren(...catalog.datasets.map((d) => new Option(`${d.name} (${d.count})`, d.id)));
  $("model").replaceChildren(...catalog.models.map((m) => new Option(`${m.name} (${m.kind}, ${m.latentSize}-d)`, m.id)));
  $("run").replaceChildren(...catalog.runs.map((r) => new Option(r.name, r.id)));
  if (catalog.datasets.length) {
    const id = hash.dataset !== undefined ? +hash.dataset : catalog.datasets[0].id;
    $("dataset").value = id;
    await loadDataset(id);
    if (hash.method) $("method").value = hash.method;
    if (hash.perplexity) $("perplexity").value = hash.perplexity;
    // A precomputed projection shows at once; anything else runs when asked (or with #run=1).
    if ($("method").value === "precomputed" || hash.run === "1") project();
  }
  if (catalog.models.length) {
    const id = hash.model !== undefined ? +hash.model : catalog.models[0].id;
    $("model").value = id;
    await loadModel(id);
  }
  if (catalog.runs.length) {
    const id = hash.runid !== undefined ? +hash.runid : catalog.runs[0].id;
    $("run").value = id;
    loadRun(id, true);
  }
  showTab(hash.tab || "projector");
  state.ready = true;
  publish();
}
window.explorer = { scatter, pad };
start().catch((e) => status("start: " + e.message));
