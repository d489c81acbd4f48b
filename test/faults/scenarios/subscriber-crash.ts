import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { StreamName } from "../../../services/bus/wire/subjects.js";
import { waitFor } from "../../helpers/collect.js";
import { launchChild, readJournal, type Child } from "./child.js";
import { crimeBulletin, openPublisher } from "./desk.js";
import type { FaultWorld } from "./world.js";

const CHILD_SCRIPT = fileURLToPath(new URL("./subscriber-process.ts", import.meta.url));

export interface SubscriberCrashReport {
  readonly messages: number;
  /** The event whose handler was in progress when the process was killed. */
  readonly interrupted: string;
  /** Every handler start, in order: `[id, deliveryCount, pid]`. */
  readonly starts: [string, number, number][];
  /** How many times each id's handler ran to the end. */
  readonly completions: Map<string, number>;
  readonly killedPid: number;
  readonly successorPid: number;
  /** The event whose handler had returned, its processed record not yet stored, when the successor died. */
  readonly windowed: string;
  /** The successor, killed in that window; and the process that took over from it. */
  readonly windowKilledPid: number;
  readonly lastPid: number;
  /** Handlers the successor started while the windowed event's record was not stored (the rule says none). */
  readonly startedInWindow: string[];
  /** From SIGKILL to the interrupted event's handler completing in the new process. */
  readonly recoveryMs: number;
}

/**
 * Case 4: a subscriber process is killed with SIGKILL while its handler is in the middle of a
 * message. A new process on the same durable consumer must get that message again (after the ack
 * wait) and handle it to the end exactly once, and every other message exactly once too.
 * That successor is then killed in the other window: a handler has returned and its processed
 * record is not stored yet. No other handler may start in that window (the record is stored
 * before the next handler starts, consume/subscriber.ts); the windowed message is handled again
 * by the third process (at least once: the one run a crash there costs), every other exactly once.
 */
export async function runSubscriberCrash(world: FaultWorld, options: { messages: number }): Promise<SubscriberCrashReport> {
  const dir = join(world.cluster.dir, "subscriber-crash");
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, "alliance.json");
  const directoryFile = join(dir, "directory.json");
  const journal = join(dir, "journal.log");
  writeFileSync(configFile, JSON.stringify(world.config));
  writeFileSync(directoryFile, JSON.stringify(world.members.publicJwks));
  writeFileSync(journal, "");

  const publisher = await openPublisher(world, "fr");
  const ids: string[] = [];
  for (let i = 0; i < options.messages; i++) ids.push((await publisher.publish(crimeBulletin())).id);
  const interrupted = ids[Math.floor(ids.length / 2)]!;
  const windowed = ids[Math.floor((ids.length * 3) / 4)]!;

  const children: Child[] = [];
  // A subscriber process of its own, journaling each handler step to the file.
  const launch = (hooks: { FAULT_HANG_ON?: string; FAULT_KILL_IN_RECORD?: string } = {}): Child => {
    const child = launchChild(CHILD_SCRIPT, {
      FAULT_SERVERS: world.cluster.urls.join(","), ALLIANCE_CONFIG: configFile, FAULT_DIRECTORY: directoryFile,
      FAULT_DURABLE: "faults-crash-desk", FAULT_STREAM: StreamName.crime, FAULT_JOURNAL: journal, ...hooks,
    }, join(dir, `subscriber-${children.length + 1}.log`));
    children.push(child);
    return child;
  };
  const lines = () => readJournal(journal);

  try {
    const first = launch({ FAULT_HANG_ON: interrupted });
    await waitFor("the first subscriber inside the handler of the chosen message", () => lines().some((l) => l[0] === "start" && l[1] === interrupted), 60_000);
    await first.kill();
    const killedAt = Date.now();

    const second = launch({ FAULT_KILL_IN_RECORD: windowed });
    await waitFor("the interrupted message handled by the new subscriber", () => lines().some((l) => l[0] === "done" && l[1] === interrupted), 120_000);
    const recoveryMs = Date.now() - killedAt;
    // The successor kills itself in the handler-end → record window of `windowed`.
    await waitFor("the successor in the record window", () => lines().some((l) => l[0] === "recording" && l[1] === windowed), 120_000);
    await second.exited;
    const third = launch();
    await waitFor("every message handled", () => ids.every((id) => lines().some((l) => l[0] === "done" && l[1] === id)), 120_000);
    // Past another ack wait: a stray redelivery would start a second run now.
    await new Promise((r) => setTimeout(r, world.config.subscriber.ackWaitSeconds * 1000 + 1_000));

    // Only this case's messages: the stream may hold others', which the desk handles too.
    const ours = new Set(ids);
    const all = lines().filter((l) => ours.has(l[1]!));
    const completions = new Map<string, number>();
    for (const l of all) if (l[0] === "done") completions.set(l[1]!, (completions.get(l[1]!) ?? 0) + 1);
    const everything = lines();
    const opened = everything.findIndex((l) => l[0] === "recording" && l[1] === windowed);
    const startedInWindow = everything.slice(opened + 1).filter((l) => l[0] === "start" && Number(l[3]) === second.pid).map((l) => l[1]!);
    return {
      messages: ids.length, interrupted, completions, recoveryMs,
      starts: all.filter((l) => l[0] === "start").map((l) => [l[1]!, Number(l[2]), Number(l[3])]),
      killedPid: first.pid, successorPid: second.pid,
      windowed, windowKilledPid: second.pid, lastPid: third.pid, startedInWindow,
    };
  } finally {
    for (const child of children) await child.kill();
  }
}
