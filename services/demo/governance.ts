import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AllianceConfig } from "../../schemas/config.js";
import { PrivateJwk, type Jwks } from "../../schemas/keys.js";
import { signingDeadline } from "../../schemas/governance/index.js";
import type { Bus } from "../bus/core/bus.js";
import { loadSigner, signerFromJwk, type Signer } from "../bus/keys/keys.js";
import { applicationFromBundle, initMember, MemberFile } from "../identity/bundles.js";
import type { Logger } from "../bus/core/logger.js";
import { createPublisher } from "../bus/publish/publisher.js";
import { Reason } from "../bus/wire/reasons.js";
import { createLiveDirectory, type LiveDirectory } from "../secretariat/live-directory.js";
import { rebuildFromStream } from "../secretariat/rebuild.js";
import { createSecretariat, type Secretariat } from "../secretariat/service.js";
import { jwkThumbprint, sameJson, sha256Hex } from "../secretariat/state/helpers.js";
import type { GovState, MemberView } from "../secretariat/state/types.js";
import { readViews } from "../secretariat/views.js";
import * as text from "./governance-texts.js";

export interface Governance extends AsyncDisposable {
  readonly secretariat: Secretariat;
  /** What the desks verify with: the founding directory and every signed change since. */
  readonly directory: LiveDirectory;
  close(): Promise<void>;
}

/**
 * Starts the secretariat on its own connection (`secretariatBus`, through the durable consumer
 * `durable`) and a live key directory for the desks on `bus`.
 */
export async function startGovernance(deps: {
  config: Readonly<AllianceConfig>; bus: Bus; secretariatBus: Bus; durable?: string; log: Logger; founding: Jwks; secSigner: Signer;
  onMemberAdmitted?: (m: MemberView) => Promise<void>;
}): Promise<Governance> {
  const { config, bus, log, founding } = deps;
  const secretariat = createSecretariat({
    config, bus: deps.secretariatBus, log, signer: deps.secSigner, founding,
    ...(deps.durable ? { durable: deps.durable } : {}),
    ...(deps.onMemberAdmitted ? { onMemberAdmitted: deps.onMemberAdmitted } : {}),
  });
  await secretariat.start();
  const directory = await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding, log });
  await directory.ready();
  const close = async () => {
    await directory.close();
    await secretariat.stop();
  };
  return { secretariat, directory, close, [Symbol.asyncDispose]: close };
}

export interface GovernanceScenarioDeps {
  readonly config: Readonly<AllianceConfig>;
  readonly log: Logger;
  readonly governance: Governance;
  /** The connection an origin publishes on (its own broker identity). */
  readonly busFor: (origin: string) => Promise<Bus>;
  readonly signers: ReadonlyMap<string, Signer>;
  readonly secSigner: Signer;
  /** The simulated ministries' own key folders (`.data/members/<code>/`); the applicant makes its own there. */
  readonly membersDir: string;
  /** Views and replays are read with the host's connection. */
  readonly adminBus: Bus;
  readonly founding: Jwks;
}

export interface GovernanceOutcome {
  /** Bulletins the desks must verify. */
  readonly published: string[];
  /** Messages the desks must quarantine, by reason. */
  readonly expected: Map<Reason, number>;
  readonly unexpected: string[];
}

/**
 * The governance part of the demo: the founding declaration published and signed by the seven
 * in their languages, the operating model adopted by vote, a working group formed and a project
 * circulated with registrations (one too late, refused), a new member applying and admitted by
 * the qualified majority the model set (a second vote refused), its bulletin verified by the
 * desks through the live directory, then its withdrawal, after which its bulletin is refused.
 * Steps already on record from an earlier run (declaration, model) are not repeated.
 */
export async function runGovernanceScenario(deps: GovernanceScenarioDeps): Promise<GovernanceOutcome> {
  const { config, log, governance } = deps;
  const glog = log.child({ svc: "governance" });
  const outcome: GovernanceOutcome = { published: [], expected: new Map(), unexpected: [] };
  const state = (): Readonly<GovState> => governance.secretariat.state();
  const founders = config.members.map((m) => m.code);

  const act = async (origin: string, kind: string, data: unknown, signer?: Signer) => {
    const by = signer ?? (origin === "sec" ? deps.secSigner : deps.signers.get(origin)!);
    const lang = config.members.find((m) => m.code === origin)?.lang ?? text.applicant.lang;
    const receipt = await createPublisher({ js: (await deps.busFor(origin)).js, signer: by, bounds: config.bounds, log: glog }).publish({ channel: "secretariat", kind, data, tlp: "GREEN", lang: origin === "sec" ? "en" : lang });
    return receipt;
  };
  const until = async (what: string, check: () => boolean, timeoutMs = 20_000): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        outcome.unexpected.push(`governance: ${what} did not happen within ${timeoutMs} ms`);
        return false;
      }
      await sleep(20);
    }
    return true;
  };
  /** Waits until the secretariat has folded action `id`: true if applied, false (noted) if refused. */
  const folded = async (what: string, id: string, applied: () => boolean): Promise<boolean> => {
    if (!(await until(what, () => applied() || state().refusals[id] !== undefined))) return false;
    if (applied()) return true;
    outcome.unexpected.push(`governance: ${what} refused: ${state().refusals[id]!.reason} (${state().refusals[id]!.detail})`);
    return false;
  };
  const active = () => Object.values(state().members).filter((m) => m.status === "active").map((m) => m.code);

  // 1. The founding declaration, in five languages; each minister signs the hash of one version.
  let declaration = Object.values(state().declarations).find((d) => founders.every((c) => d.signatures[c]));
  if (declaration) {
    glog.info({ declaration: declaration.id }, "📜 the founding declaration is already signed by the seven (an earlier run)");
  } else {
    // The signing window is three months from the meeting: the demo re-enacts the meeting today.
    const meeting = { date: new Date().toISOString().slice(0, 10), place: config.foundingMeeting.place };
    const sha256 = Object.fromEntries(Object.entries(text.declarationText).map(([lang, t]) => [lang, sha256Hex(t)]));
    const published = await act("sec", "declaration-published", { title: text.declarationTitle, texts: text.declarationText, sha256, meeting, deadline: signingDeadline(meeting.date) });
    glog.info({ meetingReenacted: meeting.date, actualMeeting: config.foundingMeeting.date, deadline: signingDeadline(meeting.date) }, "📜 the secretariat publishes the founding declaration in ar, fr, it, es, en with the SHA-256 of each");
    if (!(await folded("the declaration's publication", published.id, () => state().declarations[published.id] !== undefined))) return outcome;
    for (const code of founders) {
      const s = text.signatories[code]!;
      await act(code, "declaration-signed", { declaration: published.id, lang: s.lang, sha256: sha256[s.lang], signatory: { name: s.name, title: s.title } });
      glog.info({ member: code, lang: s.lang, sha256: sha256[s.lang]!.slice(0, 16) }, "✍ signed");
    }
    await until("seven signatures", () => founders.every((c) => state().declarations[published.id]?.signatures[c]));
    declaration = state().declarations[published.id];
  }

  // 2. The operating model, adopted under the founding rule (unanimity).
  if (state().model.adopted) {
    glog.info({ version: state().model.adopted!.version }, "⚖ an operating model is already in force (an earlier run)");
  } else {
    const version = Math.max(0, ...Object.values(state().matters).map((m) => (m.kind === "operating-model" ? m.draft.version : 0))) + 1;
    const draft = await act("sec", "operating-model-drafted", { version, title: text.modelTitle, text: text.modelText, rules: text.modelRules });
    glog.info({ version, admission: "two thirds of active members", amendment: "unanimity" }, "⚖ the secretariat drafts the operating model");
    if (!(await folded("the draft", draft.id, () => state().matters[draft.id] !== undefined))) return outcome;
    for (const code of active()) await act(code, "vote-cast", { on: "operating-model", matter: draft.id, vote: "approve" });
    if (await until("the model's adoption", () => state().model.adopted?.draft === draft.id)) glog.info({ version }, "⚖ operating model adopted unanimously: admissions now need two thirds");
  }

  // 3. A working group and a project circulated with it; a registration after the deadline is refused.
  const groupName = "Ports and transit containers";
  let group = Object.values(state().groups).find((g) => g.area === "border" && g.name === groupName);
  if (!group) {
    const formed = await act("sec", "working-group-formed", { area: "border", name: groupName, mandate: "Share risk profiles and inspection practice for containers in transit through the members' ports.", lead: "ma" });
    if (!(await folded("the working group", formed.id, () => state().groups[formed.id] !== undefined))) return outcome;
    group = state().groups[formed.id]!;
    glog.info({ group: group.id, lead: group.lead }, "👥 the secretariat forms a sub-working-group on borders and ports");
  }
  for (const code of ["es", "ae", "fr"].filter((c) => !group.members[c])) await act(code, "working-group-joined", { group: group.id });
  const deadline = new Date(Date.now() + 3_000).toISOString();
  const project = await act("sec", "project-proposed", { title: "Joint risk profiles for transit containers", area: "border", description: "Members pool the indicators that flagged falsified manifests, to build shared risk profiles.", deadline, workingGroup: group.id });
  glog.info({ project: project.id, deadline }, "📋 the secretariat circulates a project for registration");
  if (!(await folded("the project", project.id, () => state().projects[project.id] !== undefined))) return outcome;
  for (const code of ["ma", "es", "ae"]) await act(code, "project-registered", { project: project.id, contribution: "Risk analysts and port inspection data." });
  await sleep(Math.max(0, Date.parse(deadline) - Date.now() + 200));
  const late = await act("it", "project-registered", { project: project.id });
  if (await until("the late registration's answer", () => state().refusals[late.id]?.answeredBy != null)) {
    glog.info({ member: "it", reason: state().refusals[late.id]!.reason }, "⛔ registration after the deadline: the secretariat answers with a signed action-rejected");
  }
  glog.info({ registered: Object.keys(state().projects[project.id]!.registrations) }, "📋 registrations on record");

  // 4. A new member applies and is admitted by the qualified majority the model set.
  const { code } = text.applicant;
  const keyFile = join(deps.membersDir, code, MemberFile.signingKey(code));
  if (state().members[code]?.status === "active" && existsSync(keyFile)) {
    await act(code, "member-withdrew", { statement: "Leaving before applying again (demo re-run)." }, await loadSigner(keyFile));
    await until(`${code}'s earlier membership to end`, () => state().members[code]?.status === "withdrawn");
  }
  // The applicant's own ceremony, at its ministry: only its public bundle reaches the secretariat.
  const folder = await initMember({ ...text.applicant, out: join(deps.membersDir, code), force: true });
  const jwk = PrivateJwk.parse(JSON.parse(readFileSync(folder.signingKeyFile, "utf8")));
  const newcomer = await signerFromJwk(jwk);
  const application = await act("sec", "membership-applied", { ...applicationFromBundle(folder.bundle), letter: text.applicationLetter });
  glog.info({ applicant: code, kid: newcomer.kid, thumbprint: jwkThumbprint(jwk) }, "📨 Jordan's ministry applies through the secretariat, with its public key");
  if (!(await folded("the application", application.id, () => state().matters[application.id] !== undefined))) return outcome;
  const voters = active().filter((c) => c !== "sn").slice(0, 5);
  for (const voter of voters) await act(voter, "vote-cast", { on: "application", matter: application.id, vote: "approve" });
  const second = await act(voters[0]!, "vote-cast", { on: "application", matter: application.id, vote: "reject" });
  const admittedAt = Date.now();
  if (!(await until("the admission", () => state().members[code]?.status === "active"))) return outcome;
  glog.info({ member: code, votes: voters }, "✅ admitted by two thirds of the active members: the secretariat's decision names the five votes");
  if (await until("the second vote's answer", () => state().refusals[second.id]?.answeredBy != null)) {
    glog.info({ member: voters[0], reason: state().refusals[second.id]!.reason }, "⛔ a second vote on the same application is refused");
  }
  await until("the live directory to know the new key", () => governance.directory.lookup(newcomer.kid, new Date()).status === "active");
  glog.info({ kid: newcomer.kid, ms: Date.now() - admittedAt }, "🔑 the desks' live key directory verifies the new member's key");

  // 5. The new member's bulletin verifies at the desks; after its withdrawal, a new one is refused.
  const bulletin = { channel: "border" as const, kind: "bulletin", tlp: "GREEN" as const, lang: "ar" as const, data: text.applicantBulletin };
  const joBus = await deps.busFor(code);
  const first = await createPublisher({ js: joBus.js, signer: newcomer, bounds: config.bounds, log: glog }).publish(bulletin);
  outcome.published.push(first.id);
  glog.info({ from: code, subject: first.subject }, "➜ the new member publishes its first bulletin");
  await act(code, "member-withdrew", { statement: "The demo ends: the ministry withdraws, so that the next run can apply again." }, newcomer);
  await until("the withdrawal to reach the live directory", () => governance.directory.lookup(newcomer.kid, new Date()).status === "inactive");
  await createPublisher({ js: joBus.js, signer: newcomer, bounds: config.bounds, log: glog }).publish(bulletin);
  outcome.expected.set(Reason.OriginInactive, 1);
  glog.info({ from: code }, "☠ a bulletin signed after the withdrawal: the desks must refuse it (origin-inactive)");

  // 6. Any member can check every decision: a replay of the stream reaches the same views.
  await until("the secretariat to fold everything", () => Object.values(state().refusals).every((r) => r.answeredBy !== null));
  const stored = await readViews(deps.adminBus.js);
  const replay = await rebuildFromStream(deps.adminBus, { config, founding: deps.founding, untilSeq: stored?.lastSeq ?? 0 });
  const same = sameJson(stored, replay);
  if (!same) outcome.unexpected.push("governance: the views differ from a replay of the secretariat stream");
  glog.info({ members: active(), signatures: Object.keys(declaration?.signatures ?? {}).length, model: state().model.adopted?.version, replayedMessages: replay.lastSeq, viewsMatchReplay: same }, "🏛 governance summary");
  return outcome;
}
