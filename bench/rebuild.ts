import { randomUUID } from "node:crypto";
import { eventType, GOVERNANCE_CHANNEL } from "../schemas/protocol.js";
import { createPublisher, type Publisher } from "../services/bus/publish/publisher.js";
import { readStream } from "../services/bus/admin/read-stream.js";
import { StreamName } from "../services/bus/wire/subjects.js";
import { rebuildFromStream } from "../services/secretariat/index.js";
import type { Folded } from "../services/secretariat/fold.js";
import type { BenchEnv } from "./env.js";
import { startMeter } from "./meter.js";

export interface RebuildReading {
  readonly events: number;
  readonly eventsPerSec: number;
  readonly cpuUsPerEvent: number;
  readonly clientPeakRssMiB: number;
}

export interface RebuildResult {
  /** Reading the stream and nothing else. */
  readonly raw: RebuildReading;
  /** Reading and JSON.parse: what a rebuild would cost without signatures, schemas and state. */
  readonly parse: RebuildReading;
  /** The secretariat's own rebuild (services/secretariat rebuildFromStream): verify, validate, fold. */
  readonly secure: RebuildReading;
  /** `alliance secretariat audit`'s work: the rebuild, and a report line made for every event (not printed). */
  readonly audit: RebuildReading;
}

const MEMBERS = ["ae", "bh", "ma", "fr", "it", "es", "sn"] as const;
/** One project's life: proposed by the secretariat, registered in by the seven members, closed. */
export const EVENTS_PER_PROJECT = MEMBERS.length + 2;

/**
 * Fills the secretariat stream with real governance history (once per run): projects proposed,
 * registered in by every member, closed. Each project's events go out in order; projects overlap.
 * Returns the number of events and of projects.
 */
export async function seedGovernance(env: BenchEnv, atLeast: number, inFlight: number): Promise<{ events: number; projects: number }> {
  const publishers = new Map<string, Publisher>(
    Object.values(env.signers).map((signer) => [signer.origin, createPublisher({ js: env.bus.js, signer, bounds: env.config.bounds, log: env.log })]),
  );
  const send = (origin: string, kind: string, data: unknown, id?: string) =>
    publishers.get(origin)!.publish({ channel: GOVERNANCE_CHANNEL, kind, tlp: "GREEN", lang: "en", data, ...(id ? { id } : {}) });
  await env.bus.jsm.streams.purge(StreamName.secretariat);
  const projects = Math.ceil(atLeast / EVENTS_PER_PROJECT);
  let next = 0;
  const lane = async () => {
    while (next < projects) {
      const n = next++;
      const project = randomUUID();
      await send("sec", "project-proposed", {
        title: `Joint course on container risk profiling at ports, cohort ${n}`,
        area: "border",
        description: "Five days for port police and customs analysts on profiling refrigerated containers, hosted in rotation by members with major ports.",
        deadline: "2099-12-31T00:00:00Z",
      }, project);
      for (const member of MEMBERS) {
        await send(member, "project-registered", { project, contribution: `Two analysts and a training room (${member})`, contactPoint: { unit: `Port police liaison office, ${member}` } });
      }
      await send("sec", "project-closed", { project, reason: "Cohort complete" });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { events: projects * EVENTS_PER_PROJECT, projects };
}

async function reading(env: BenchEnv, work: () => Promise<number>): Promise<RebuildReading> {
  const meter = startMeter(env.server.process.pid);
  const events = await work();
  const usage = meter.stop();
  return {
    events,
    eventsPerSec: (events / usage.wallMs) * 1000,
    cpuUsPerEvent: ((usage.clientCpuMs + usage.serverCpuMs) * 1000) / events,
    clientPeakRssMiB: usage.clientPeakRssMiB,
  };
}

/** One round of the three readings of the secretariat stream; each must see every event. */
export async function measureRebuild(env: BenchEnv, seeded: { events: number; projects: number }): Promise<RebuildResult> {
  const { js, jsm } = env.bus;
  const decoder = new TextDecoder();
  const projectClosed = eventType(GOVERNANCE_CHANNEL, "project-closed");

  const raw = await reading(env, async () => {
    let events = 0;
    for await (const _msg of readStream(js, jsm, StreamName.secretariat)) events++;
    return events;
  });
  const parse = await reading(env, async () => {
    let events = 0;
    let closed = 0;
    for await (const msg of readStream(js, jsm, StreamName.secretariat)) {
      if ((JSON.parse(decoder.decode(msg.data)) as { type: string }).type === projectClosed) closed++;
      events++;
    }
    if (closed !== seeded.projects) throw new Error(`bench: parse reading saw ${closed} closed projects, expected ${seeded.projects}`);
    return events;
  });
  const rebuild = (report?: (folded: Folded) => void) => reading(env, async () => {
    let events = 0;
    const state = await rebuildFromStream(env.bus, {
      config: env.config,
      founding: env.jwks,
      onFolded: (folded) => {
        if (!folded.verdict.ok || folded.step.outcome.kind !== "applied") {
          throw new Error(`bench: the rebuild did not apply seq ${folded.seq}: ${JSON.stringify(folded.step.outcome)}`);
        }
        report?.(folded);
        events++;
      },
    });
    const closed = Object.values(state.projects).filter((p) => p.status === "closed" && Object.keys(p.registrations).length === MEMBERS.length);
    if (closed.length !== seeded.projects) throw new Error(`bench: the rebuild has ${closed.length} complete projects, expected ${seeded.projects}`);
    return events;
  });
  const secure = await rebuild();
  let reported = 0;
  // The line `alliance secretariat audit --all --json` writes for each message, made and measured, not written.
  const audit = await rebuild((folded) => {
    const ev = folded.applied?.event;
    const outcome = folded.step.outcome;
    reported += JSON.stringify({
      seq: folded.seq, kind: folded.applied?.kind ?? "-", from: ev?.source ?? "-", id: ev?.id ?? "-", verdict: outcome.kind,
      reason: "reason" in outcome ? outcome.reason : undefined, detail: "note" in outcome ? outcome.note : outcome.detail,
    }).length;
  });
  if (reported === 0) throw new Error("bench: the audit reported nothing");
  for (const [name, r] of Object.entries({ raw, parse, secure, audit })) {
    if (r.events !== seeded.events) throw new Error(`bench: ${name} read ${r.events} events, expected ${seeded.events}`);
  }
  return { raw, parse, secure, audit };
}
