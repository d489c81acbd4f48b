import { z } from "zod";
import { RequestUrgency } from "../../schemas/data/tracking.js";
import { Timestamp } from "../../schemas/data/common.js";
import { MemberCode, OriginCode } from "../../schemas/protocol.js";
import type { Bus } from "../bus/core/bus.js";
import type { Logger } from "../bus/core/logger.js";
import { openJsonView, type JsonView } from "../bus/admin/json-view.js";
import { TRACKING_BUCKET } from "../tracking/bucket.js";
import type { MemberViews } from "../tracking/service.js";

/**
 * Reads the members' v1.1 tracking views from KV (`<member>.requests`, `.recalls`, `.receipts`),
 * each written by that member from what it folded of the streams. Sealed requests and receipts
 * are readable only by their parties, so the monitor takes their word through these views; the
 * deadlines in them are signed times, which the monitor only compares with its clock.
 */
export interface TrackingFeed {
  /** The views now; an empty list when the bucket does not exist (no member publishes views). */
  read(): Promise<MemberViews[]>;
}

export function createTrackingFeed(bus: Pick<Bus, "js" | "jsm">, replicas: number, log: Logger): TrackingFeed {
  let view: JsonView | undefined;
  let warned = false;
  return {
    async read() {
      try {
        view ??= await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas });
        const byMember = new Map<string, Record<string, unknown>>();
        for (const [key, value] of await view.entries<unknown>()) {
          const dot = key.indexOf(".");
          const member = key.slice(0, dot);
          byMember.set(member, { ...(byMember.get(member) ?? {}), [key.slice(dot + 1)]: value });
        }
        warned = false;
        return [...byMember].flatMap(([member, v]) => {
          const parsed = WrittenViews.safeParse({ requests: v.requests ?? [], recalls: v.recalls ?? [], receipts: v.receipts ?? [] });
          if (!parsed.success) {
            log.warn({ member, problem: z.prettifyError(parsed.error).slice(0, 500) }, "tracking views of this member are malformed: ignored");
            return [];
          }
          // The rules read only the fields checked above (the rest is kept for whoever reads the views whole).
          return [{ member, at: "", ...ownClaims(member, parsed.data) } as unknown as MemberViews];
        });
      } catch (err) {
        if (!warned) log.debug({ err }, "no tracking views to read");
        warned = true;
        return [];
      }
    },
  };
}

/**
 * What the rules read of a member's views (tracking-rules.ts), checked: each member writes its own
 * keys with whatever it likes, and a value of another shape must not stop the monitor.
 */
const list = <T extends z.ZodType>(item: T) => z.array(item).max(10_000);
const WrittenViews = z.object({
  requests: list(z.looseObject({
    id: z.string().max(64), from: OriginCode, to: list(MemberCode), pending: list(MemberCode), subject: z.string().max(200),
    urgency: RequestUrgency, limitSeconds: z.number().positive().max(1e9), time: Timestamp, due: Timestamp,
  })),
  receipts: list(z.looseObject({ event: z.string().max(64), source: OriginCode.optional(), time: Timestamp.optional(), missing: list(MemberCode), retract: z.unknown().optional() })),
  recalls: list(z.looseObject({ event: z.string().max(64), time: Timestamp, deadline: Timestamp, pending: list(MemberCode) })),
});

/**
 * A member's word counts for its own requests and events, and for itself as one asked: it may not
 * raise alerts in another member's name (a request "from" someone else, someone else's receipts).
 */
function ownClaims(member: string, views: z.infer<typeof WrittenViews>) {
  return {
    requests: views.requests.flatMap((r) => r.from === member ? [r] : r.to.includes(member) ? [{ ...r, pending: r.pending.filter((m) => m === member) }] : []),
    receipts: views.receipts.filter((e) => e.source === undefined || e.source === member),
    recalls: views.recalls,
  };
}
