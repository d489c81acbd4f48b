import { flattenedVerify, importJWK, type CryptoKey } from "jose";
import type { JsMsg } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { parseEvent } from "../schemas/registry.js";
import { ensureConsumer } from "../services/bus/admin/consumer.js";
import { PROCESSED_BUCKET } from "../services/bus/consume/idempotency.js";
import { Header } from "../services/bus/wire/headers.js";
import { StreamName } from "../services/bus/wire/subjects.js";
import type { BenchEnv } from "./env.js";
import { PULL_BATCH, rotatingPublisher, type Workload } from "./workloads.js";

/**
 * What a ministry's team would write by hand with the same packages and the same checks, the
 * peer the bus must beat: a pull consumer; per message, jose's `flattenedVerify` on the detached
 * JWS (the key by kid from the same directory), `JSON.parse` and the zod schemas of the registry,
 * a KV lookup of the id awaited, the handler, a KV put awaited, then the ack; one message at a
 * time. It publishes with the bus's publisher (the same messages, so that only the consuming side
 * differs). It skips what the bus adds on top (strict JSON, subject and id binding, skew): it is
 * the cheaper of the two by construction.
 */
export function handrolledWorkload(env: BenchEnv, origins: readonly string[]): Workload {
  const { js, jsm } = env.bus;
  const publishOne = rotatingPublisher(env, origins);
  const keys = new Map<string, CryptoKey>();
  const keyFor = async (kid: string): Promise<CryptoKey> => {
    let key = keys.get(kid);
    if (!key) {
      const jwk = env.jwks.keys.find((k) => k.kid === kid);
      if (!jwk) throw new Error(`unknown kid ${kid}`);
      key = (await importJWK(jwk, "EdDSA")) as CryptoKey;
      keys.set(kid, key);
    }
    return key;
  };
  const decoder = new TextDecoder();
  return {
    name: `handrolled-${origins.length}`,
    title: `hand-rolled, ${origins.length} origin${origins.length === 1 ? "" : "s"}`,
    latency: false,
    publishOne,
    async startConsumer(durable, startFrom, onHandled) {
      const name = await ensureConsumer(jsm, { stream: StreamName.crime, durable, startFrom, settings: env.config.subscriber });
      const kv = await new Kvm(js).create(PROCESSED_BUCKET, { history: 1 });
      const consumer = await js.consumers.get(StreamName.crime, name);
      const messages = await consumer.consume({ max_messages: PULL_BATCH, idle_heartbeat: 5_000, expires: 30_000 });
      const handle = async (msg: JsMsg) => {
        const [protectedB64, , signature] = (msg.headers?.get(Header.Signature) ?? "").split(".");
        const { kid } = JSON.parse(Buffer.from(protectedB64 ?? "", "base64url").toString("utf8")) as { kid: string };
        await flattenedVerify({ protected: protectedB64!, payload: msg.data, signature: signature! }, await keyFor(kid));
        const parsed = parseEvent(JSON.parse(decoder.decode(msg.data)));
        if (!parsed.success) throw new Error(parsed.error);
        const key = `${name}.${parsed.event.id}`;
        if ((await kv.get(key))?.operation === "PUT") return msg.ack();
        onHandled(parsed.event.id, msg.info.timestampNanos / 1e6);
        await kv.put(key, `${msg.info.stream}:${msg.info.streamSequence}`);
        msg.ack();
      };
      const loop = (async () => {
        for await (const msg of messages as AsyncIterable<JsMsg>) {
          await handle(msg).catch((err: unknown) => {
            env.log.error({ err }, "bench: hand-rolled consumer refused a message");
            msg.term();
          });
        }
      })();
      return {
        async stop() {
          messages.stop();
          await loop;
        },
      };
    },
  };
}
