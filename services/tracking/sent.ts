import { appendFileSync, chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { DataContentType } from "../../schemas/protocol.js";
import { dataSchemaFor } from "../../schemas/registry.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";

/**
 * The plaintext of this member's own sealed events, kept on its own side (v1.1 §1b.2). A sealed
 * event is opened only by its listed recipients, and its originator is not one: what the
 * originator knows of its own request (subject, to, due) it knows from what it signed, so a fold
 * rebuilt from the streams takes it from here. Never written to the broker.
 */
export interface SentLog {
  remember(event: AllianceEvent): void;
  lookup(id: string): AllianceEvent | undefined;
}

/** What a sent log keeps (config `tracking.sentLog`, with `maxAgeDays` resolved). */
export interface SentLogLimits {
  /** Entries whose signed `time` is older than this are dropped. */
  readonly maxAgeDays: number;
  /** Beyond this many, the oldest (by signed `time`) are dropped. */
  readonly maxEntries: number;
  /** The clock that ages entries (default Date.now). */
  readonly now?: () => number;
}

/** The limits in force: `tracking.sentLog` of the config, the age defaulting to the streams' max age. */
export function sentLogLimits(config: { readonly tracking: { readonly sentLog: { readonly maxAgeDays?: number | undefined; readonly maxEntries: number } }; readonly bounds: { readonly streamMaxAgeDays: number } }): SentLogLimits {
  return { maxAgeDays: config.tracking.sentLog.maxAgeDays ?? config.bounds.streamMaxAgeDays, maxEntries: config.tracking.sentLog.maxEntries };
}

/** The entries `limits` keep, oldest first: none older than the age, at most the count (the newest). */
function kept(events: Iterable<AllianceEvent>, limits: SentLogLimits | undefined): AllianceEvent[] {
  const all = [...events];
  if (!limits) return all;
  const oldest = (limits.now ?? Date.now)() - limits.maxAgeDays * 86_400_000;
  const young = all.filter((e) => Date.parse(e.time) >= oldest).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return young.slice(Math.max(0, young.length - limits.maxEntries));
}

/**
 * Once over `maxEntries`, a log is cut back to this share of it: it rewrites itself once per
 * tenth of the limit, not on every event.
 */
const PRUNE_TO = 0.9;

export function memorySentLog(limits?: SentLogLimits): SentLog & { size(): number; prune(): number } {
  const events = new Map<string, AllianceEvent>();
  const prune = (target = limits?.maxEntries) => {
    const keep = kept(events.values(), limits && target !== undefined ? { ...limits, maxEntries: target } : limits);
    const dropped = events.size - keep.length;
    events.clear();
    for (const e of keep) events.set(e.id, e);
    return dropped;
  };
  return {
    remember(e) {
      events.set(e.id, e);
      if (limits && events.size > limits.maxEntries) prune(Math.max(1, Math.floor(limits.maxEntries * PRUNE_TO)));
    },
    lookup: (id) => events.get(id),
    size: () => events.size,
    prune: () => prune(),
  };
}

/**
 * A JSON-lines file (mode 0600) beside the member's keys: one plain event a line, read once.
 * With `limits`, what they drop is dropped when the file is opened and whenever it grows past
 * `maxEntries`: the file is rewritten (a temporary file renamed over it, so a crash leaves the old
 * or the new one whole).
 */
export function fileSentLog(path: string, limits?: SentLogLimits): SentLog & { size(): number; prune(): number } {
  // By id: a line written twice for one id (a re-send) counts once, the last one wins.
  const ids = new Map<string, AllianceEvent>();
  let lines = 0;
  if (existsSync(path)) {
    for (const [n, line] of readFileSync(path, "utf8").split("\n").entries()) {
      if (line.trim() === "") continue;
      let event: AllianceEvent;
      try {
        event = JSON.parse(line) as AllianceEvent;
      } catch {
        throw new AllianceError(ErrorCode.UsageInvalid, `${path}: line ${n + 1} is not JSON`);
      }
      ids.set(event.id, event);
      lines++;
    }
  }
  const rewrite = (target: number): number => {
    const keep = kept(ids.values(), limits ? { ...limits, maxEntries: target } : undefined);
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, keep.map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
    const dropped = ids.size - keep.length;
    ids.clear();
    for (const e of keep) ids.set(e.id, e);
    lines = keep.length;
    return dropped;
  };
  if (limits && lines > 0 && (lines > ids.size || kept(ids.values(), limits).length < ids.size)) rewrite(limits.maxEntries);
  return {
    lookup: (id) => ids.get(id),
    remember(event) {
      appendFileSync(path, `${JSON.stringify(event)}\n`, { mode: 0o600 });
      chmodSync(path, 0o600);
      ids.set(event.id, event);
      lines++;
      if (limits && ids.size > limits.maxEntries) rewrite(Math.max(1, Math.floor(limits.maxEntries * PRUNE_TO)));
    },
    size: () => ids.size,
    prune: () => (limits ? rewrite(limits.maxEntries) : 0),
  };
}

/**
 * This member's own sealed event from the stream, with the plaintext it remembers signing: only
 * when the signed envelope says the same (id, source, type, time, recipients) and the remembered
 * data passes the schema of its type. Anything else stays as the stream has it (metadata only).
 */
export function ownPlaintext(event: AllianceEvent, member: string, sent: SentLog | undefined): AllianceEvent {
  if (event.datacontenttype !== DataContentType.Sealed || event.source !== member || !sent) return event;
  const mine = sent.lookup(event.id);
  if (!mine || mine.source !== member || mine.type !== event.type || Date.parse(mine.time) !== Date.parse(event.time)) return event;
  if (JSON.stringify(mine.recipients ?? []) !== JSON.stringify(event.recipients ?? [])) return event;
  const data = dataSchemaFor(event.type)?.safeParse(mine.data);
  if (!data?.success) return event;
  return { ...event, datacontenttype: DataContentType.Json, data: data.data };
}
