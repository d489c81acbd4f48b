import { DataContentType } from "../../../schemas/protocol.js";
import { crossFieldRule, dataSchemaFor } from "../../../schemas/registry.js";
import { sealedAad, type SealedData } from "../../../schemas/sealed.js";
import { z } from "zod";
import { openJwe, type PrivateKeyring } from "../wire/jwe.js";
import { Reason } from "../wire/reasons.js";
import { parseJsonSafely } from "../wire/safe-json.js";
import type { Verdict, Verifier } from "../wire/verify.js";

export interface UnsealDeps {
  /** The member this subscriber reads for. */
  readonly member: string;
  /** Its current and rotated-out encryption private keys. */
  readonly keyring: PrivateKeyring;
  readonly bounds: { readonly maxDepth: number };
}

const reject = (reason: Reason, detail: string): Verdict => ({ ok: false, reason, detail });

/**
 * The recipient's step after checks 1–8 (v1.1 §1b.2), composed with a verifier: a sealed event
 * listing `member` is opened with its keys, its `aad` compared with the envelope, its plaintext
 * validated by the schema of its `type`; the verdict then carries the plain event and `sealed`.
 * Failures are `undecryptable` (no key of ours, bad wrap or tag, `aad` of another envelope) or
 * `schema`. A sealed event not listing `member` passes through sealed: the subscriber acks it
 * without a handler. Plain events pass through untouched.
 *
 * @example subscribe({ ..., member: "es", verify: withUnseal(createVerifier(deps), { member: "es", keyring, bounds }) })
 */
export function withUnseal(verify: Verifier, { member, keyring, bounds }: UnsealDeps): Verifier {
  return async (msg) => {
    const verdict = await verify(msg);
    if (!verdict.ok || verdict.event.datacontenttype !== DataContentType.Sealed) return verdict;
    const { event } = verdict;
    const recipients = event.recipients ?? [];
    if (!recipients.includes(member)) return verdict;
    const jwe = event.data as SealedData;
    // The aad binds the ciphertext to this envelope: one lifted from another message is refused here.
    const expected = sealedAad(event);
    if (jwe.aad !== expected) return reject(Reason.Undecryptable, `aad ${jwe.aad.slice(0, 80)} is not this envelope's (${expected.slice(0, 80)})`);
    const opened = openJwe(jwe, member, keyring);
    if (!opened.ok) return reject(Reason.Undecryptable, opened.detail);
    const json = parseJsonSafely(opened.plaintext, bounds.maxDepth);
    if (!json.ok) return reject(Reason.Schema, `sealed plaintext: ${json.detail}`);
    const schema = dataSchemaFor(event.type);
    if (!schema) return reject(Reason.Schema, `unknown type ${event.type}`);
    const data = schema.safeParse(json.value);
    if (!data.success) return reject(Reason.Schema, `sealed plaintext: ${z.prettifyError(data.error)}`);
    const plain = { ...event, datacontenttype: DataContentType.Json, data: data.data };
    // The rules between envelope and data (a request's due time) hold for an opened event too.
    const broken = crossFieldRule(plain);
    if (broken) return reject(Reason.Schema, `sealed plaintext: ${broken}`);
    return { ok: true, kid: verdict.kid, event: plain, sealed: { recipients, kid: opened.kid } };
  };
}
