import { Channel, parseEventType, type OriginCode } from "../../../schemas/protocol.js";
import type { Reason } from "./reasons.js";

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

export function quarantineSubject(reason: Reason): string {
  return `${SUBJECT_ROOT}.${QUARANTINE_TOKEN}.${reason}`;
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
