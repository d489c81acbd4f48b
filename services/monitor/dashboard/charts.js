// Hand-drawn SVG line charts: no library, nothing fetched from anywhere.
const NS = "http://www.w3.org/2000/svg";
export const PALETTE = ["#3182ce", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#e53e3e", "#4a5568", "#2b6cb0"];

function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A round upper bound for the y axis: 1, 2, 5 × 10^n. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (value <= m * p) return m * p;
  return 10 * p;
}

const fmt = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const MIN_WINDOW_MS = 60_000;

/**
 * Draws `series` ([{ name, color, points: [[t, v], …] }]) over the last `windowMs` into `svg`.
 * Redrawn whole on each update: a few hundred points, cheap.
 */
export function drawLineChart(svg, series, { windowMs: maxWindowMs, unit = "" }) {
  const w = svg.clientWidth || 600;
  const h = svg.clientHeight || 180;
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.replaceChildren();
  const left = 48, right = 10, top = 8, bottom = 18;
  const all = series.flatMap((s) => s.points);
  const tMax = all.length ? Math.max(...all.map((p) => p[0])) : Date.now();
  // The window grows with the history the page has, from one minute up to the monitor's maximum.
  const span = all.length ? tMax - Math.min(...all.map((p) => p[0])) : 0;
  const windowMs = Math.min(maxWindowMs, Math.max(MIN_WINDOW_MS, span));
  const tMin = tMax - windowMs;
  const vMax = niceMax(Math.max(0, ...all.map((p) => p[1])));
  const x = (t) => left + ((t - tMin) / windowMs) * (w - left - right);
  const y = (v) => top + (1 - v / vMax) * (h - top - bottom);

  for (const v of [0, vMax / 2, vMax]) {
    svg.append(el("line", { class: "axis", x1: left, x2: w - right, y1: y(v), y2: y(v) }));
    svg.append(el("text", { x: left - 4, y: y(v) + 3, "text-anchor": "end" }, `${fmt.format(v)}${unit}`));
  }
  const seconds = Math.round(windowMs / 1000);
  svg.append(el("text", { x: left, y: h - 4 }, seconds < 120 ? `−${seconds} s` : `−${Math.round(seconds / 60)} min`));
  svg.append(el("text", { x: w - right, y: h - 4, "text-anchor": "end" }, "now"));
  if (!all.length) {
    svg.append(el("text", { x: w / 2, y: h / 2, "text-anchor": "middle" }, "no data yet"));
    return;
  }
  for (const s of series) {
    const pts = s.points.filter((p) => p[0] >= tMin);
    if (!pts.length) continue;
    const path = pts.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
    const line = el("polyline", { points: path, fill: "none", stroke: s.color, "stroke-width": 2, "stroke-linejoin": "round" });
    line.append(el("title", {}, s.name));
    svg.append(line);
  }
}
