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
        return [...byMember].map(([member, v]) => ({
          member, at: "", requests: (v.requests ?? []) as MemberViews["requests"], recalls: (v.recalls ?? []) as MemberViews["recalls"], receipts: (v.receipts ?? []) as MemberViews["receipts"],
        }));
      } catch (err) {
        if (!warned) log.debug({ err }, "no tracking views to read");
        warned = true;
        return [];
      }
    },
  };
}
