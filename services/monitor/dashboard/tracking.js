// The v1.1 panel: requests waiting for an answer and receipts not sent, per member, from the
// members' tracking views. Deadlines are the signed ones; built with textContent only.
export function renderTracking(s, { h, levelEl, memberEl, $ }) {
  const t = s.tracking;
  const rows = [
    ...(t?.requests ?? []).map((r) => h("tr", { "data-request": r.id, "data-level": r.level },
      h("td", {}, levelEl(r.level)), h("td", {}, "request"), h("td", {}, memberEl(r.from, s.members)), h("td", {}, memberEl(r.member, s.members)),
      h("td", { dir: "auto" }, `${r.urgency}: ${r.subject}`), h("td", {}, new Date(r.due).toLocaleString("en-GB")))),
    ...(t?.missing ?? []).map((m) => h("tr", { "data-event": m.event, "data-level": m.level },
      h("td", {}, levelEl(m.level)), h("td", {}, `receipt ${m.status}`), h("td", {}, memberEl(m.from, s.members)), h("td", {}, memberEl(m.member, s.members)),
      h("td", {}, m.event), h("td", {}, new Date(m.due).toLocaleString("en-GB")))),
  ];
  const empty = t ? "no request or receipt is waiting" : "no member publishes its tracking views";
  $("tracking").tBodies[0].replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 6, class: "empty" }, empty))]));
}
