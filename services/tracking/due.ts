import { DIRECTIVE_LIMIT_SECONDS, type RequestUrgency } from "../../schemas/data/tracking.js";
import type { TrackingConfig } from "../../schemas/tracking.js";

/**
 * Deadlines of v1.1 §1b.4, from the signed `time` of a request and the limit in force. The limit
 * is the directive's unless the member's config shortens it; it is signed into the request
 * (`limitSeconds`), so receivers use the request's own figure and never their config.
 */

/** The time limit this member puts into a request of `urgency`. */
export function limitInForce(urgency: RequestUrgency, config?: Pick<TrackingConfig, "limitSeconds">): number {
  return config?.limitSeconds[urgency] ?? DIRECTIVE_LIMIT_SECONDS[urgency];
}

/** `time` + `limitSeconds`, as the RFC 3339 instant a request carries in `due`. */
export function dueAt(time: string | Date, limitSeconds: number): string {
  const signed = typeof time === "string" ? Date.parse(time) : time.getTime();
  return new Date(signed + limitSeconds * 1000).toISOString();
}

export const DueLevel = { Ok: "ok", Warn: "warn", Overdue: "overdue" } as const;
export type DueLevel = (typeof DueLevel)[keyof typeof DueLevel];

/**
 * Where a pending request stands at `now`: `warn` from `warnRatio` of its limit on, `overdue` at
 * its due instant. `now` is the caller's: every member given the same `now` gets the same answer.
 */
export function dueLevel(request: { time: string; limitSeconds: number }, now: number, warnRatio = 0.75): DueLevel {
  const start = Date.parse(request.time);
  const limitMs = request.limitSeconds * 1000;
  if (now >= start + limitMs) return DueLevel.Overdue;
  if (now >= start + warnRatio * limitMs) return DueLevel.Warn;
  return DueLevel.Ok;
}
