import type { Command } from "commander";
import { z } from "zod";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import { StreamName } from "../../bus/wire/subjects.js";
import type { Jwks } from "../../../schemas/keys.js";
import type { GovState } from "../../secretariat/state/types.js";
import type { SecretariatProcessOptions } from "../../secretariat/main.js";
import type { CliContext } from "../context.js";
import { DurableName, parseOption } from "../input.js";
import { registerMemberActions, registerSecretariatOffice } from "./secretariat-actions.js";
import { viewLines, VIEWS, type ViewName } from "./secretariat-show.js";

interface RunOptions { key?: string; directory?: string; durable?: string; bundles?: string; creds?: string; reload?: string; httpPort?: string }

const Pid = z.coerce.number().int().positive();
const Port = z.coerce.number().int().min(1).max(65_535);

/** `gov run`'s admission flags: none, or a bundle folder and a credentials folder (and the server to reload). */
function admissionOptions(o: RunOptions): { bundlesDir: string; credsDir: string; server?: { pid: number; httpPort?: number } } | undefined {
  if (o.bundles === undefined && o.creds === undefined) {
    if (o.reload !== undefined || o.httpPort !== undefined) throw new AllianceError(ErrorCode.UsageInvalid, "--reload and --http-port go with --bundles and --creds (admission)");
    return undefined;
  }
  // Never a member seed made on the host: the admitted member's public nkey comes from its bundle.
  if (o.bundles === undefined || o.creds === undefined) throw new AllianceError(ErrorCode.UsageInvalid, "admission needs both --bundles (the applicants' bundles) and --creds (the host's credentials folder)");
  if (o.httpPort !== undefined && o.reload === undefined) throw new AllianceError(ErrorCode.UsageInvalid, "--http-port goes with --reload");
  const pid = o.reload === undefined ? undefined : parseOption(Pid, o.reload, "--reload");
  const httpPort = o.httpPort === undefined ? undefined : parseOption(Port, o.httpPort, "--http-port");
  return { bundlesDir: o.bundles, credsDir: o.creds, ...(pid !== undefined ? { server: { pid, ...(httpPort !== undefined ? { httpPort } : {}) } } : {}) };
}

/**
 * `alliance secretariat` (alias `gov`): run the secretariat, act on governance (the secretariat's
 * office with the `sec` key, members with theirs), show its views, and audit them by replay.
 */
export function registerSecretariat(program: Command, ctx: CliContext): void {
  const sec = program.command("secretariat").alias("gov").description("the alliance's governance: membership, keys, operating model, working groups, projects, declaration");

  sec.command("run")
    .description("run the secretariat service: fold the secretariat stream into its views and publish its decisions, until SIGINT/SIGTERM")
    .option("--key <file>", "the secretariat's private JWK (default: $ALLIANCE_KEY or .data/keys/sec.jwk)")
    .option("--directory <file>", "the founding directory, the trust anchor (default: $ALLIANCE_DIRECTORY or .data/keys/directory.json)")
    .option("--durable <name>", "its durable consumer (default: secretariat)")
    .option("--bundles <dir>", "admission: the applicants' bundles (<code>.bundle.json); each member the votes admit gets its broker identity from its bundle (with --creds)")
    .option("--creds <dir>", "admission: the host's credentials folder (accounts.conf; what creds init --out wrote)")
    .option("--reload <pid>", "admission: then reload the nats-server with this pid (it must include accounts.conf)")
    .option("--http-port <port>", "admission: that server's monitoring port, to confirm each reload")
    .addHelpText("after", "\nExamples:\n  NATS_CREDS=creds/sec.nk alliance gov run --key keys/sec.jwk --directory keys/directory.json\n  NATS_CREDS=host/creds/sec.nk alliance gov run --key host/keys/sec.jwk --bundles bundles --creds host/creds --reload <pid> --http-port 8222")
    .action(async (o: RunOptions) => {
      const admission = admissionOptions(o);
      const [{ runSecretariatProcess }, { clientConnectOptions }] = await Promise.all([import("../../secretariat/main.js"), import("../../bus/core/connect-options.js")]);
      const s = ctx.settings();
      const run = (onMemberAdmitted?: SecretariatProcessOptions["onMemberAdmitted"]) => runSecretariatProcess({
        config: ctx.config(), log: ctx.log, servers: ctx.server(),
        keyFile: ctx.signingKey(o.key) ?? ".data/keys/sec.jwk",
        directoryFile: ctx.directory(o.directory),
        ...(o.durable ? { durable: parseOption(DurableName, o.durable, "--durable") } : {}),
        connectOptions: clientConnectOptions({
          ...(s.creds ? { credsFile: s.creds } : {}),
          ...(s.ca ? { caFile: s.ca } : {}),
          ...(s.cert ? { certFile: s.cert } : {}),
          ...(s.key ? { keyFile: s.key } : {}),
        }),
        ...(onMemberAdmitted ? { onMemberAdmitted } : {}),
      });
      if (!admission) return run();
      const [{ memberAdmissionHook, reconcileAdmittedMembers }, { readViews }] = await Promise.all([import("../../identity/admit.js"), import("../../secretariat/views.js")]);
      // The record says who was admitted: the members view the secretariat writes before each hook.
      await ctx.withBus("alliance-secretariat-admission", async (bus) => {
        // A member that has withdrawn since is left out: the accounts follow the record.
        const admitted = async () => Object.values((await readViews(bus.js))?.members ?? {}).filter((m) => !m.founding && m.admissions.length > 0 && m.status !== "withdrawn").map((m) => m.code);
        const hookOptions = { config: ctx.config(), ...admission, admitted, log: ctx.log };
        await reconcileAdmittedMembers(hookOptions);
        await run(memberAdmissionHook(hookOptions));
      });
    });

  registerSecretariatOffice(sec, ctx);
  registerMemberActions(sec, ctx);

  sec.command("show")
    .description("print one of the secretariat's views, as the KV buckets hold them")
    .argument("<view>", VIEWS.join(", "))
    .option("--json", "the view as one JSON object")
    .addHelpText("after", "\nExamples:\n  NATS_CREDS=creds/sec.nk alliance gov show members\n  alliance gov show matters --json")
    .action(async (viewArg: string, o: { json?: boolean }) => {
      const view = parseOption(z.enum(VIEWS), viewArg, "<view>");
      const { readViews } = await import("../../secretariat/views.js");
      const state = await ctx.withBus("alliance-cli", (bus) => readViews(bus.js));
      if (!state) throw new AllianceError(ErrorCode.UsageInvalid, "the secretariat has not run on this server: no views yet");
      if (o.json) process.stdout.write(`${JSON.stringify(jsonView(state, view))}\n`);
      else for (const line of viewLines(state, view)) process.stdout.write(`${line}\n`);
    });

  sec.command("audit")
    .description("replay the secretariat stream from the founding directory, check every decision, and compare with the views")
    .option("--directory <file>", "the founding directory (default: $ALLIANCE_DIRECTORY or .data/keys/directory.json)")
    .option("--all", "print every message, not only decisions, refusals and rejections")
    .option("--json", "one JSON object a line")
    .addHelpText("after", "\nExamples:\n  NATS_CREDS=creds/sec.nk alliance gov audit --directory keys/directory.json")
    .action(async (o: { directory?: string; all?: boolean; json?: boolean }) => {
      const [{ loadJwks }, { rebuildFromStream }, { readViews }, { dueDecisions, answersPerActor }] = await Promise.all([
        import("../../bus/keys/keys.js"), import("../../secretariat/rebuild.js"), import("../../secretariat/views.js"), import("../../secretariat/state/decisions.js"),
      ]);
      const directoryFile = ctx.directory(o.directory);
      const founding = loadJwks(directoryFile);
      const config = ctx.config();
      const { replay, views } = await ctx.withBus("alliance-audit", async (bus) => {
        const readers = await ctx.readerNames(StreamName.secretariat);
        const replayed = await rebuildFromStream(bus, {
          config, founding, ...(readers ? { readerNames: readers } : {}),
          onFolded: (folded) => {
            const ev = folded.applied?.event;
            const line = {
              seq: folded.seq, kind: folded.applied?.kind ?? "-", from: ev?.source ?? "-", id: ev?.id ?? "-",
              verdict: folded.verdict.ok ? folded.step.outcome.kind : "quarantined",
              reason: folded.verdict.ok ? ("reason" in folded.step.outcome ? folded.step.outcome.reason : undefined) : folded.verdict.reason,
              detail: folded.verdict.ok ? ("note" in folded.step.outcome ? folded.step.outcome.note : folded.step.outcome.detail) : folded.verdict.detail,
            };
            const notable = o.all || line.from === "sec" || line.verdict !== "applied";
            if (!notable) return;
            process.stdout.write(o.json ? `${JSON.stringify(line)}\n` : `#${line.seq} ${line.kind} from=${line.from} ${line.verdict}${line.reason ? ` (${line.reason})` : ""}: ${line.detail}\n`);
          },
        });
        return { replay: replayed, views: await readViews(bus.js) };
      });
      // A founding directory other than the secretariat's would make every view "differ": say that instead.
      if (views) checkSameFounding(founding, views, directoryFile);
      const owed = dueDecisions(replay, new Date().toISOString(), { answersPerActor: answersPerActor(config.quotas) });
      const { sameJson } = await import("../../secretariat/state/helpers.js");
      const differing = views ? differences(replay, views, sameJson) : ["(no views: the secretariat has not run)"];
      const summary = { lastSeq: replay.lastSeq, members: Object.values(replay.members).filter((m) => m.status === "active").length, decisionsOwed: owed.length, viewsMatch: differing.length === 0, differing };
      process.stdout.write(o.json ? `${JSON.stringify({ summary })}\n` : `replayed ${replay.lastSeq} message(s); ${summary.members} active member(s); ${owed.length} decision(s) owed by the secretariat; views ${differing.length === 0 ? "identical to the replay" : `differ: ${differing.join(", ")}`}\n`);
      if (differing.length > 0) throw new AllianceError(ErrorCode.AuditMismatch, `the secretariat's views differ from the replay of the stream: ${differing.join(", ")}`);
    });
}

function jsonView(state: GovState, view: ViewName): unknown {
  if (view === "declaration") return state.declarations;
  return state[view];
}

/**
 * The founding keys the views hold (those without `validFrom`) must be the directory's: otherwise
 * the audit replays another alliance's trust anchor, and ERR_DIRECTORY_INVALID says so.
 */
function checkSameFounding(founding: Jwks, views: GovState, file: string): void {
  const inViews = new Set(Object.values(views.keys).flatMap((ring) => ring.keys.filter((k) => !k.validFrom).map((k) => k.kid)));
  const inFile = new Set(founding.keys.map((k) => k.kid));
  const missing = [...inViews].filter((kid) => !inFile.has(kid));
  const extra = [...inFile].filter((kid) => !inViews.has(kid));
  if (missing.length > 0 || extra.length > 0) {
    throw new AllianceError(ErrorCode.DirectoryInvalid, `${file} is not the founding directory the secretariat folds over: ${missing.length ? `it lacks ${missing.join(", ")}` : ""}${missing.length && extra.length ? "; " : ""}${extra.length ? `it has ${extra.join(", ")}, which the views do not` : ""}. Pass the alliance's founding directory.json with --directory or ALLIANCE_DIRECTORY`);
  }
}

/** Which entries of the views differ from the replay (`collection/key`). */
function differences(replay: GovState, views: GovState, sameJson: (a: unknown, b: unknown) => boolean): string[] {
  const out: string[] = [];
  if (replay.lastSeq !== views.lastSeq) out.push(`lastSeq ${views.lastSeq} (replay ${replay.lastSeq})`);
  if (!sameJson(replay.model, views.model)) out.push("model");
  for (const c of ["members", "keys", "matters", "groups", "projects", "declarations", "refusals"] as const) {
    const keys = new Set([...Object.keys(replay[c]), ...Object.keys(views[c])]);
    for (const key of keys) if (!sameJson(replay[c][key], views[c][key])) out.push(`${c}/${key}`);
  }
  return out;
}
