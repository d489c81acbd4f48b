import { z } from "zod";
import { MemberCode } from "../../schemas/protocol.js";
import type { Bus } from "../bus/core/bus.js";
import type { Logger } from "../bus/core/logger.js";
import { openJsonView, type JsonView } from "../bus/admin/json-view.js";
import { encRotationAt } from "../secretariat/state/lookup.js";
import type { GovState } from "../secretariat/state/types.js";
import { ViewBucket } from "../secretariat/views.js";
import { Level } from "./types.js";
import { Rule, type Check } from "./view.js";

/**
 * v1.1 §1b.1: each member's encryption key rotates on the config's epoch
 * (`encryption.rotationDays`). The monitor reads the secretariat's members and keys views (public
 * keys and their validity, nothing secret) and warns of every member whose current key is past
 * it, with the definition `alliance keys enc-status` uses (encRotationAt).
 */
export type KeyViews = Pick<GovState, "members" | "keys">;

export interface KeyViewsFeed {
  /** The views now; undefined when the secretariat has not written them (or they cannot be read). */
  read(): Promise<KeyViews | undefined>;
}

const Iso = z.iso.datetime({ offset: true });
const KeyEntry = z.looseObject({
  kid: z.string().max(200),
  jwk: z.looseObject({ kid: z.string().max(200), use: z.string().max(10).optional() }),
  validFrom: Iso.nullable(),
  supersededAt: Iso.optional(),
  revokedAt: Iso.optional(),
});
const KeyRing = z.looseObject({ origin: z.string().max(32), keys: z.array(KeyEntry).max(1_000) });
const MemberView = z.looseObject({
  code: MemberCode,
  status: z.enum(["active", "suspended", "withdrawn"]),
  history: z.array(z.looseObject({ status: z.enum(["active", "suspended", "withdrawn"]), since: Iso.nullable() })).max(1_000),
});

/** Reads ALLIANCE_SEC_MEMBERS and ALLIANCE_SEC_KEYS; an entry of another shape is left out, not trusted. */
export function createKeyViewsFeed(bus: Pick<Bus, "js" | "jsm">, replicas: number, log: Logger): KeyViewsFeed {
  let members: JsonView | undefined;
  let keys: JsonView | undefined;
  let warned = false;
  return {
    async read() {
      try {
        members ??= await openJsonView(bus.js, bus.jsm, ViewBucket.members, { replicas });
        keys ??= await openJsonView(bus.js, bus.jsm, ViewBucket.keys, { replicas });
        const out = { members: {}, keys: {} } as { members: Record<string, unknown>; keys: Record<string, unknown> };
        for (const [code, value] of await members.entries<unknown>()) {
          const parsed = MemberView.safeParse(value);
          if (parsed.success && parsed.data.code === code) out.members[code] = parsed.data;
          else log.warn({ member: code.slice(0, 32) }, "secretariat members view entry is malformed: ignored");
        }
        for (const [code, value] of await keys.entries<unknown>()) {
          const parsed = KeyRing.safeParse(value);
          if (parsed.success) out.keys[code] = parsed.data;
          else log.warn({ member: code.slice(0, 32) }, "secretariat keys view entry is malformed: ignored");
        }
        warned = false;
        return out as unknown as KeyViews;
      } catch (err) {
        if (!warned) log.debug({ err }, "no secretariat key views to read");
        warned = true;
        return undefined;
      }
    },
  };
}

/** `enc-key-rotation`: a warning for each active member whose current encryption key is past the epoch. */
export function keyRotationChecks(views: KeyViews, now: number, rotationDays: number): Check[] {
  const checks: Check[] = [];
  let active = 0;
  for (const code of Object.keys(views.members).sort()) {
    const found = encRotationAt(views, code, now, rotationDays);
    if (found.status !== "active") continue;
    active++;
    if (!found.due) continue;
    const days = found.since ? Math.floor((now - found.since.getTime()) / 86_400_000) : undefined;
    checks.push({
      rule: Rule.EncKeyRotation, level: Level.Warn, member: code, ...(days !== undefined ? { value: days } : {}),
      message: `Member ${code}'s encryption key ${found.kid} is ${days ?? "?"} days old: its rotation is due (every ${rotationDays} days; alliance keys rotate-enc).`,
    });
  }
  return checks.length > 0 ? checks : [{ rule: Rule.EncKeyRotation, level: Level.Ok, message: `No encryption key is past its ${rotationDays}-day rotation (${active} current).` }];
}
