// Charts as plain element trees, drawn two ways from one description: as
// markup for a self-contained HTML file (text escaped), and as DOM nodes for
// a live page (text set with textContent, never innerHTML). No chart service,
// no external resources.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Colours for series, chosen to stay apart for common colour blindness (Okabe-Ito). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/**
 * An element: `h('p', { class: 'x' }, 'text', h('b', {}, 'bold'))`.
 * Strings and numbers among the children are text; null/false are skipped.
 * @returns {{ tag: string, attrs: Record<string, string | number>, children: Array<object | string> }}
 */
export function h(tag, attrs = {}, ...children) {
  return { tag, attrs, children: children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false).map((c) => (typeof c === 'number' ? String(c) : c)) };
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML text and attribute values. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const VOID = new Set(['meta', 'br', 'hr', 'img', 'link', 'input']);

/** The element tree as markup; every text and attribute value is escaped. */
export function toHtml(node) {
  if (typeof node === 'string') return escapeHtml(node);
  if (!/^[a-z][a-z0-9-]*$/i.test(node.tag)) throw new Error(`not an element name: ${node.tag}`);
  const attrs = Object.entries(node.attrs)
    .filter(([, v]) => v !== null && v !== undefined && v !== false)
    .map(([k, v]) => {
      if (!/^[a-z][a-z0-9:-]*$/i.test(k) || /^on/i.test(k)) throw new Error(`not an allowed attribute: ${k}`);
      return ` ${k}="${escapeHtml(v)}"`;
    })
    .join('');
  if (VOID.has(node.tag)) return `<${node.tag}${attrs}>`;
  return `<${node.tag}${attrs}>${node.children.map(toHtml).join('')}</${node.tag}>`;
}

/** The element tree as DOM nodes of `doc`; text goes in as text nodes. */
export function toDom(node, doc, svg = false) {
  if (typeof node === 'string') return doc.createTextNode(node);
  const inSvg = svg || node.tag === 'svg';
  const el = inSvg ? doc.createElementNS(SVG_NS, node.tag) : doc.createElement(node.tag);
  for (const [k, v] of Object.entries(node.attrs)) {
    if (v === null || v === undefined || v === false || /^on/i.test(k)) continue;
    el.setAttribute(k, String(v));
  }
  for (const child of node.children) el.appendChild(toDom(child, doc, inSvg));
  return el;
}

function niceMax(max) {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

const fmt = (n) => Number(n).toLocaleString('en-US');
/** Coordinates to a tenth of a pixel: shorter markup, same drawing. */
const px = (v) => Math.round(v * 10) / 10;

/**
 * Lines over time: `series` of `{ name, values }` against `labels` (one per point).
 * @returns {object} an `svg` element tree
 */
export function lineChart({ title, labels, series, width = 720, height = 260 }) {
  const left = 44;
  const right = 170;
  const top = 12;
  const bottom = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const n = labels.length;
  const x = (i) => px(left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1)));
  const y = (v) => px(top + plotH - (v / max) * plotH);
  const ticks = [0, max / 2, max];
  const every = Math.max(1, Math.ceil(n / 6));
  return h(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title, class: 'chart' },
    h('title', {}, title),
    ticks.map((t) => [
      h('line', { x1: left, x2: left + plotW, y1: y(t), y2: y(t), stroke: '#ddd' }),
      h('text', { x: left - 6, y: y(t) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, fmt(t)),
    ]),
    labels.map((label, i) =>
      i % every === 0 || i === n - 1
        ? h('text', { x: x(i), y: height - bottom + 16, 'text-anchor': 'middle', 'font-size': 10, fill: '#555' }, label.slice(5))
        : null,
    ),
    series.map((s, k) => {
      const colour = PALETTE[k % PALETTE.length];
      const points = s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
      return [
        n === 1
          ? h('circle', { cx: x(0), cy: y(s.values[0] ?? 0), r: 3, fill: colour })
          : h('polyline', { points, fill: 'none', stroke: colour, 'stroke-width': 2 }),
        h('rect', { x: width - right + 12, y: top + k * 18, width: 10, height: 10, fill: colour }),
        h('text', { x: width - right + 28, y: top + k * 18 + 9, 'font-size': 12, fill: '#222' }, s.name),
      ];
    }),
  );
}

/**
 * Horizontal bars: `rows` of `{ label, value, note? }`, longest first as given.
 * @returns {object} an `svg` element tree
 */
export function barChart({ title, rows, width = 720, unit = '' }) {
  const labelW = 200;
  const noteW = 200;
  const rowH = 22;
  const height = rows.length * rowH + 8;
  const plotW = width - labelW - noteW - 60;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const cut = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  return h(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title, class: 'chart' },
    h('title', {}, title),
    rows.map((r, i) => {
      const yTop = 4 + i * rowH;
      const w = px(Math.max(1, (r.value / max) * plotW));
      return [
        h('text', { x: labelW - 8, y: yTop + 14, 'text-anchor': 'end', 'font-size': 12, fill: '#222' }, cut(r.label, 30)),
        h('rect', { x: labelW, y: yTop + 3, width: w, height: rowH - 8, fill: PALETTE[0] }),
        h('text', { x: labelW + w + 6, y: yTop + 14, 'font-size': 12, fill: '#222' }, `${fmt(r.value)}${unit}`),
        r.note ? h('text', { x: labelW + plotW + 60, y: yTop + 14, 'font-size': 11, fill: '#555' }, cut(r.note, 32)) : null,
      ];
    }),
  );
}
