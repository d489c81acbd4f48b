import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { generateEncryptionKey, toPublicEncJwk } from "../../services/bus/keys/encryption.js";
import { MONITOR_IDENTITY } from "../../services/identity/identities.js";
import { createMonitor } from "../../services/monitor/service.js";
import { Level } from "../../services/monitor/types.js";
import { Rule } from "../../services/monitor/view.js";
import { createSecretariat, type Secretariat } from "../../services/secretariat/index.js";
import { waitFor } from "../helpers/collect.js";
import { testLog } from "../helpers/nats.js";
import { makeSealedMembers } from "../helpers/sealed.js";
import { FOUNDERS, publishGov } from "../helpers/secretariat.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";

/**
 * The monitor's `enc-key-rotation` rule (v1.1 §1b.1) on a secured server: the `monitor` identity
 * reads the secretariat's members and keys views and warns of each member whose current
 * encryption key is past config `encryption.rotationDays`, by the definition `keys enc-status`
 * uses; and a status that cannot be built does not stop the monitor.
 */
const base = loadConfig();
const config = parseConfig({ ...base, encryption: { rotationDays: 1 }, monitor: { ...base.monitor, collectIntervalSeconds: 0.5 } });
const members = await makeSealedMembers([...FOUNDERS, "sec"]);
const DAY = 86_400_000;

let secure: SecureTestServer;
let sec: Bus;
let es: Bus;
let monitorBus: Bus;
let secretariat: Secretariat;
beforeAll(async () => {
  secure = await startSecureTestServer({ config });
  [sec, es, monitorBus] = await Promise.all([secure.open("sec"), secure.open("es"), secure.open(MONITOR_IDENTITY)]);
  secretariat = createSecretariat({ config, bus: sec, log: testLog, signer: members.signers.sec!, founding: members.jwks });
  await secretariat.start();
}, 120_000);
afterAll(async () => {
  await secretariat?.stop();
  await Promise.all([sec?.close(), es?.close(), monitorBus?.close()]);
  await secure?.stop();
});

describe("monitor - encryption-key rotation due", () => {
  it("enc-key-rotation - a warning names each member whose current key is past the epoch; a member that rotated is not named", async () => {
    const next = await generateEncryptionKey("es");
    await publishGov(es, members.signers.es!, config.bounds, testLog, "enc-key-rotated", { next: toPublicEncJwk(next) });
    await waitFor("the rotation in the views", () => secretariat.state().keys.es?.keys.some((k) => k.kid === next.kid && k.validFrom !== null) === true);
    const rotatedAt = Date.parse(secretariat.state().keys.es!.keys.find((k) => k.kid === next.kid)!.validFrom!);

    // Just under a day after es's rotation: es's new key is not due; the founders' keys (made
    // this month, dated by their kid's month) are.
    const at = rotatedAt + DAY - 1_000;
    await using monitor = createMonitor({ config, bus: monitorBus, log: testLog, now: () => at });
    const status = await monitor.sampleNow();
    const due = status.checks.filter((c) => c.rule === Rule.EncKeyRotation && c.level === Level.Warn).map((c) => c.member);
    expect(due.sort()).toEqual(FOUNDERS.filter((c) => c !== "es").sort());
    expect(status.checks.find((c) => c.member === "fr" && c.rule === Rule.EncKeyRotation)?.message).toMatch(/fr's encryption key fr:enc-.* rotation is due \(every 1 days/);

    // Before the epoch of any key, the rule is ok.
    await using early = createMonitor({ config, bus: monitorBus, log: testLog, now: () => rotatedAt });
    const calm = (await early.sampleNow()).checks.filter((c) => c.rule === Rule.EncKeyRotation);
    expect(calm.map((c) => c.level)).toEqual([Level.Ok]);
  });
});

describe("monitor - a status that cannot be built", () => {
  it("status-build - a failing build is reported as critical, the monitor keeps sampling, and recovers once the build works", async () => {
    let failing = false;
    await using monitor = createMonitor({ config, bus: monitorBus, log: testLog, faults: { beforeBuild: () => { if (failing) throw new Error("boom in the build"); } } });
    const before = await monitor.sampleNow();
    expect(before.checks.some((c) => c.rule === Rule.StatusBuild)).toBe(false);
    failing = true;
    monitor.start();
    const failed = await monitor.sampleNow();
    expect(failed.overall).toBe(Level.Critical);
    expect(failed.checks[0]).toMatchObject({ rule: Rule.StatusBuild, level: Level.Critical });
    expect(failed.checks[0]!.message).toContain("boom in the build");
    // The timer goes on: ticks keep coming while every build fails.
    const tick = monitor.lastTickAt()!;
    await waitFor("another tick", () => (monitor.lastTickAt() ?? 0) > tick, 10_000);
    failing = false;
    await waitFor("a status built again", () => !monitor.status().checks.some((c) => c.rule === Rule.StatusBuild), 10_000);
    expect(monitor.status().checks.some((c) => c.rule === Rule.EncKeyRotation)).toBe(true);
  });
});
