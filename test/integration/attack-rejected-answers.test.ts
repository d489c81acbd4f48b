import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { createSecretariat, type Secretariat } from "../../services/secretariat/index.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers } from "../helpers/fixtures.js";
import { testLog } from "../helpers/nats.js";
import { fairShareTestConfig } from "../helpers/quotas.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";
import { FOUNDERS, publishGov, streamEvents } from "../helpers/secretariat.js";

/**
 * Red team (issue 11): the secretariat answers each refused action with `action-rejected` on its
 * own governance subject, capped like every subject at governancePerSubjectMaxMsgs, ever. One
 * member's well-formed but refused actions (votes on matters that do not exist, revocations of
 * kids it never had), each within its own caps, used up every answer the secretariat will ever
 * give: another member's refusal then went unanswered for good. Each actor's refusals are now
 * answered up to its share of the cap (one of maxMembers + 1 actors, the secretariat included),
 * so one member spends only its own share. Small caps, sized by the fair-share rule.
 */
const base = loadConfig();
const cap = 2 * (base.members.length + 1); // each actor's share: 2 answers
const config = fairShareTestConfig({ governancePerSubjectMaxMsgs: cap });
const members = await makeMembers([...FOUNDERS, "sec"]);

let secure: SecureTestServer;
let fr: Bus;
let es: Bus;
let sec: Bus;
let secretariat: Secretariat;
beforeAll(async () => {
  secure = await startSecureTestServer({ config });
  [fr, es, sec] = await Promise.all([secure.open("fr"), secure.open("es"), secure.open("sec")]);
  secretariat = createSecretariat({ config, bus: sec, log: testLog, signer: members.signers.sec!, founding: members.publicJwks });
  await secretariat.start();
}, 180_000);
afterAll(async () => {
  await secretariat?.stop();
  await Promise.all([fr?.close(), es?.close(), sec?.close()]);
  await secure?.stop();
});

describe("attack - one member's refused actions spend the secretariat's answers", () => {
  it("fr's refusals beyond the secretariat's cap leave es's refusal still answered", async () => {
    const gov = (bus: Bus, who: string, kind: string, data: unknown) => publishGov(bus, members.signers[who]!, config.bounds, testLog, kind, data);
    // fr: as many refusals as the secretariat has answers and one more, each subject within its cap.
    const frActions: { id: string; seq: number }[] = [];
    for (let i = 0; i < cap; i++) frActions.push(await gov(fr, "fr", "vote-cast", { on: "application", matter: randomUUID(), vote: "approve" }));
    frActions.push(await gov(fr, "fr", "key-revoked", { kid: "fr:never-held", reason: "compromise" }));
    await waitFor("fr's refusals folded", () => secretariat.state().lastSeq >= frActions.at(-1)!.seq, 60_000);
    for (const a of frActions) expect(secretariat.state().refusals[a.id]?.actor).toBe("fr");

    // es: one genuinely mistaken action, which it is owed an answer to.
    const mistake = await gov(es, "es", "vote-cast", { on: "application", matter: randomUUID(), vote: "approve" });
    await waitFor("es's refusal answered", () => secretariat.state().refusals[mistake.id]?.answeredBy != null, 60_000);

    // fr got its share of answers and no more; the rest stay recorded as refusals, unanswered.
    const answers = (await streamEvents(sec)).filter((e) => e.kind === "action-rejected");
    const answeredFr = answers.filter((e) => e.data.actor === "fr").length;
    expect(answeredFr).toBeLessThan(cap);
    expect(answers.some((e) => e.data.action === mistake.id)).toBe(true);
  }, 180_000);
});
