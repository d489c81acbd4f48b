import type { AllianceConfig } from "../../../schemas/config.js";
import type { Jwks } from "../../../schemas/keys.js";
import { jwkThumbprint, originOfKid } from "./helpers.js";
import { SECRETARIAT_ORIGIN } from "./lookup.js";
import type { GovState, KeyRing, MemberView } from "./types.js";

/**
 * The state before the first event: the founding members of the config, each active since the
 * founding, and the keys of the founding directory (the trust anchor), valid since then. A kid
 * of the directory whose origin the config does not list is a founding member all the same, as
 * the static directory treats it.
 */
export function foundingState(config: Pick<AllianceConfig, "members">, directory: Jwks): GovState {
  const members: Record<string, MemberView> = {};
  const founding = (code: string): MemberView => ({
    code, founding: true, status: "active", history: [{ status: "active", since: null, event: null }], admissions: [],
  });
  for (const m of config.members) {
    members[m.code] = { ...founding(m.code), country: { en: m.country.en, native: m.country.native }, ministry: m.ministry, lang: m.lang };
  }
  const keys: Record<string, KeyRing> = {};
  for (const jwk of directory.keys) {
    const origin = originOfKid(jwk.kid);
    if (origin !== SECRETARIAT_ORIGIN && !members[origin]) members[origin] = founding(origin);
    const ring = keys[origin] ?? { origin, keys: [] };
    keys[origin] = { ...ring, keys: [...ring.keys, { kid: jwk.kid, jwk, thumbprint: jwkThumbprint(jwk), validFrom: null, addedBy: null }] };
  }
  return { lastSeq: 0, members, keys, matters: {}, model: { adopted: null }, groups: {}, projects: {}, declarations: {}, refusals: {} };
}
