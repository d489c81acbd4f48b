import type { webcrypto } from "node:crypto";
import { importJWK } from "jose";
import { signingJwks, type Jwks, type PublicJwk } from "../../../schemas/keys.js";
import { AllianceError, ErrorCode } from "../core/errors.js";
import { loadJwks } from "./keys.js";

/** What a directory says of a `kid` at a given time (the stream's receive time). */
export type KeyLookup =
  | { status: "active"; member: string; key: webcrypto.CryptoKey }
  | { status: "unknown" }
  | { status: "revoked"; member: string }
  | { status: "inactive"; member: string };

/**
 * Resolves signing keys for verifiers. The static directory below is the founding trust anchor;
 * the secretariat's live directory implements the same interface and folds signed membership
 * and key events over it.
 */
export interface KeyDirectory {
  lookup(kid: string, at: Date): KeyLookup;
  /**
   * Directories that follow a stream (the live one) have one: resolves once `lookup` answers for
   * a message received at `at` from a state that includes everything the stream held then, or
   * says why it cannot (not following, unreachable, stalled). The verifier asks before check 4 and
   * waits (a transient failure, never a verdict) on `ok: false`. A fixed directory has none.
   */
  caughtUp?(at: Date): Promise<CaughtUp>;
}

export type CaughtUp = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/** A fixed JWKS: every key in it is active, forever. Keys are imported once, at load. */
export class StaticKeyDirectory implements KeyDirectory {
  private constructor(private readonly keys: ReadonlyMap<string, { member: string; key: webcrypto.CryptoKey }>) {}

  static async fromJwks(jwks: Jwks): Promise<StaticKeyDirectory> {
    const keys = new Map<string, { member: string; key: webcrypto.CryptoKey }>();
    // Encryption keys (use "enc") sit beside the signing keys; they never verify a signature.
    for (const jwk of signingJwks(jwks)) {
      if (keys.has(jwk.kid)) throw new AllianceError(ErrorCode.DirectoryInvalid, `kid ${jwk.kid} appears twice in the directory`);
      keys.set(jwk.kid, { member: memberOfKid(jwk.kid), key: await importPublicJwk(jwk) });
    }
    return new StaticKeyDirectory(keys);
  }

  static async fromFile(path: string): Promise<StaticKeyDirectory> {
    return StaticKeyDirectory.fromJwks(loadJwks(path));
  }

  lookup(kid: string, _at?: Date): KeyLookup {
    const entry = this.keys.get(kid);
    return entry ? { status: "active", ...entry } : { status: "unknown" };
  }

  kids(): string[] {
    return [...this.keys.keys()];
  }
}

export function memberOfKid(kid: string): string {
  return kid.slice(0, kid.indexOf(":"));
}

export async function importPublicJwk(jwk: PublicJwk): Promise<webcrypto.CryptoKey> {
  const { kty, crv, x } = jwk;
  return (await importJWK({ kty, crv, x }, "EdDSA")) as webcrypto.CryptoKey;
}
