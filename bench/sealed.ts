import { performance } from "node:perf_hooks";
import { GeneralEncrypt, generalDecrypt, importJWK } from "jose";
import type { EncPrivateJwk } from "../schemas/keys.js";
import { sealedAad } from "../schemas/sealed.js";
import { withUnseal } from "../services/bus/consume/unseal.js";
import { openProcessedRecord } from "../services/bus/consume/idempotency.js";
import { subscribe } from "../services/bus/consume/subscriber.js";
import { generateEncryptionKey, StaticEncryptionDirectory, toPublicEncJwk } from "../services/bus/keys/encryption.js";
import { EncKeyring } from "../services/bus/keys/keyring.js";
import { createPublisher } from "../services/bus/publish/publisher.js";
import { openJwe, sealJwe } from "../services/bus/wire/jwe.js";
import { StreamName } from "../services/bus/wire/subjects.js";
import { createVerifier } from "../services/bus/wire/verify.js";
import type { BenchEnv } from "./env.js";
import { BULLETIN, BULLETIN_DATA } from "./payload.js";
import { measureThroughput, type ThroughputResult, type ThroughputSettings } from "./throughput.js";
import { secureWorkload, type Workload } from "./workloads.js";

/**
 * Sealed distribution (v1.1 §1b.2) beside the plain signed path: throughput of publish and consume
 * sealed to 1, 3 and 7 recipients (the consumer is one recipient, which opens every message), and
 * the JWE arithmetic alone, node:crypto (what the SDK uses) against jose (the reference).
 * Registered in bench/run.ts as the `sealed` part (`--only sealed`).
 */
export const SEALED_RECIPIENTS = [1, 3, 7] as const;
const MEMBERS = ["es", "ma", "sn", "it", "ae", "bh", "fr"] as const;

export interface SealedCryptoReading {
  readonly recipients: number;
  /** Microseconds per seal or open, one bulletin at a time. */
  readonly sealUs: { readonly native: number; readonly jose: number | null };
  readonly openUs: { readonly native: number; readonly jose: number };
}

export interface SealedReading {
  readonly plain: ThroughputResult;
  readonly sealed: Record<number, ThroughputResult>;
  readonly crypto: SealedCryptoReading[];
}

async function encryptionKeys(): Promise<Record<string, EncPrivateJwk>> {
  const keys: Record<string, EncPrivateJwk> = {};
  for (const code of MEMBERS) keys[code] = await generateEncryptionKey(code);
  return keys;
}

/** The secure workload, sealed to the first `n` members; the consumer reads as `es`, a recipient. */
export function sealedWorkload(env: BenchEnv, n: number, keys: Record<string, EncPrivateJwk>): Workload {
  const { js, jsm } = env.bus;
  const directory = StaticEncryptionDirectory.fromJwks({ keys: Object.values(keys).map(toPublicEncJwk) });
  const publisher = createPublisher({ js, signer: env.signers.fr!, bounds: env.config.bounds, log: env.log, sealing: { directory } });
  const recipients = MEMBERS.slice(0, n);
  const verify = withUnseal(createVerifier({ bounds: env.config.bounds, directory: env.directory }), { member: "es", keyring: new EncKeyring([keys.es!]), bounds: env.config.bounds });
  return {
    name: `sealed-${n}`,
    title: `secure, sealed to ${n} recipient${n === 1 ? "" : "s"}`,
    publishOne: (id) => publisher.publish({ ...BULLETIN, id, recipients: [...recipients] }),
    startConsumer: (durable, startFrom, onHandled) =>
      subscribe({
        js, jsm, verify, log: env.log, member: "es",
        consumer: { stream: StreamName.crime, durable, startFrom, settings: env.config.subscriber },
        processed: (name) => openProcessedRecord(js, name, env.config.bounds),
        handler: async (event, ctx) => {
          if (!ctx.sealed) throw new Error("bench: a sealed message reached the handler unopened");
          onHandled(event.id, ctx.receivedAt.getTime());
        },
        onRejected: (rejection) => env.log.error({ rejection }, "bench message rejected: the sealed path is broken"),
      }),
  };
}

function perOpUs(iterations: number, op: () => unknown): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) op();
  return ((performance.now() - start) * 1000) / iterations;
}

async function perOpUsAsync(iterations: number, op: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await op();
  return ((performance.now() - start) * 1000) / iterations;
}

/** The JWE arithmetic alone: node:crypto seal and open, against jose's GeneralEncrypt and generalDecrypt. */
export async function measureSealedCrypto(iterations: number, keys?: Record<string, EncPrivateJwk>): Promise<SealedCryptoReading[]> {
  const k = keys ?? (await encryptionKeys());
  const plaintext = Buffer.from(JSON.stringify(BULLETIN_DATA), "utf8");
  const aad = sealedAad({ source: "fr", id: "0b9c4f6e-2d1a-4c8e-9f3b-7a5d1e2c3b4a", type: "alliance.crime.bulletin.v1" });
  const esPrivate = await importJWK(k.es!, "ECDH-ES+A256KW");
  const readings: SealedCryptoReading[] = [];
  for (const n of SEALED_RECIPIENTS) {
    const to = MEMBERS.slice(0, n).map((c) => toPublicEncJwk(k[c]!));
    const joseKeys = await Promise.all(to.map((jwk) => importJWK(jwk, "ECDH-ES+A256KW")));
    const ring = new EncKeyring([k.es!]);
    const sealed = sealJwe(plaintext, to, aad);
    const native = perOpUs(iterations, () => sealJwe(plaintext, to, aad));
    // jose moves epk into the protected header for a single recipient, which §1b.2 excludes: not comparable there.
    const jose = n < 2 ? null : await perOpUsAsync(iterations, () => {
      const enc = new GeneralEncrypt(plaintext).setProtectedHeader({ enc: "A256GCM" }).setAdditionalAuthenticatedData(Buffer.from(aad, "base64url"));
      to.forEach((jwk, i) => enc.addRecipient(joseKeys[i]!).setUnprotectedHeader({ alg: "ECDH-ES+A256KW", kid: jwk.kid }));
      return enc.encrypt();
    });
    const openNative = perOpUs(iterations, () => openJwe(sealed, "es", ring));
    const openJose = await perOpUsAsync(iterations, () => generalDecrypt(sealed, esPrivate, { keyManagementAlgorithms: ["ECDH-ES+A256KW"], contentEncryptionAlgorithms: ["A256GCM"] }));
    readings.push({ recipients: n, sealUs: { native, jose }, openUs: { native: openNative, jose: openJose } });
  }
  return readings;
}

/** One round: the plain signed path, then sealed to 1, 3 and 7, then the arithmetic. */
export async function measureSealed(env: BenchEnv, settings: ThroughputSettings & { cryptoIterations: number }): Promise<SealedReading> {
  const keys = await encryptionKeys();
  const plain = await measureThroughput(env, secureWorkload(env), settings);
  const sealed: Record<number, ThroughputResult> = {};
  for (const n of SEALED_RECIPIENTS) sealed[n] = await measureThroughput(env, sealedWorkload(env, n, keys), settings);
  return { plain, sealed, crypto: await measureSealedCrypto(settings.cryptoIterations, keys) };
}

/** A table of one reading: msgs/s of each phase, and µs per seal/open. */
export function renderSealed(r: SealedReading): string {
  const row = (name: string, t: ThroughputResult) => `  ${name.padEnd(12)} publish ${t.publish.msgsPerSec.toFixed(0).padStart(7)}/s  consume ${t.consume.msgsPerSec.toFixed(0).padStart(7)}/s  end-to-end ${t.endToEnd.msgsPerSec.toFixed(0).padStart(7)}/s`;
  const lines = ["sealed distribution (v1.1), msgs/s:", row("plain", r.plain), ...SEALED_RECIPIENTS.map((n) => row(`sealed to ${n}`, r.sealed[n]!))];
  lines.push("JWE arithmetic, µs per bulletin (node:crypto | jose):");
  for (const c of r.crypto) lines.push(`  ${String(c.recipients).padStart(2)} recipient(s)  seal ${c.sealUs.native.toFixed(0)} | ${c.sealUs.jose === null ? "n/a" : c.sealUs.jose.toFixed(0)}   open ${c.openUs.native.toFixed(0)} | ${c.openUs.jose.toFixed(0)}`);
  return lines.join("\n");
}
