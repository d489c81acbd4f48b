import { appendFileSync, chmodSync, existsSync, readFileSync } from "node:fs";
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

export function memorySentLog(): SentLog {
  const events = new Map<string, AllianceEvent>();
  return { remember: (e) => void events.set(e.id, e), lookup: (id) => events.get(id) };
}

/** A JSON-lines file (mode 0600) beside the member's keys: one plain event a line, read once. */
export function fileSentLog(path: string): SentLog {
  const log = memorySentLog();
  if (existsSync(path)) {
    for (const [n, line] of readFileSync(path, "utf8").split("\n").entries()) {
      if (line.trim() === "") continue;
      try {
        log.remember(JSON.parse(line) as AllianceEvent);
      } catch {
        throw new AllianceError(ErrorCode.UsageInvalid, `${path}: line ${n + 1} is not JSON`);
      }
    }
  }
  return {
    lookup: log.lookup,
    remember(event) {
      appendFileSync(path, `${JSON.stringify(event)}\n`, { mode: 0o600 });
      chmodSync(path, 0o600);
      log.remember(event);
    },
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
