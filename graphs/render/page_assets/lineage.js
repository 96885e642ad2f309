// The lineage page's script: search, trace a column up- and downstream, hover cards, collapse a
// table, pan and zoom. Plain DOM, no framework. The graph it walks is the JSON the page embeds
// (the diagram's own links); the SVG is only where things are drawn, found by the ids `dot` kept.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("lineage-data").textContent);
  const svg = document.querySelector("#view > svg");
  const view = document.getElementById("view");
  const tip = document.getElementById("tip");
  const nodes = data.nodes, boxes = data.boxes, links = data.links;

  // ---- wiring: each port's element, each link's element, adjacency from the links ----
  const portEl = {};     // port ref -> the element that shows it (a row, a table's header, a node)
  const boxEl = {};      // box ref -> its node group
  const linkEl = [];     // link index -> its edge group
  const outgoing = {}, incoming = {};  // port ref -> link indexes
  // Graphviz names a table cell's group after its anchor: "a_" + the cell's ID
  const byId = (id) => document.getElementById("a_" + id) || document.getElementById(id);

  for (const ref in boxes) {
    boxEl[ref] = document.getElementById(ref);
    const head = boxes[ref].table ? byId(ref + "__h") : boxEl[ref];
    wire(ref, head);
    for (const row of boxes[ref].rows) wire(row, byId(row));
  }
  function wire(ref, el) {
    if (!el) return;
    portEl[ref] = el;
    el.classList.add("pt");
    el.dataset.ref = ref;
    outgoing[ref] = []; incoming[ref] = [];
  }
  links.forEach((link, i) => {
    linkEl[i] = document.getElementById(link.id);
    if (linkEl[i]) linkEl[i].dataset.link = i;
    (outgoing[link.from] = outgoing[link.from] || []).push(i);
    (incoming[link.to] = incoming[link.to] || []).push(i);
  });
  // our hover cards replace the browser's: drop Graphviz's titles and tooltips
  svg.querySelectorAll("title").forEach((t) => t.remove());
  svg.querySelectorAll("a").forEach((a) => a.removeAttributeNS("http://www.w3.org/1999/xlink", "title"));

  // ---- tracing: everything upstream and downstream of one port ----
  let lit = [];  // elements given classes by the last trace, to clear only those
  // Everything reached from `start` one way, as `lineage upstream/downstream` walks it: a link into a
  // table (a join or filter, say) reaches each of its columns, so from a table down to its rows, and
  // from a row up to its table.
  function walk(start, down) {
    const seen = new Set([start]), used = [], queue = [start];
    const visit = (ref) => { if (!seen.has(ref)) { seen.add(ref); queue.push(ref); } };
    while (queue.length) {
      const ref = queue.pop(), node = nodes[ref];
      for (const i of (down ? outgoing : incoming)[ref] || []) { used.push(i); visit(links[i][down ? "to" : "from"]); }
      if (down && boxes[ref] && boxes[ref].table) boxes[ref].rows.forEach(visit);
      if (!down && node.kind === "column") visit(node.box);
    }
    seen.delete(start);
    return { ports: seen, links: used };
  }
  function clearTrace() {
    for (const el of lit) el.classList.remove("sel", "up", "down", "lit", "lk", "lk-up", "lk-down");
    lit = [];
    svg.classList.remove("tracing");
    document.getElementById("selected").textContent = "";
  }
  function mark(el, ...classes) { if (el) { el.classList.add(...classes); lit.push(el); } }
  function trace(ref) {
    clearTrace();
    const up = walk(ref, false), down = walk(ref, true);
    mark(portEl[ref], "sel");
    up.ports.forEach((p) => mark(portEl[p], "up"));
    down.ports.forEach((p) => mark(portEl[p], "down"));
    for (const p of [ref, ...up.ports, ...down.ports]) mark(boxEl[nodes[p].box], "lit");
    up.links.forEach((i) => mark(linkEl[i], "lk", "lk-up"));
    down.links.forEach((i) => mark(linkEl[i], "lk", "lk-down"));
    svg.classList.add("tracing");
    document.getElementById("selected").textContent =
      `${nodes[ref].name}: ${up.ports.size} upstream, ${down.ports.size} downstream`;
    return { upstream: [...up.ports], downstream: [...down.ports] };
  }

  // ---- search: names containing the text, case-insensitive ----
  const search = document.getElementById("search");
  let matches = [], current = -1;
  function find(text) {
    matches.forEach((r) => portEl[r].classList.remove("match"));
    const q = text.trim().toLowerCase();
    matches = q ? Object.keys(portEl).filter((r) => nodes[r].name.toLowerCase().includes(q)) : [];
    matches.forEach((r) => portEl[r].classList.add("match"));
    current = -1;
    document.getElementById("found").textContent = q ? `${matches.length} found` + (matches.length ? " (Enter: next)" : "") : "";
    return matches;
  }
  search.addEventListener("input", () => find(search.value));
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && matches.length) {
      current = (current + 1) % matches.length;
      centre(portEl[matches[current]]);
    }
  });

  // ---- collapse a table to its header: rows hidden, their links moved to the header ----
  const folded = new Set();
  function toggle(ref, fold) {
    const box = boxes[ref];
    if (!box.table || !box.rows.length || fold === folded.has(ref)) return;
    fold ? folded.add(ref) : folded.delete(ref);
    const group = boxEl[ref];
    const header = [byId(ref + "__h"), byId(ref + "__s")].filter(Boolean);
    const head = header[0].getBBox(), mid = head.y + head.height / 2;
    const bottom = Math.max(...header.map((h) => { const b = h.getBBox(); return b.y + b.height; }));
    // where each row's links end, measured before anything is hidden
    for (const row of box.rows) {
      const rb = portEl[row] && portEl[row].getBBox();
      const dy = fold && rb ? mid - (rb.y + rb.height / 2) : 0;
      for (const i of outgoing[row] || []) moveEnd(i, "from", dy);
      for (const i of incoming[row] || []) moveEnd(i, "to", dy);
    }
    if (!fold) {
      for (const child of group.children) child.style.display = "";
      group.querySelectorAll(".fold").forEach((r) => r.remove());
      return;
    }
    for (const child of [...group.children]) {
      if (header.includes(child) || child.tagName === "title") continue;
      const b = child.getBBox();
      if (b.y >= bottom - 0.5) child.style.display = "none";  // a row, or "N columns not drawn"
      else if (b.y + b.height > bottom + 0.5) {  // the table's outline: redrawn around the header
        child.style.display = "none";
        const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
        for (const a of ["stroke", "stroke-width", "stroke-dasharray"]) if (child.getAttribute(a)) r.setAttribute(a, child.getAttribute(a));
        r.setAttribute("fill", "none");
        r.setAttribute("x", b.x); r.setAttribute("y", b.y); r.setAttribute("width", b.width); r.setAttribute("height", bottom - b.y + 1);
        r.classList.add("fold");
        group.appendChild(r);
      }
    }
  }
  // an edge's end moved by dy (0: back where dot drew it); its path is "M x,y C x,y x,y x,y ..."
  const ends = new Map();   // link index -> {from: dy, to: dy}
  const drawn = new Map();  // link index -> its path as dot drew it
  function moveEnd(i, end, dy) {
    const g = linkEl[i];
    if (!g) return;
    const path = g.querySelector("path"), head = g.querySelector("polygon");
    if (!drawn.has(i)) drawn.set(i, path.getAttribute("d"));
    const shift = Object.assign(ends.get(i) || { from: 0, to: 0 }, { [end]: dy });
    ends.set(i, shift);
    const pts = drawn.get(i).match(/-?[\d.]+(?:e-?\d+)?/g).map(Number);
    const n = pts.length;
    pts[1] += shift.from; pts[3] += shift.from;        // the start and its control point
    pts[n - 1] += shift.to; pts[n - 3] += shift.to;    // the end and its control point
    const pair = (k) => `${pts[k]},${pts[k + 1]}`;
    let d = `M${pair(0)}C`;
    for (let k = 2; k < n; k += 2) d += (k > 2 ? " " : "") + pair(k);
    path.setAttribute("d", d);
    if (head) head.setAttribute("transform", shift.to ? `translate(0 ${shift.to})` : "");
    g.classList.toggle("folded", Boolean(shift.from || shift.to));
  }

  // ---- hover cards: file:line provenance and the owner ----
  function card(ref) {
    const n = nodes[ref], lines = [];
    const table = n.kind === "column" ? nodes[n.box] : null;
    if (n.type) lines.push(`type ${n.type}`);
    if (n.table_kind || n.tier) lines.push([n.table_kind, n.tier && `${n.tier} tier`].filter(Boolean).join(", "));
    if (n.title && n.title !== n.name) lines.push(n.title);
    if (n.description) lines.push(n.description);
    const owner = n.owner || (table && table.owner);
    lines.push(owner ? `owner: ${owner}` : "owner: none recorded");
    const defined = n.defined_at || n.sql || (table && table.defined_at);
    if (defined) lines.push(`${n.kind === "column" ? "table defined at" : "defined at"} ${defined}`);
    if (n.hidden) lines.push(`${n.hidden} columns not drawn: this box stands for them`);
    if (n.reach) lines.push(n.reach);
    if (n.nearest) lines.push(`nearest: ${n.nearest.join(", ")}`);
    const written = [...new Set((incoming[ref] || []).flatMap((i) => links[i].where))];
    if (written.length) lines.push(`written at:\n  ${written.join("\n  ")}`);
    const read = [...new Set((outgoing[ref] || []).flatMap((i) => links[i].where))];
    if (read.length) lines.push(`read at:\n  ${read.join("\n  ")}`);
    if (n.url) lines.push(n.url);
    return [n.name, lines];
  }
  function linkCard(i) {
    const l = links[i], lines = [`${l.flow}${l.subtypes.length ? ": " + l.subtypes.join(", ") : ""}`];
    if (l.count) lines.push(`stands for ${l.count} edges`);
    lines.push(...l.where);
    if (l.more) lines.push(`and ${l.more} more statements`);
    return [`${nodes[l.from].name} → ${nodes[l.to].name}`, lines];
  }
  function show(e, [title, lines]) {
    tip.replaceChildren();  // text nodes only: a name is never markup
    const b = document.createElement("b");
    b.textContent = title;
    tip.append(b, lines.join("\n"));
    tip.hidden = false;
    tip.style.left = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + "px";
    tip.style.top = Math.min(e.clientY + 14, window.innerHeight - tip.offsetHeight - 8) + "px";
  }
  function target(e) {
    const pt = e.target.closest && e.target.closest(".pt");
    if (pt) return { ref: pt.dataset.ref };
    const edge = e.target.closest && e.target.closest(".edge");
    return edge && edge.dataset.link !== undefined ? { link: Number(edge.dataset.link) } : null;
  }
  svg.addEventListener("mousemove", (e) => {
    const t = target(e);
    if (!t) { tip.hidden = true; return; }
    show(e, t.ref !== undefined ? card(t.ref) : linkCard(t.link));
  });
  svg.addEventListener("mouseleave", () => { tip.hidden = true; });

  // ---- pan and zoom, on the SVG's viewBox ----
  const home = svg.viewBox.baseVal;
  const box0 = [home.x, home.y, home.width, home.height];
  let vb = box0.slice();
  svg.removeAttribute("width"); svg.removeAttribute("height");
  function apply() { svg.setAttribute("viewBox", vb.join(" ")); }
  function toSvg(x, y) {
    const r = svg.getBoundingClientRect(), s = Math.max(vb[2] / r.width, vb[3] / r.height);
    // preserveAspectRatio meet centres the box: undo that offset too
    return [vb[0] + (x - r.left) * s - (r.width * s - vb[2]) / 2, vb[1] + (y - r.top) * s - (r.height * s - vb[3]) / 2];
  }
  function zoom(factor, x, y) {
    const [px, py] = toSvg(x, y);
    vb = [px - (px - vb[0]) * factor, py - (py - vb[1]) * factor, vb[2] * factor, vb[3] * factor];
    apply();
  }
  function centre(el) {
    const b = el.getBBox(), m = el.getCTM(), root = svg.getCTM();
    // the element's box in the SVG's user space (Graphviz puts everything under a translated group)
    const p = svg.createSVGPoint(); p.x = b.x + b.width / 2; p.y = b.y + b.height / 2;
    const q = p.matrixTransform(root.inverse().multiply(m));
    const w = Math.min(box0[2], Math.max(400, b.width * 6)), h = w * vb[3] / vb[2];
    vb = [q.x - w / 2, q.y - h / 2, w, h];
    apply();
  }
  view.addEventListener("wheel", (e) => { e.preventDefault(); zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15, e.clientX, e.clientY); }, { passive: false });
  let drag = null;
  view.addEventListener("mousedown", (e) => { drag = { x: e.clientX, y: e.clientY, vb: vb.slice(), moved: false }; });
  window.addEventListener("mousemove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; view.classList.add("panning"); }
    if (!drag.moved) return;
    const r = svg.getBoundingClientRect(), s = Math.max(vb[2] / r.width, vb[3] / r.height);
    vb = [drag.vb[0] - dx * s, drag.vb[1] - dy * s, vb[2], vb[3]];
    apply();
  });
  window.addEventListener("mouseup", () => { view.classList.remove("panning"); setTimeout(() => { drag = null; }); });

  // ---- clicks: a column or node traces, a table's header folds, the background clears ----
  svg.addEventListener("click", (e) => {
    e.preventDefault();  // cells are anchors only so Graphviz keeps their ids
    if (drag && drag.moved) return;
    const t = target(e);
    if (!t || t.ref === undefined) { clearTrace(); return; }
    const ref = t.ref, n = nodes[ref];
    if (n.kind === "table" && !n.hidden) toggle(ref, !folded.has(ref));
    else trace(ref);
  });
  document.getElementById("fit").addEventListener("click", () => { vb = box0.slice(); apply(); });
  document.getElementById("clear").addEventListener("click", () => { clearTrace(); search.value = ""; find(""); });
  document.getElementById("collapse-all").addEventListener("click", () => Object.keys(boxes).forEach((r) => toggle(r, true)));
  document.getElementById("expand-all").addEventListener("click", () => Object.keys(boxes).forEach((r) => toggle(r, false)));
  document.addEventListener("keydown", (e) => {
    if (e.target === search) return;
    if (e.key === "Escape") clearTrace();
    if (e.key === "0") { vb = box0.slice(); apply(); }
  });

  // what tests and benchmarks drive, and the flag they wait for
  window.lineagePage = { trace, clearTrace, find, toggle, folded, readyAt: performance.now() };
  document.documentElement.dataset.ready = "1";
})();
