import { Channel, parseEventType, type OriginCode } from "../../../schemas/protocol.js";
import { ALL_REASONS, type Reason } from "./reasons.js";

/** Subjects and stream names of wire protocol v1, defined here and nowhere else. */
export const SUBJECT_ROOT = "alliance";
export const QUARANTINE_TOKEN = "quarantine";

export const StreamName = {
  crime: "ALLIANCE_CRIME",
  extremism: "ALLIANCE_EXTREMISM",
  border: "ALLIANCE_BORDER",
  secretariat: "ALLIANCE_SECRETARIAT",
  quarantine: "ALLIANCE_QUARANTINE",
} as const satisfies Record<Channel | typeof QUARANTINE_TOKEN, string>;
export type StreamName = (typeof StreamName)[keyof typeof StreamName];

export function channelSubject(channel: Channel | typeof QUARANTINE_TOKEN): string {
  return `${SUBJECT_ROOT}.${channel}.>`;
}

export function eventSubject(channel: Channel, origin: OriginCode, kind: string): string {
  return `${SUBJECT_ROOT}.${channel}.${origin}.${kind}`;
}

/**
 * Quarantine copies are written under their writer's own prefix, `alliance.quarantine.<writer>.<reason>`
 * (docs/protocol.md §7): the broker lets each identity publish under its own code only, so the
 * subject, never a header, says who wrote an entry.
 */
export function quarantineSubject(writer: string, reason: Reason): string {
  return `${SUBJECT_ROOT}.${QUARANTINE_TOKEN}.${writer}.${reason}`;
}

/**
 * Everything one writer may publish into the quarantine stream, its broker permission: one subject
 * per reason, named. With `<writer>.>` it could spread copies over endless subjects and the
 * stream's per-subject cap would bound nothing (docs/security.md, "Quotas").
 */
export function quarantineWriterSubjects(writer: string): string[] {
  return ALL_REASONS.map((reason) => quarantineSubject(writer, reason));
}

/** A filter on the quarantine stream: one writer, one reason, both, or neither. */
export function quarantineFilter(selector: { readonly writer?: string; readonly reason?: Reason } = {}): string {
  return `${SUBJECT_ROOT}.${QUARANTINE_TOKEN}.${selector.writer ?? "*"}.${selector.reason ?? "*"}`;
}

/** Who wrote a quarantine entry and why, read from its subject; undefined outside the layout. */
export function parseQuarantineSubject(subject: string): { writer: string; reason: string } | undefined {
  const parts = subject.split(".");
  if (parts.length !== 4 || parts[0] !== SUBJECT_ROOT || parts[1] !== QUARANTINE_TOKEN) return undefined;
  return { writer: parts[2]!, reason: parts[3]! };
}

/** The subject a body must travel on: derived from its signed `type` and `source`. */
export function derivedSubject(type: string, source: string): string | undefined {
  const parsed = parseEventType(type);
  if (!parsed || !Channel.safeParse(parsed.channel).success) return undefined;
  return `${SUBJECT_ROOT}.${parsed.channel}.${source}.${parsed.kind}`;
}

export function streamForChannel(channel: Channel): StreamName {
  return StreamName[channel];
}
