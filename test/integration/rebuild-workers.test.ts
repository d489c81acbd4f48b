import { headers } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../services/bus/core/config.js";
import { Header } from "../../services/bus/wire/headers.js";
import { signEvent } from "../../services/bus/wire/sign.js";
import { rebuildFromStream } from "../../services/secretariat/index.js";
import { makeMembers } from "../helpers/fixtures.js";
import { testLog, useTestBus } from "../helpers/nats.js";
import { FOUNDERS, publishGov } from "../helpers/secretariat.js";

const config = loadConfig();
const members = await makeMembers([...FOUNDERS, "sec"]);
const founding = members.publicJwks;

const fixture = useTestBus(config);

const gov = (signer: string, kind: string, data: unknown) => publishGov(fixture.bus, members.signers[signer]!, config.bounds, testLog, kind, data);

describe("rebuild on worker threads - the same verdicts and state as on the event loop", () => {
  it("rebuild - past the pool's threshold, a rebuild with workers equals one without, forged messages refused alike", async () => {
    const forged: number[] = [];
    for (let n = 0; n < 80; n++) {
      const { id: project } = await gov("sec", "project-proposed", {
        title: `Course on container profiling, cohort ${n}`, area: "border", description: "Five days for port police.", deadline: "2099-12-31T00:00:00Z",
      });
      await Promise.all(FOUNDERS.map((member) => gov(member, "project-registered", { project, contribution: `Analysts (${member})`, contactPoint: { unit: `Liaison ${member}` } })));
      if (n % 20 === 10) {
        // A registration whose body was changed after signing: the worker must say no, as the main thread does.
        const message = await signEvent(members.signers.fr!, { channel: "secretariat", kind: "project-registered", tlp: "GREEN", lang: "en", data: { project, contribution: "Two analysts", contactPoint: { unit: "Liaison fr" } } }, config.bounds);
        const body = Buffer.from(message.body);
        body[body.indexOf("Two")] = "T".charCodeAt(0) + 1;
        const h = headers();
        h.set(Header.MsgId, message.id);
        h.set(Header.Signature, message.signature);
        forged.push((await fixture.bus.js.publish(message.subject, body, { msgID: message.id, headers: h })).seq);
      }
    }
    const run = async (workers: number) => {
      const verdicts: [number, string][] = [];
      const state = await rebuildFromStream(fixture.bus, { config, founding, workers, onFolded: (f) => void verdicts.push([f.seq, f.verdict.ok ? f.step.outcome.kind : f.verdict.reason]) });
      return { state, verdicts };
    };
    const onLoop = await run(0);
    const onWorkers = await run(2);
    expect(onLoop.verdicts.length).toBeGreaterThan(600);
    expect(onLoop.verdicts.filter(([, v]) => v === "applied").length).toBeGreaterThan(600);
    expect(onWorkers.verdicts).toEqual(onLoop.verdicts);
    expect(onWorkers.state).toEqual(onLoop.state);
    for (const seq of forged) expect(onWorkers.verdicts.find(([s]) => s === seq)?.[1]).toBe("bad-signature");
  }, 120_000);
});
