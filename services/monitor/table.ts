import { Level } from "./types.js";
import type { Status } from "./view.js";
import { seconds } from "./rules.js";

/** Terminal colours for levels; none when the output is not a terminal. */
const COLOURS: Record<Level, string> = { ok: "\x1b[32m", warn: "\x1b[33m", critical: "\x1b[1;31m" };
const RESET = "\x1b[0m";

const num = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

/**
 * The status as `alliance status` prints it: a table of streams, one of consumers, the quarantine
 * counts and the raised alerts. Member codes, not names: a terminal cannot be trusted with
 * right-to-left text in aligned columns. Pure.
 */
export function renderStatusTable(status: Status, options: { colour: boolean }): string {
  const paint = (level: Level, text: string = level) => (options.colour ? `${COLOURS[level]}${text}${RESET}` : text);
  const lines: string[] = [];
  const sampled = status.collector.lastSampleAt ? status.collector.lastSampleAt.replace("T", " ").replace(/\.\d+Z$/, "Z") : "never";
  lines.push(`alliance bus: ${paint(status.overall, status.overall.toUpperCase())}   sampled ${sampled}${status.collector.error ? `   cannot read JetStream: ${status.collector.error}` : ""}`);
  lines.push("");

  lines.push(...table(
    ["STREAM", "LEVEL", "MESSAGES", "BYTES", "STORED/S", "LAST MESSAGE", "CONSUMERS", "REPLICAS"],
    status.streams.map((s) => [s.name, { level: s.level }, num.format(s.messages), num.format(s.bytes), rate(s.publishRate),
      s.lastMessageAgeSeconds === undefined ? "-" : `${seconds(s.lastMessageAgeSeconds)} ago`, String(s.consumers.length),
      s.cluster?.leader ? `${s.replicas} (leader ${s.cluster.leader})` : String(s.replicas)]),
    paint,
  ));
  for (const m of status.missing) lines.push(`${m.stream}  ${paint(Level.Critical)}  ${m.error}`);
  lines.push("");

  const consumers = status.streams.flatMap((s) => s.consumers);
  if (consumers.length === 0) lines.push("no consumers");
  else {
    lines.push(...table(
      ["STREAM", "CONSUMER", "MEMBER", "LEVEL", "PENDING", "ACK PENDING", "REDELIVERED", "WAITING", "CATCHING UP", "IDLE FOR"],
      consumers.map((c) => [c.stream, c.name, c.member ?? "-", { level: c.level }, num.format(c.pending), `${num.format(c.ackPending)}/${num.format(c.maxAckPending)}`,
        num.format(c.redelivered), num.format(c.waiting), c.backlog === 0 ? "caught up" : rate(c.catchUpRate),
        c.lastActive ? seconds((Date.parse(status.at) - Date.parse(c.lastActive)) / 1000) : "-"]),
      paint,
    ));
  }
  lines.push("");

  const q = status.quarantine;
  const list = (counts: Readonly<Record<string, number>>) => Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${num.format(n)}`).join(", ") || "none";
  lines.push(`quarantine: ${num.format(q.retained)} held; by reason: ${list(Object.keys(q.retainedByReason).length ? q.retainedByReason : q.byReason)}`);
  lines.push(`            by claimed origin: ${list(q.byOrigin)}; last minute: ${num.format(q.lastMinute)}`);
  const advisories = status.advisories.counts.filter((a) => a.kind !== "consumer_ack");
  if (advisories.length > 0) lines.push(`advisories: ${advisories.map((a) => `${a.kind}${a.stream ? ` ${a.stream}` : ""}${a.consumer ? `/${a.consumer}` : ""} ${a.count}`).join(", ")}`);
  lines.push("");

  const raised = status.checks.filter((c) => c.level !== Level.Ok);
  if (raised.length === 0) lines.push(`${paint(Level.Ok, "all checks ok")} (${status.checks.length})`);
  for (const c of raised) lines.push(`${paint(c.level, c.level.toUpperCase().padEnd(8))} ${c.rule.padEnd(17)} ${c.message}`);
  return `${lines.join("\n")}\n`;
}

type Cell = string | { level: Level };

function table(header: string[], rows: Cell[][], paint: (level: Level, text?: string) => string): string[] {
  const text = (cell: Cell) => (typeof cell === "string" ? cell : cell.level);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r[i]!).length)));
  const line = (cells: Cell[]) => cells.map((cell, i) => {
    const padded = text(cell).padEnd(widths[i]!);
    return typeof cell === "string" ? padded : paint(cell.level, padded);
  }).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

function rate(value: number | undefined): string {
  return value === undefined ? "-" : `${num.format(value)}/s`;
}
