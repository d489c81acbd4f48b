import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { StreamName } from "../../../services/bus/wire/subjects.js";
import { readViews, rebuildFromStream, SECRETARIAT_DURABLE } from "../../../services/secretariat/index.js";
import type { GovState } from "../../../services/secretariat/state/types.js";
import { waitFor } from "../../helpers/collect.js";
import { testLog } from "../../helpers/nats.js";
import { applicationData, FOUNDERS, publishGov, streamEvents } from "../../helpers/secretariat.js";
import { launchChild, readJournal, type Child } from "./child.js";
import type { FaultWorld } from "./world.js";

const CHILD_SCRIPT = fileURLToPath(new URL("./secretariat-process.ts", import.meta.url));

/** The members case 5 needs: the founders, who vote, and the secretariat, which decides. */
export const SECRETARIAT_CASE_MEMBERS = [...FOUNDERS, "sec"] as const;

export interface SecretariatCrashReport {
  /** Governance events published: an application and every founder's vote. */
  readonly published: number;
  readonly killedAtSeq: number;
  /** Views and the durable consumer as the crash left them. */
  readonly viewsLastSeqAtCrash: number | undefined;
  readonly ackPendingAtCrash: number;
  /** From the crash to the successor's views covering the whole stream. */
  readonly recoveryMs: number;
  readonly views: GovState | undefined;
  readonly rebuilt: GovState;
  readonly decisions: number;
  readonly streamLastSeq: number;
}

/**
 * Case 5: the secretariat process SIGKILLs itself right after it has written the views of one vote
 * (KV, compare-and-set) and before it acknowledges that vote. A new secretariat process gets the
 * vote again; it must not count it twice, must decide the application once, and its views must
 * equal a rebuild of the stream from scratch.
 */
export async function runSecretariatCrash(world: FaultWorld, options: { killAtSeq: number }): Promise<SecretariatCrashReport> {
  const { config, admin, members } = world;
  const dir = join(world.cluster.dir, "secretariat-crash");
  mkdirSync(dir, { recursive: true });
  const env = {
    FAULT_SERVERS: world.cluster.urls.join(","),
    ALLIANCE_CONFIG: join(dir, "alliance.json"),
    ALLIANCE_KEY: join(dir, "sec.jwk"),
    ALLIANCE_DIRECTORY: join(dir, "directory.json"),
    FAULT_JOURNAL: join(dir, "journal.log"),
  };
  writeFileSync(env.ALLIANCE_CONFIG, JSON.stringify(config));
  writeFileSync(env.ALLIANCE_KEY, JSON.stringify(members.jwks.find((k) => k.kid.startsWith("sec:"))), { mode: 0o600 });
  writeFileSync(env.ALLIANCE_DIRECTORY, JSON.stringify(members.publicJwks));
  writeFileSync(env.FAULT_JOURNAL, "");
  const journal = () => readJournal(env.FAULT_JOURNAL);

  const children: Child[] = [];
  const launch = (extra: Record<string, string> = {}) => {
    const child = launchChild(CHILD_SCRIPT, { ...env, ...extra }, join(dir, `secretariat-${children.length + 1}.log`));
    children.push(child);
    return child;
  };
  try {
    const first = launch({ FAULT_KILL_AT_SEQ: String(options.killAtSeq) });
    await waitFor("the first secretariat ready", () => journal().some((l) => l[0] === "ready" && l[1] === String(first.pid)), 60_000);

    // An application for membership, then every founder's vote on it.
    const applied = await publishGov(admin, members.signers.sec!, config.bounds, testLog, "membership-applied", applicationData("jo"));
    for (const voter of FOUNDERS) {
      await publishGov(admin, members.signers[voter]!, config.bounds, testLog, "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
    }
    await first.exited;
    const crashedAt = Date.now();
    if (!journal().some((l) => l[0] === "dying" && l[1] === String(options.killAtSeq))) throw new Error("the first secretariat exited, but not at the chosen point");
    const viewsLastSeqAtCrash = (await readViews(admin.js))?.lastSeq;
    const ackPendingAtCrash = (await admin.jsm.consumers.info(StreamName.secretariat, SECRETARIAT_DURABLE)).num_ack_pending;

    launch();
    // Caught up: the views cover the whole stream, the application is decided (that decision is
    // itself an event in the stream), and nothing is left unacknowledged.
    let streamLastSeq = 0;
    await waitFor("the successor's views covering the whole stream, with the application decided", async () => {
      streamLastSeq = (await admin.jsm.streams.info(StreamName.secretariat)).state.last_seq;
      const views = await readViews(admin.js);
      return views?.members.jo?.status === "active" && views.lastSeq === streamLastSeq;
    }, 120_000);
    const recoveryMs = Date.now() - crashedAt;
    // Longer than the secretariat's emit period: a second decision would be in the stream by now.
    await new Promise((r) => setTimeout(r, 3_000));

    const views = await readViews(admin.js);
    const rebuilt = await rebuildFromStream(admin, { config, founding: members.publicJwks });
    const decisions = (await streamEvents(admin)).filter((e) => e.kind === "membership-decided").length;
    return {
      published: 1 + FOUNDERS.length, killedAtSeq: options.killAtSeq, viewsLastSeqAtCrash, ackPendingAtCrash, recoveryMs,
      views, rebuilt, decisions, streamLastSeq: (await admin.jsm.streams.info(StreamName.secretariat)).state.last_seq,
    };
  } finally {
    for (const child of children) await child.kill();
  }
}
