import { randomUUID } from "node:crypto";
import { generateMemberKey, signerFromJwk, toPublicJwk, type Signer } from "../../services/bus/keys/keys.js";
import { StaticKeyDirectory } from "../../services/bus/keys/directory.js";
import { signDetached } from "../../services/bus/wire/jws.js";
import { Header } from "../../services/bus/wire/headers.js";
import type { IncomingMessage } from "../../services/bus/wire/verify.js";
import { demoScenario } from "../../services/demo/scenario.js";
import type { PrivateJwk } from "../../schemas/keys.js";

/** Members with fresh keys, and a static directory of their public halves. */
export async function makeMembers(codes: readonly string[] = ["fr", "es", "ma", "sec"]) {
  const jwks: PrivateJwk[] = [];
  const signers: Record<string, Signer> = {};
  for (const code of codes) {
    const jwk = await generateMemberKey(code as never);
    jwks.push(jwk);
    signers[code] = await signerFromJwk(jwk);
  }
  const publicJwks = { keys: jwks.map(toPublicJwk) };
  return { signers, jwks, publicJwks, directory: await StaticKeyDirectory.fromJwks(publicJwks) };
}

/** A valid crime bulletin's `data`, taken from the demo scenario. */
export function sampleCrimeBulletin(): unknown {
  const found = demoScenario.find((m) => m.channel === "crime" && m.kind === "bulletin");
  if (!found) throw new Error("the demo scenario has no crime bulletin");
  return structuredClone(found.data);
}

export function sampleEnvelope(source: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: "1.0",
    id: randomUUID(),
    source,
    type: "alliance.crime.bulletin.v1",
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    tlp: "AMBER",
    lang: "fr",
    data: sampleCrimeBulletin(),
    ...overrides,
  };
}

export interface Crafted {
  subject: string;
  body: Uint8Array;
  headers: Record<string, string>;
}

/**
 * A message built by hand, so that each field can be made hostile on its own: by default a valid
 * message from `signer`, signed over `body` with `kid`.
 */
export async function craft(signer: Signer, options: { envelope?: Record<string, unknown>; body?: Uint8Array; kid?: string; subject?: string; headers?: Record<string, string> } = {}): Promise<Crafted> {
  const envelope = options.envelope ?? sampleEnvelope(signer.origin);
  const body = options.body ?? new TextEncoder().encode(JSON.stringify(envelope));
  const signature = await signDetached(body, options.kid ?? signer.kid, signer.key);
  return {
    subject: options.subject ?? `alliance.crime.${String(envelope.source)}.bulletin`,
    body,
    headers: { [Header.MsgId]: String(envelope.id), [Header.Signature]: signature, ...options.headers },
  };
}

export function incoming(msg: Crafted, receivedAt = new Date()): IncomingMessage {
  return { subject: msg.subject, body: msg.body, header: (name) => msg.headers[name], receivedAt };
}

export function b64url(value: string | object): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}
