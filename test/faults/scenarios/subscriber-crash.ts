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
  /** From SIGKILL to the interrupted event's handler completing in the new process. */
  readonly recoveryMs: number;
}

/**
 * Case 4: a subscriber process is killed with SIGKILL while its handler is in the middle of a
 * message. A new process on the same durable consumer must get that message again (after the ack
 * wait) and handle it to the end exactly once, and every other message exactly once too.
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

  const children: Child[] = [];
  // A subscriber process of its own, journaling each handler step to the file.
  const launch = (hangOn?: string): Child => {
    const child = launchChild(CHILD_SCRIPT, {
      FAULT_SERVERS: world.cluster.urls.join(","), ALLIANCE_CONFIG: configFile, FAULT_DIRECTORY: directoryFile,
      FAULT_DURABLE: "faults-crash-desk", FAULT_STREAM: StreamName.crime, FAULT_JOURNAL: journal, ...(hangOn ? { FAULT_HANG_ON: hangOn } : {}),
    }, join(dir, `subscriber-${children.length + 1}.log`));
    children.push(child);
    return child;
  };
  const lines = () => readJournal(journal);

  try {
    const first = launch(interrupted);
    await waitFor("the first subscriber inside the handler of the chosen message", () => lines().some((l) => l[0] === "start" && l[1] === interrupted), 60_000);
    await first.kill();
    const killedAt = Date.now();

    const second = launch();
    await waitFor("the interrupted message handled by the new subscriber", () => lines().some((l) => l[0] === "done" && l[1] === interrupted), 120_000);
    const recoveryMs = Date.now() - killedAt;
    await waitFor("every message handled", () => ids.every((id) => lines().some((l) => l[0] === "done" && l[1] === id)), 120_000);
    // Past another ack wait: a stray redelivery would start a second run now.
    await new Promise((r) => setTimeout(r, world.config.subscriber.ackWaitSeconds * 1000 + 1_000));

    // Only this case's messages: the stream may hold others', which the desk handles too.
    const ours = new Set(ids);
    const all = lines().filter((l) => ours.has(l[1]!));
    const completions = new Map<string, number>();
    for (const l of all) if (l[0] === "done") completions.set(l[1]!, (completions.get(l[1]!) ?? 0) + 1);
    return {
      messages: ids.length, interrupted, completions, recoveryMs,
      starts: all.filter((l) => l[0] === "start").map((l) => [l[1]!, Number(l[2]), Number(l[3])]),
      killedPid: first.pid, successorPid: second.pid,
    };
  } finally {
    for (const child of children) await child.kill();
  }
}
