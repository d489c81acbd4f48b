// A ministry system on the bus with the TypeScript SDK: publish a signed bulletin, then read the
// crime channel through a consumer declared for this identity, every message verified first.
// Run it with the variables the `alliance` command reads (or `ALLIANCE_CONTEXT=ae`):
//   NATS_URL=tls://bus.example:4222 NATS_CREDS=creds/ae.nk NATS_CA=certs/ca.pem \
//   ALLIANCE_KEY=keys/ae.jwk ALLIANCE_DIRECTORY=keys/directory.json npx tsx desk.ts
import { readFileSync } from "node:fs";
import {
  connect, createLogger, createPublisher, createVerifier, loadSigner, openProcessedRecord,
  StaticKeyDirectory, StreamName, subscribe,
} from "alliance-bus";

const log = createLogger({ name: "ae-crime-desk" });
// Fails at once with a stable code (ERR_CONNECT_AUTH, ERR_CONNECT_TLS_VERIFY, ERR_NO_STREAM, …),
// never hangs; the streams are the administrator's to provision (`alliance streams`).
const bus = await connect({ name: "ae-crime-desk", log, streams: [StreamName.crime] });
const { config, settings } = bus;

// Publish: built, validated, signed and published with Nats-Msg-Id = id, retried with the same id
// through timeouts and leader elections.
const signer = await loadSigner(settings.signingKey ?? "keys/ae.jwk");
const publisher = createPublisher({ js: bus.js, signer, bounds: config.bounds, log });
const data = JSON.parse(readFileSync(new URL("../data/crime-bulletin.json", import.meta.url), "utf8"));
const receipt = await publisher.publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "fr", data });
console.log(`published ${receipt.id} as ${receipt.stream}#${receipt.seq}`);

// Subscribe through `ae-desk`, the consumer declared for `ae` in config access.consumers: every
// check of the protocol runs before the handler; its success acks, its failure naks with
// backoff; rejected messages go to quarantine with their reason.
const directory = await StaticKeyDirectory.fromFile(settings.directory ?? "keys/directory.json");
let resolveSeen!: () => void;
const seen = new Promise<void>((resolve) => (resolveSeen = resolve));
const sub = await subscribe({
  js: bus.js, jsm: bus.jsm, log, member: "ae",
  verify: createVerifier({ bounds: config.bounds, directory }),
  consumer: { stream: StreamName.crime, durable: "ae-desk", startFrom: "new", settings: config.subscriber },
  processed: (name) => openProcessedRecord(bus.js, name, config.bounds),
  handler: async (event, ctx) => {
    console.log(`verified ${event.id} from ${event.source} (${ctx.kid})`);
    if (event.id === receipt.id) resolveSeen();
  },
});

await seen;
await sub.stop();
await bus.close();
