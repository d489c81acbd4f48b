// The dashboard: live status from /api/events (server-sent events), polling /api/status if the
// event stream is unavailable. Everything is built with textContent: quarantine details and
// subjects come from hostile senders and are never parsed as HTML.
import { drawLineChart, PALETTE } from "./charts.js";
import { renderTracking } from "./tracking.js";

const state = { status: null, points: [], colors: new Map(), lastT: 0 };
const $ = (id) => document.getElementById(id);
const num = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]/;

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === "class") node.className = v; else node.setAttribute(k, String(v));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function colorOf(key) {
  if (!state.colors.has(key)) state.colors.set(key, PALETTE[state.colors.size % PALETTE.length]);
  return state.colors.get(key);
}

function levelEl(level) {
  return h("span", { class: "level", "data-level": level }, level);
}

/** A member as people read it: the native name isolated (bidi) so Arabic never reorders its neighbours. */
function memberEl(code, members) {
  const m = members.find((x) => x.code === code);
  if (!m) return h("span", { class: "member" }, code || "—");
  const native = h("bdi", { class: "native", dir: "auto", lang: ARABIC.test(m.native) ? "ar" : undefined }, m.native);
  const showEn = m.en !== m.native;
  return h("span", { class: "member", "data-member": code }, native, " ", h("span", { class: "en" }, showEn ? `${m.en} (${code})` : `(${code})`));
}

function ago(iso) {
  if (!iso) return "—";
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return s < 90 ? `${Math.round(s)} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${num.format(s / 3600)} h ago`;
}
function age(seconds) {
  if (seconds === undefined || seconds === null) return "—";
  return seconds < 90 ? `${Math.round(seconds)} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${num.format(seconds / 3600)} h`;
}
function bytes(n) {
  const u = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${num.format(n)} ${u[i]}`;
}
const rate = (r) => (r === undefined || r === null ? "—" : `${num.format(r)}/s`);

function renderHeader(s) {
  const badge = $("overall");
  badge.dataset.level = s.overall;
  badge.textContent = s.overall;
  const when = s.collector.lastSampleAt ? new Date(s.collector.lastSampleAt).toLocaleTimeString("en-GB") : "never";
  $("updated").textContent = s.collector.error
    ? `cannot read JetStream: ${s.collector.error} (last sample ${when})`
    : `last sample ${when} · every ${s.collector.intervalSeconds} s`;
}

function renderChannels(s) {
  const cards = s.streams.map((st) => {
    const replicas = st.cluster?.leader ? `${st.replicas} · leader ${st.cluster.leader}` : String(st.replicas);
    const field = (name, label, value) => [h("dt", {}, label), h("dd", { "data-field": name }, value)];
    return h("article", { class: "card", "data-stream": st.name, "data-level": st.level },
      h("h3", {}, h("span", {}, st.channel), levelEl(st.level)),
      h("div", { class: "title" }, st.title),
      h("dl", {},
        ...field("messages", "messages", num.format(st.messages)),
        ...field("rate", "stored per second", rate(st.publishRate)),
        ...field("last", "last message", st.lastMessageAgeSeconds === undefined ? "—" : `${age(st.lastMessageAgeSeconds)} ago`),
        ...field("bytes", "size", bytes(st.bytes)),
        ...field("seq", "sequence", `${st.firstSeq}…${st.lastSeq}`),
        ...field("consumers", "consumers", String(st.consumers.length)),
        ...field("replicas", "replicas", replicas)));
  });
  for (const m of s.missing) cards.push(h("article", { class: "card", "data-level": "critical" }, h("h3", {}, m.stream, levelEl("critical")), h("div", { class: "title" }, m.error)));
  $("channels").replaceChildren(...cards);
}

function renderAlerts(s) {
  const raised = s.checks.filter((c) => c.level !== "ok");
  const items = raised.map((c) => h("li", { "data-rule": c.rule, "data-level": c.level },
    levelEl(c.level), h("span", { dir: "auto" }, c.message), c.member ? memberEl(c.member, s.members) : null));
  $("alerts").replaceChildren(...(items.length ? items : [h("li", { class: "none" }, `All ${s.checks.length} checks are ok.`)]));
}

function renderConsumers(s) {
  const rows = s.streams.flatMap((st) => st.consumers.map((c) => {
    const pace = c.catchUpRate === undefined ? "—" : c.backlog === 0 ? "caught up" : c.catchUpRate > 0 ? `${rate(c.catchUpRate)} (${age(c.etaSeconds)} to go)` : c.catchUpRate < 0 ? `falling behind ${rate(-c.catchUpRate)}` : "not moving";
    return h("tr", { "data-consumer": c.key, "data-level": c.level },
      h("td", {}, levelEl(c.level)), h("td", {}, st.channel), h("td", {}, c.name),
      h("td", {}, c.member ? memberEl(c.member, s.members) : "—"),
      h("td", { class: "n", "data-field": "pending" }, num.format(c.pending)), h("td", { class: "n" }, num.format(c.ackPending)),
      h("td", { class: "n" }, num.format(c.redelivered)), h("td", { class: "n" }, num.format(c.waiting)),
      h("td", { class: "n" }, pace), h("td", {}, ago(c.lastActive)));
  }));
  $("consumers").tBodies[0].replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 10, class: "empty" }, "no consumers yet"))]));
}

function bars(container, entries, label) {
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const rows = entries.sort((a, b) => b[1] - a[1]).map(([key, n]) => h("div", { class: "row", "data-key": key },
    h("div", {}, label(key)), h("div", { class: "bar", style: undefined }), h("div", { class: "count" }, num.format(n))));
  // Widths through the CSSOM: the page's policy allows no inline style attributes.
  rows.forEach((row, i) => { row.children[1].style.width = `${(100 * entries[i][1]) / max}%`; });
  container.replaceChildren(...(rows.length ? rows : [h("div", { class: "empty" }, "nothing quarantined")]));
}

function renderQuarantine(s) {
  const q = s.quarantine;
  const byReason = Object.keys(q.retainedByReason).length ? q.retainedByReason : q.byReason;
  bars($("q-reasons"), Object.entries(byReason), (reason) => reason);
  bars($("q-origins"), Object.entries(q.byOrigin), (code) => memberEl(code, s.members));
  const rows = q.latest.map((e) => h("tr", {},
    h("td", {}, String(e.seq)), h("td", {}, new Date(e.time).toLocaleTimeString("en-GB")), h("td", { class: "writer" }, memberEl(e.writer, s.members)), h("td", {}, e.reason),
    h("td", {}, memberEl(e.claimedOrigin, s.members)), h("td", { dir: "ltr" }, e.originalSubject), h("td", { class: "detail", dir: "auto" }, e.detail)));
  $("q-latest").tBodies[0].replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 7, class: "empty" }, "nothing quarantined"))]));
}

function renderCluster(s) {
  const rows = s.streams.map((st) => {
    const peers = st.cluster?.peers ?? [];
    const cells = peers.length
      ? peers.map((p) => h("span", { class: `peer ${p.offline ? "offline" : p.current ? "" : "lagging"}` }, `${p.name} ${p.offline ? "offline" : p.current ? "current" : `lagging ${p.lag}`}`))
      : [h("span", { class: "empty" }, st.replicas > 1 ? "no peers reported" : "single replica")];
    return h("tr", {}, h("td", {}, st.name), h("td", {}, st.cluster?.leader ?? (st.replicas > 1 ? "NONE" : "—")), h("td", {}, ...cells));
  });
  $("replicas").tBodies[0].replaceChildren(...rows);
  const adv = s.advisories.counts.map((a) => h("tr", {}, h("td", {}, a.kind), h("td", {}, a.stream || "—"), h("td", {}, a.consumer || "—"), h("td", { class: "n" }, num.format(a.count))));
  $("advisories").tBodies[0].replaceChildren(...(adv.length ? adv : [h("tr", {}, h("td", { colspan: 4, class: "empty" }, "none since the monitor started"))]));
}

function pointFrom(s) {
  const t = s.collector.lastSampleAt ? Date.parse(s.collector.lastSampleAt) : 0;
  const streams = {}, consumers = {};
  for (const st of s.streams) {
    streams[st.name] = { messages: st.messages, rate: st.publishRate ?? 0 };
    for (const c of st.consumers) consumers[c.key] = { backlog: c.backlog, rate: c.deliverRate ?? 0 };
  }
  return { t, streams, consumers };
}

function renderCharts(s) {
  const windowMs = (s.collector.historyMinutes ?? 10) * 60_000;
  const cutoff = Date.now() - windowMs;
  state.points = state.points.filter((p) => p.t >= cutoff);
  const series = (pick) => {
    const keys = new Set(state.points.flatMap((p) => Object.keys(pick(p))));
    return [...keys].sort().map((key) => ({ name: key, color: colorOf(key), points: state.points.filter((p) => pick(p)[key]).map((p) => [p.t, pick(p)[key].value]) }));
  };
  const lag = series((p) => Object.fromEntries(Object.entries(p.consumers).map(([k, v]) => [k, { value: v.backlog }])));
  const rates = series((p) => Object.fromEntries(Object.entries(p.streams).map(([k, v]) => [k, { value: v.rate }])));
  drawLineChart($("chart-lag"), lag, { windowMs });
  drawLineChart($("chart-rate"), rates, { windowMs, unit: "/s" });
  $("legend-lag").replaceChildren(...lag.map((x) => legendEl(x)));
  $("legend-rate").replaceChildren(...rates.map((x) => legendEl(x)));
}

function legendEl(series) {
  const span = h("span", {}, series.name);
  span.style.setProperty("--c", series.color);
  return span;
}

function render(s) {
  state.status = s;
  const point = pointFrom(s);
  if (point.t > state.lastT) { state.points.push(point); state.lastT = point.t; }
  renderHeader(s);
  renderChannels(s);
  renderAlerts(s);
  renderConsumers(s);
  renderQuarantine(s);
  renderCluster(s);
  renderTracking(s, { h, levelEl, memberEl, $ });
  renderCharts(s);
}

async function loadHistory() {
  const res = await fetch("/api/history");
  const { points } = await res.json();
  state.points = points.map((p) => ({ t: p.t, streams: p.streams, consumers: p.consumers }));
  state.lastT = state.points.at(-1)?.t ?? 0;
}

function setLive(on) {
  $("live").className = `live ${on ? "on" : "off"}`;
  $("live").title = on ? "live updates" : "not connected: retrying";
}

function poll() {
  const again = () => setTimeout(poll, (state.status?.collector.intervalSeconds ?? 3) * 1000);
  fetch("/api/status").then((r) => r.json()).then((s) => { setLive(true); render(s); }, () => setLive(false)).finally(again);
}

function listen() {
  if (!("EventSource" in window)) return poll();
  const events = new EventSource("/api/events");
  let failures = 0;
  events.addEventListener("status", (e) => { failures = 0; setLive(true); render(JSON.parse(e.data)); });
  events.onerror = () => {
    setLive(false);
    // EventSource reconnects by itself; after repeated failures fall back to polling.
    if (++failures >= 5) { events.close(); poll(); }
  };
}

loadHistory().catch(() => undefined).finally(listen);
