import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AllianceConfig } from "../../schemas/config.js";
import { PriorityChannel } from "../../schemas/protocol.js";
import { openBus, type Bus } from "../bus/core/bus.js";
import { openProcessedRecord } from "../bus/consume/idempotency.js";
import type { Logger } from "../bus/core/logger.js";
import { createPublisher } from "../bus/publish/publisher.js";
import type { Reason } from "../bus/wire/reasons.js";
import { signEvent } from "../bus/wire/sign.js";
import { provisionStreams } from "../bus/admin/streams.js";
import { subscribe, type Subscription } from "../bus/consume/subscriber.js";
import { streamForChannel } from "../bus/wire/subjects.js";
import { createVerifier } from "../bus/wire/verify.js";
import { ADMIN_IDENTITY, MONITOR_IDENTITY } from "../identity/identities.js";
import { launchImpersonation } from "../identity/impersonation.js";
import { prepareLocalSecurity } from "../identity/local-security.js";
import { provisionAccess } from "../identity/provision.js";
import { startMonitorServer, type RunningMonitor } from "../monitor/main.js";
import { configFileOf, startNatsServer } from "../natsd/server.js";
import { admitMemberCredentials } from "../identity/admit.js";
import { readBundle } from "../identity/bundles.js";
import { bundleFileName } from "../../schemas/bundle.js";
import { runDemoKeyCeremony } from "./ceremony.js";
import { buildAttacks, launchAttack } from "./attacks.js";
import { runGovernanceScenario, startGovernance, type Governance } from "./governance.js";
import { ensureConsumer } from "../bus/admin/consumer.js";
import { createQuarantineWriter } from "../bus/consume/quarantine.js";
import { seedFile } from "../identity/nkeys.js";
import { secretariatConsumerSpec } from "../secretariat/service.js";
import { keepPublishingUntilSignal } from "./keep-running.js";
import { runSealedScene } from "./scene-sealed.js";
import { demoScenario, type DemoMessage } from "./scenario.js";
import { runTrackingScene } from "./scene-tracking.js";

export interface DemoOptions {
  readonly config: Readonly<AllianceConfig>;
  readonly log: Logger;
  /** Use this server instead of starting an embedded one. */
  readonly servers?: string;
  /** Keys, and the embedded server's store, live here. */
  readonly dataDir: string;
  /** How long to wait for the desks to see every message before giving up. */
  readonly timeoutMs?: number;
  /** The stream-health monitor's port (0, the default: a free one); false: no monitor. */
  readonly monitorPort?: number | false;
  /**
   * After the scenario, keep the server, the desks and the monitor up (the ministries go on
   * publishing every few seconds) until SIGINT/SIGTERM, for people to watch the dashboard.
   */
  readonly keepRunning?: boolean;
  /** Where the demo says what it is doing, a line a scene (the logs carry the details). */
  readonly say?: (line: string) => void;
  /** Called once the scenario is done and kept running (tests poll the dashboard then). */
  readonly onKeptRunning?: (info: { dashboard?: string; server: string }) => void;
}

/** One attack of the demo and what became of it. */
export interface AttackOutcome {
  /** The scene that made it (the first part's attacks have none). */
  readonly scene?: "sealed" | "tracking";
  readonly name: string;
  readonly expected: string;
  outcome: string;
  ok: boolean;
}

export interface DemoResult {
  readonly accepted: Record<string, number>;
  readonly quarantined: Partial<Record<Reason, number>>;
  refusedByJetStream: number;
  /** Attempts the broker itself refused: publishing under another member's code. */
  refusedByBroker: number;
  readonly unexpected: string[];
  readonly attacks: AttackOutcome[];
  publishedCount: number;
  ministries: number;
}

/** How long stopping may take before the demo gives up waiting and says so. */
export const STOP_BOUND_MS = 30_000;

/**
 * The whole alliance at work: the seven ministries publish signed bulletins in their own languages,
 * one analysis desk per priority channel verifies each one, and an attacker's forged, tampered,
 * replayed and unsigned messages end in quarantine with their reasons.
 */
export async function runDemo({ config, log, servers, dataDir, timeoutMs = 60_000, monitorPort = 0, keepRunning = false, say = () => {}, onKeptRunning }: DemoOptions): Promise<DemoResult> {
  // The embedded server runs as production should: every identity authenticated by its own nkey,
  // confined by the permissions generated from config, over TLS (docs/security.md).
  // Each ministry makes its own keys (simulated here, one folder each); the host works from bundles.
  const keys = await runDemoKeyCeremony({ config, dataDir, log });
  const { founding, secSigner, signers } = keys;
  if (keys.foundingChanged && !servers) {
    // The embedded store holds the record of an alliance founded with other keys: start afresh.
    rmSync(join(dataDir, "nats"), { recursive: true, force: true });
    log.warn({ store: resolve(dataDir, "nats") }, "the founding keys changed since the last run: the demo's store is cleared");
  }
  const security = servers ? undefined : prepareLocalSecurity({ config, dir: dataDir, bundles: keys.bundles, memberSeedFile: keys.memberSeedFile });
  const natsDir = join(dataDir, "nats");
  const embedded = servers ? undefined : await startNatsServer({ dir: natsDir, name: "alliance-demo", extraConfig: security!.serverConfig(configFileOf(natsDir)), quotas: config.quotas });
  const url = servers ?? embedded!.url;
  if (embedded) log.info({ url, store: resolve(dataDir, "nats"), creds: security!.auth.dir, ca: security!.certs.caFile }, "embedded nats-server with JetStream, nkey authentication and TLS started");
  say(embedded ? `▶ embedded nats-server with JetStream, an nkey per identity and TLS: ${url} (store ${resolve(dataDir, "nats")})` : `▶ using the NATS server at ${url}`);
  const connectAs = (identity: string) => openBus({ servers: url, name: `alliance-demo-${identity}`, config, log, ...(security ? { connectOptions: security.clientOptions(identity) } : {}) });

  const bus = await connectAs(ADMIN_IDENTITY);
  const ministries = new Map<string, Bus>();
  const result: DemoResult = { accepted: {}, quarantined: {}, refusedByJetStream: 0, refusedByBroker: 0, unexpected: [], attacks: [], publishedCount: 0, ministries: config.members.length };
  const desks: Subscription[] = [];
  let monitorBus: Bus | undefined;
  let monitor: RunningMonitor | undefined;
  let governance: Governance | undefined;
  // Connections opened on demand for the governance part: the secretariat's own, and a new member's.
  const otherBuses = new Map<string, Bus>();
  // A member admitted during the demo can connect once its credentials are in the reloaded server.
  const credentialsReady = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const credentialsOf = (code: string) => {
    let entry = credentialsReady.get(code);
    if (!entry) {
      let resolve!: () => void;
      entry = { promise: new Promise<void>((r) => (resolve = r)), resolve };
      credentialsReady.set(code, { promise: entry.promise, resolve });
    }
    return credentialsReady.get(code)!;
  };
  const busFor = async (origin: string): Promise<Bus> => {
    const known = ministries.get(origin) ?? otherBuses.get(origin);
    if (known) return known;
    if (security && origin !== config.secretariat.code) await Promise.race([credentialsOf(origin).promise, sleep(30_000, undefined, { ref: false })]); // unref: a pending wait must not hold the process open
    const opened = await connectAs(origin);
    otherBuses.set(origin, opened);
    return opened;
  };
  try {
    await provisionStreams(bus.jsm, config.bounds, log, config.quotas);
    // Only the consumers the demo reads: a declared consumer nobody reads (ae-tail, for
    // `alliance tail --durable`) would fall behind and turn the dashboard WARN, then CRITICAL.
    const deskName = `${config.secretariat.host}-desk`;
    const secName = security ? config.access.consumers.find((c) => c.owner === config.secretariat.code && c.channels.includes("secretariat"))?.name : undefined;
    await provisionAccess(bus, config, log, (c) => c.name === deskName || c.name === secName);
    if (monitorPort !== false) {
      // The monitor connects as its own read-only identity, as it does in production.
      monitorBus = await connectAs(MONITOR_IDENTITY);
      monitor = await startMonitorServer({ config, bus: monitorBus, log, port: monitorPort });
      log.info(`📊 stream-health dashboard: ${monitor.url}`);
      say(`📊 stream-health dashboard: ${monitor.url}`);
    }
    for (const member of config.members) ministries.set(member.code, await connectAs(member.code));
    // The analysis desks belong to the secretariat's host and read through its declared consumer.
    const deskOwner = ministries.get(config.secretariat.host)!;
    // The secretariat runs as the `sec` identity: only it may write the secretariat's views
    // (docs/security.md). It reads through its declared consumer, which the administrator sets up
    // as the secretariat needs it (one message at a time, never given up). A member it admits gets
    // broker credentials. The desks' live key directory follows the stream on the host's connection.
    const secDurable = security ? config.access.consumers.find((c) => c.owner === config.secretariat.code && c.channels.includes("secretariat"))?.name : undefined;
    if (secDurable) await ensureConsumer(bus.jsm, secretariatConsumerSpec(config, secDurable));
    governance = await startGovernance({
      config, bus, secretariatBus: security ? await busFor(config.secretariat.code) : bus, log, founding, secSigner,
      ...(secDurable ? { durable: secDurable } : {}),
      onMemberAdmitted: async (member) => {
        if (!security || !embedded) return;
        const { code, country, ministry, lang } = member;
        if (!country || !ministry || !lang) return;
        // The applicant's public bundle came with its application: the host makes no seed for it.
        const bundleFile = join(keys.membersDir, code, bundleFileName(code));
        const bundle = existsSync(bundleFile) ? readBundle(bundleFile) : undefined;
        await admitMemberCredentials({ config, member: { code, country, ministry, lang }, ...(bundle ? { bundle } : {}), credsDir: security.auth.dir, server: { pid: embedded.process.pid!, httpPort: embedded.httpPort }, log });
        credentialsOf(code).resolve();
      },
    });
    const verify = createVerifier({ bounds: config.bounds, directory: governance.directory });
    const seen = new Set<string>();

    const hostSeed = security ? keys.memberSeedFile(config.secretariat.host) : undefined;
    for (const channel of PriorityChannel.options) {
      const desk = `${config.secretariat.host}-desk`;
      const dlog = log.child({ svc: `${desk}-${channel}` });
      desks.push(await subscribe({
        js: deskOwner.js, jsm: deskOwner.jsm, verify, log: dlog,
        consumer: { stream: streamForChannel(channel), durable: desk, startFrom: "new", settings: config.subscriber },
        processed: (name) => openProcessedRecord(deskOwner.js, name, config.bounds),
        // The desks run as the host's identity: their quarantine copies are the host's evidence.
        // Keyed by ae's own seed, which (like every member's) lives in its own folder, not the host's.
        quarantine: createQuarantineWriter(deskOwner.js, { writer: config.secretariat.host, ...(hostSeed ? { secret: readFileSync(hostSeed) } : {}) }),
        handler: async (event, ctx) => {
          const data = event.data as { title: string };
          seen.add(event.id);
          result.accepted[channel] = (result.accepted[channel] ?? 0) + 1;
          ctx.log.info({ from: event.source, kind: event.type, lang: event.lang, tlp: event.tlp, kid: ctx.kid, title: data.title }, "✔ verified");
        },
        onRejected: (r) => {
          result.quarantined[r.reason] = (result.quarantined[r.reason] ?? 0) + 1;
        },
      }));
    }

    say(`▶ ${config.members.length} ministries publish ${demoScenario.length} signed bulletins, alerts and offers in their languages; the desks verify each one`);
    const published: string[] = [];
    for (const message of demoScenario) {
      const signer = signers.get(message.origin)!;
      const receipt = await createPublisher({ js: ministries.get(message.origin)!.js, signer, bounds: config.bounds, log }).publish(toOutgoing(message));
      published.push(receipt.id);
      log.info({ from: message.origin, subject: receipt.subject, stream: receipt.stream, seq: receipt.seq }, "➜ published");
    }

    const sample = demoScenario.find((m) => m.origin === "fr") ?? demoScenario[0]!;
    const victim = signers.get(sample.origin)!;
    const captured = await signEvent(victim, toOutgoing(sample), config.bounds);
    // The attacker holds the victim's broker credentials (stolen), never its signing key: the
    // broker lets the messages in, and the signature checks catch them.
    const victimBus = ministries.get(sample.origin)!;
    await createPublisher({ js: victimBus.js, signer: victim, bounds: config.bounds, log }).send(captured);
    published.push(captured.id);
    if (security) {
      // Another member's credentials cannot even publish under the victim's code.
      const impostor = config.members.find((m) => m.code !== sample.origin)!.code;
      const refused = await launchImpersonation(ministries.get(impostor)!.js, captured);
      if (refused) result.refusedByBroker++;
      else result.unexpected.push(`${impostor} published under ${sample.origin}'s code: the broker let it through`);
      result.attacks.push({ name: `${impostor}'s credentials publishing as ${sample.origin}`, expected: "refused by the broker", outcome: refused ? "refused by the broker (permissions violation)" : "stored", ok: refused });
      log.info({ attack: `${impostor}'s credentials publishing as ${sample.origin}`, subject: captured.subject }, refused ? "⛔ refused by the broker: permissions violation" : "✘ impersonation stored");
    }
    say(`▶ an attacker with ${sample.origin}'s stolen broker credentials (not its signing key) sends forged, tampered, replayed and unsigned messages`);
    const attacks = await buildAttacks(victim, captured, toOutgoing(sample), config.bounds);
    const expected = new Map<Reason, number>();
    const judged: { outcome: AttackOutcome; reason: Reason }[] = [];
    for (const attack of attacks) {
      const stored = await launchAttack(victimBus.js, attack);
      if (attack.expect === "refused-by-jetstream") {
        if (stored) result.unexpected.push(`${attack.name}: stored, expected a duplicate refusal`);
        else result.refusedByJetStream++;
        result.attacks.push({ name: attack.name, expected: "refused by JetStream de-duplication", outcome: stored ? "stored" : "refused by JetStream de-duplication", ok: !stored });
        log.info({ attack: attack.name }, stored ? "✘ attack stored" : "⛔ refused by JetStream de-duplication");
      } else {
        expected.set(attack.expect, (expected.get(attack.expect) ?? 0) + 1);
        const outcome: AttackOutcome = { name: attack.name, expected: `quarantined as ${attack.expect}`, outcome: "not seen by the desks", ok: false };
        result.attacks.push(outcome);
        judged.push({ outcome, reason: attack.expect });
        log.info({ attack: attack.name, expect: attack.expect }, "☠ attack sent");
      }
    }
    say("▶ the alliance governs itself: declaration, operating model, working group, project, Jordan's admission and withdrawal");

    const sealedScene = await runSealedScene({ config, log, adminBus: bus, busFor, signers, directory: governance.directory, encKeyFileOf: keys.encKeyFileOf, ...(embedded ? { storeDir: natsDir } : {}) });
    result.unexpected.push(...sealedScene.unexpected);
    result.attacks.push(...sealedScene.attacks);
    const governed = await runGovernanceScenario({ config, log, governance, busFor, signers, secSigner, membersDir: keys.membersDir, adminBus: bus, founding });
    published.push(...governed.published);
    for (const [reason, n] of governed.expected) expected.set(reason, (expected.get(reason) ?? 0) + n);
    result.unexpected.push(...governed.unexpected);
    const trackingScene = await runTrackingScene({ config, log, adminBus: bus, ministries, signers, verify, directory: governance.directory, encKeyFileOf: keys.encKeyFileOf, monitor: monitor?.monitor });
    result.unexpected.push(...trackingScene.unexpected);
    result.attacks.push(...trackingScene.attacks);

    const deadline = Date.now() + timeoutMs;
    const done = () => published.every((id) => seen.has(id)) && [...expected].every(([reason, n]) => (result.quarantined[reason] ?? 0) >= n);
    while (!done() && Date.now() < deadline) await sleep(50);
    for (const id of published) if (!seen.has(id)) result.unexpected.push(`published ${id} was not verified in time`);
    for (const [reason, n] of expected) {
      if ((result.quarantined[reason] ?? 0) !== n) result.unexpected.push(`expected ${n} quarantined as ${reason}, saw ${result.quarantined[reason] ?? 0}`);
    }
    for (const { outcome, reason } of judged) {
      const seenAs = result.quarantined[reason] ?? 0;
      outcome.ok = seenAs >= (expected.get(reason) ?? 0);
      outcome.outcome = outcome.ok ? `quarantined as ${reason}` : `only ${seenAs} quarantined as ${reason}`;
    }
    result.publishedCount = published.length;
    log.info({ accepted: result.accepted, quarantined: result.quarantined, refusedByJetStream: result.refusedByJetStream, refusedByBroker: result.refusedByBroker }, "demo summary");
    if (keepRunning) {
      say(`▶ demo done; kept running: the ministries publish every few seconds${monitor ? `, the dashboard is at ${monitor.url}` : ""}. Ctrl-C to stop.`);
      onKeptRunning?.({ server: url, ...(monitor ? { dashboard: monitor.url } : {}) });
      const signal = await keepPublishingUntilSignal({ jsFor: (origin) => ministries.get(origin)?.js, signers, bounds: config.bounds, log });
      say(`⏹ ${signal}: stopping the monitor, the desks, the secretariat and the ministries, then the embedded nats-server last`);
    }
  } finally {
    // Every stop finishes within a bound: a hung drain is named, and the server still stops.
    const watchdog = setTimeout(() => {
      say(`⏹ stopping took longer than ${STOP_BOUND_MS / 1000} s: a connection did not drain; stopping the nats-server anyway`);
      void embedded?.stop().finally(() => process.exit(1));
    }, STOP_BOUND_MS);
    watchdog.unref();
    await monitor?.close();
    await monitorBus?.close();
    await Promise.all(desks.map((d) => d.stop()));
    await governance?.close();
    await Promise.all([...otherBuses.values()].map((b) => b.close()));
    await Promise.all([...ministries.values()].map((m) => m.close()));
    await bus.close();
    await embedded?.stop();
    clearTimeout(watchdog);
    if (keepRunning) say("⏹ stopped: every connection drained, the nats-server stopped last");
  }
  return result;
}

function toOutgoing(message: DemoMessage) {
  // v1.1: `recipients` now means sealed; the host's desks read for no member, so the scenario's
  // restricted messages go to everyone here and sealed distribution has its own scene (scene-sealed.ts).
  const { channel, kind, data, tlp, lang } = message;
  return { channel, kind, data, tlp, lang };
}
