import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { MatterKind, signingDeadline, VoteChoice } from "../../../schemas/governance/index.js";
import { EventId } from "../../../schemas/data/common.js";
import { EncPublicJwk, PublicJwk } from "../../../schemas/keys.js";
import { Kid, Lang, MemberCode, PriorityChannel } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import type { CliContext } from "../context.js";
import { parseOption, readJsonInput } from "../input.js";
import { actionSigner, publishAction, type KeyOption } from "./secretariat-publish.js";

const keyOption = (cmd: Command) => cmd.option("--key <file>", "private JWK to sign with (default: $ALLIANCE_KEY)").option("--json", "print the receipt as JSON");

/** A public JWK from a file; a private key is refused: it never goes near the secretariat. */
function readPublicJwk(file: string, option: string): PublicJwk {
  const raw = readJsonInput(file) as Record<string, unknown>;
  if (raw && typeof raw === "object" && "d" in raw) throw new AllianceError(ErrorCode.InputInvalid, `${option}: ${file} holds a private key; give its public half`);
  return parseOption(PublicJwk, raw, option);
}

/** Writes a new private key; an existing file is never replaced (ERR_KEY_EXISTS). */
function writePrivateKey(file: string, jwk: object): void {
  if (existsSync(file)) throw new AllianceError(ErrorCode.KeyExists, `${file} already exists: choose another file for the new private key`);
  writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: "wx" });
}

/** A public encryption JWK from a file (v1.1 §1b.1); a private one is refused likewise. */
function readPublicEncJwk(file: string, option: string): EncPublicJwk {
  const raw = readJsonInput(file);
  if (raw && typeof raw === "object" && "d" in raw) throw new AllianceError(ErrorCode.InputInvalid, `${option}: ${file} holds a private key; give its public half`);
  return parseOption(EncPublicJwk, raw, option);
}

const keys = () => import("../../bus/keys/keys.js");
const views = () => import("../../secretariat/views.js");
const helpers = () => import("../../secretariat/state/helpers.js");

/** The secretariat's actions: signed with the `sec` key. */
export function registerSecretariatOffice(sec: Command, ctx: CliContext): void {
  keyOption(sec.command("apply").description("file a ministry's request to join (signed by the secretariat), from its public bundle or from options"))
    .option("--bundle <file>", "the applicant's public bundle (<code>.bundle.json from alliance member init): code, country, ministry, language, contact and key")
    .option("--code <code>", "the applicant's member code (ISO 3166-1 alpha-2, lowercase)")
    .option("--country <name>", "country name in English")
    .option("--native <name>", "country name in its own language (default: --country)")
    .option("--ministry <name>", "the applying ministry")
    .option("--lang <code>", `language it publishes in: ${Lang.options.join(", ")}`)
    .option("--contact-unit <unit>", "point of contact: its unit")
    .option("--contact-email <email>", "point of contact: its e-mail")
    .option("--public-key <file>", "the applicant's public JWK (kid <code>:<key-id>)")
    .option("--public-enc-key <file>", "v1.1: the applicant's public X25519 encryption JWK (kid <code>:enc-<key-id>)")
    .option("--letter <text>", "the applicant's letter of request")
    .action(async (o: KeyOption & Record<string, string>) => {
      const letter = o.letter ? { letter: o.letter } : {};
      if (o.bundle) {
        const { applicationFromBundle, readBundle } = await import("../../identity/bundles.js");
        await publishAction(ctx, o, "secretariat", "membership-applied", { ...applicationFromBundle(readBundle(o.bundle)), ...letter });
        return;
      }
      const missing = ["code", "country", "ministry", "lang", "contactUnit", "publicKey"].filter((k) => !o[k]);
      if (missing.length > 0) throw new AllianceError(ErrorCode.UsageInvalid, `--bundle FILE, or all of: ${missing.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")}`);
      const data = {
        applicant: {
          code: o.code, country: { en: o.country, native: o.native ?? o.country }, ministry: o.ministry, lang: o.lang,
          contact: { unit: o.contactUnit, ...(o.contactEmail ? { email: o.contactEmail } : {}) },
        },
        key: readPublicJwk(o.publicKey!, "--public-key"),
        ...(o.publicEncKey ? { encKey: readPublicEncJwk(o.publicEncKey, "--public-enc-key") } : {}),
        ...letter,
      };
      await publishAction(ctx, o, "secretariat", "membership-applied", data);
    });

  keyOption(sec.command("motion").description("put a suspension, reinstatement or key revocation to the vote"))
    .argument("<action>", "suspend, reinstate or revoke-key")
    .requiredOption("--member <code>", "the member concerned")
    .requiredOption("--grounds <text>", "why")
    .option("--kid <kid>", "revoke-key: the key to revoke")
    .option("--next <file>", "revoke-key: the member's replacement public JWK")
    .action(async (action: string, o: KeyOption & { member: string; grounds: string; kid?: string; next?: string }) => {
      const data = {
        action: parseOption(z.enum(["suspend", "reinstate", "revoke-key"]), action, "<action>"),
        member: parseOption(MemberCode, o.member, "--member"), grounds: o.grounds,
        ...(o.kid ? { kid: parseOption(Kid, o.kid, "--kid") } : {}),
        ...(o.next ? { next: readPublicJwk(o.next, "--next") } : {}),
      };
      await publishAction(ctx, o, "secretariat", "motion-filed", data);
    });

  keyOption(sec.command("draft-model").description("put an operating model draft to the vote"))
    .requiredOption("--data <file>", "the draft as JSON (version, title and text in ar fr it es en, rules): a file, or - for standard input")
    .action(async (o: KeyOption & { data: string }) => {
      await publishAction(ctx, o, "secretariat", "operating-model-drafted", readJsonInput(o.data));
    });

  keyOption(sec.command("form-group").description("form a sub-working-group around a lead member"))
    .requiredOption("--area <area>", PriorityChannel.options.join(", "))
    .requiredOption("--name <name>", "the group's name")
    .requiredOption("--mandate <text>", "what it is for")
    .requiredOption("--lead <code>", "the lead member")
    .action(async (o: KeyOption & { area: string; name: string; mandate: string; lead: string }) => {
      await publishAction(ctx, o, "secretariat", "working-group-formed", { area: o.area, name: o.name, mandate: o.mandate, lead: o.lead });
    });

  keyOption(sec.command("propose-project").description("circulate a project for ministries to register in"))
    .requiredOption("--title <title>", "title")
    .requiredOption("--area <area>", PriorityChannel.options.join(", "))
    .requiredOption("--description <text>", "description")
    .requiredOption("--deadline <time>", "RFC 3339 registration deadline")
    .option("--group <id>", "the working group that carries it")
    .action(async (o: KeyOption & { title: string; area: string; description: string; deadline: string; group?: string }) => {
      await publishAction(ctx, o, "secretariat", "project-proposed", { title: o.title, area: o.area, description: o.description, deadline: o.deadline, ...(o.group ? { workingGroup: o.group } : {}) });
    });

  keyOption(sec.command("close-project").description("close a project").argument("<project>", "the project's id"))
    .option("--reason <text>", "why")
    .action(async (project: string, o: KeyOption & { reason?: string }) => {
      await publishAction(ctx, o, "secretariat", "project-closed", { project: parseOption(EventId, project, "<project>"), ...(o.reason ? { reason: o.reason } : {}) });
    });

  keyOption(sec.command("publish-declaration").description("publish the founding declaration in the five languages, with the SHA-256 of each text"))
    .requiredOption("--texts <dir>", "a folder with ar.txt fr.txt it.txt es.txt en.txt: first line the title, the rest the text")
    .option("--meeting-date <date>", "the founding meeting (default: config foundingMeeting.date); the deadline is three months after it")
    .option("--place <place>", "where it met (default: config foundingMeeting.place)")
    .action(async (o: KeyOption & { texts: string; meetingDate?: string; place?: string }) => {
      const meeting = { date: o.meetingDate ?? ctx.config().foundingMeeting.date, place: o.place ?? ctx.config().foundingMeeting.place };
      const title: Record<string, string> = {};
      const texts: Record<string, string> = {};
      for (const lang of Lang.options) {
        const [first = "", ...rest] = readFileSync(join(o.texts, `${lang}.txt`), "utf8").replace(/\r\n/g, "\n").split("\n");
        title[lang] = first.trim();
        texts[lang] = rest.join("\n").trim();
      }
      const { sha256Hex } = await helpers();
      const sha256 = Object.fromEntries(Object.entries(texts).map(([lang, text]) => [lang, sha256Hex(text)]));
      await publishAction(ctx, o, "secretariat", "declaration-published", { title, texts, sha256, meeting, deadline: signingDeadline(meeting.date) });
    });
}

/** A member's actions: signed with its own key. */
export function registerMemberActions(sec: Command, ctx: CliContext): void {
  keyOption(sec.command("vote").description("vote on an application, an operating model draft or a motion"))
    .argument("<matter>", "the id of the membership-applied, operating-model-drafted or motion-filed event")
    .argument("<vote>", "approve or reject")
    .option("--on <kind>", `${MatterKind.options.join(", ")} (default: looked up in the secretariat's views)`)
    .option("--comment <text>", "a comment")
    .action(async (matter: string, vote: string, o: KeyOption & { on?: string; comment?: string }) => {
      // Every argument is checked before anything is looked up: a bad vote is named as such.
      const id = parseOption(EventId, matter, "<matter>");
      const choice = parseOption(VoteChoice, vote, "<vote>");
      const given = o.on === undefined ? undefined : parseOption(MatterKind, o.on, "--on");
      const { readViews } = await views();
      const on = given ?? (await ctx.withBus("alliance-cli", (bus) => readViews(bus.js)))?.matters[id]?.kind;
      if (!on) throw new AllianceError(ErrorCode.UsageInvalid, `--on: matter ${id} is not in the secretariat's views; say what it is with --on`);
      await publishAction(ctx, o, "member", "vote-cast", {
        on: parseOption(MatterKind, on, "--on"), matter: id, vote: choice, ...(o.comment ? { comment: o.comment } : {}),
      });
    });

  keyOption(sec.command("withdraw").description("withdraw this member from the alliance"))
    .option("--statement <text>", "a statement")
    .action(async (o: KeyOption & { statement?: string }) => {
      await publishAction(ctx, o, "member", "member-withdrew", o.statement ? { statement: o.statement } : {});
    });

  keyOption(sec.command("rotate-key").description("announce a new key, signed with the current one; writes the new private key first"))
    .requiredOption("--out <file>", "where to write the new private JWK (mode 0600)")
    .action(async (o: KeyOption & { out: string }) => {
      const signer = await actionSigner(ctx, o, "either", "key-rotated");
      if (existsSync(o.out)) throw new AllianceError(ErrorCode.KeyExists, `${o.out} already exists: choose another file for the new private key`);
      const { generateMemberKey, toPublicJwk } = await keys();
      const next = await generateMemberKey(signer.origin);
      writePrivateKey(o.out, next);
      await publishAction(ctx, o, "either", "key-rotated", { next: toPublicJwk(next) }, signer);
    });

  keyOption(sec.command("revoke-key").description("revoke one of this origin's keys (compromise), optionally naming a replacement"))
    .argument("<kid>", "the key to revoke")
    .option("--reason <reason>", "compromise or retired", "compromise")
    .option("--next-out <file>", "make a replacement key, write its private JWK here (mode 0600), and name it")
    .action(async (kid: string, o: KeyOption & { reason: string; nextOut?: string }) => {
      const signer = await actionSigner(ctx, o, "either", "key-revoked");
      if (o.nextOut && existsSync(o.nextOut)) throw new AllianceError(ErrorCode.KeyExists, `${o.nextOut} already exists: choose another file for the new private key`);
      const { generateMemberKey, toPublicJwk } = await keys();
      const next = o.nextOut ? await generateMemberKey(signer.origin) : undefined;
      if (next && o.nextOut) writePrivateKey(o.nextOut, next);
      await publishAction(ctx, o, "either", "key-revoked", { kid: parseOption(Kid, kid, "<kid>"), reason: o.reason, ...(next ? { next: toPublicJwk(next) } : {}) }, signer);
    });

  for (const [name, kind, what] of [["join-group", "working-group-joined", "join"], ["leave-group", "working-group-left", "leave"]] as const) {
    keyOption(sec.command(name).description(`${what} a working group`).argument("<group>", "the group's id"))
      .action(async (group: string, o: KeyOption) => {
        await publishAction(ctx, o, "member", kind, { group: parseOption(EventId, group, "<group>") });
      });
  }

  keyOption(sec.command("register").description("register in a circulated project, before its deadline").argument("<project>", "the project's id"))
    .option("--contribution <text>", "what the ministry brings")
    .action(async (project: string, o: KeyOption & { contribution?: string }) => {
      await publishAction(ctx, o, "member", "project-registered", { project: parseOption(EventId, project, "<project>"), ...(o.contribution ? { contribution: o.contribution } : {}) });
    });

  keyOption(sec.command("unregister").description("withdraw a registration from a project").argument("<project>", "the project's id"))
    .option("--reason <text>", "why")
    .action(async (project: string, o: KeyOption & { reason?: string }) => {
      await publishAction(ctx, o, "member", "project-withdrawn", { project: parseOption(EventId, project, "<project>"), ...(o.reason ? { reason: o.reason } : {}) });
    });

  keyOption(sec.command("sign-declaration").description("sign one language version of the declaration: the hash is computed here from the published text"))
    .argument("[declaration]", "the declaration's id (default: the only one, or the latest)")
    .requiredOption("--lang <code>", `the version signed: ${Lang.options.join(", ")}`)
    .requiredOption("--name <name>", "the minister's name")
    .requiredOption("--title <title>", "the minister's title")
    .action(async (declaration: string | undefined, o: KeyOption & { lang: string; name: string; title: string }) => {
      const lang = parseOption(Lang, o.lang, "--lang");
      const [{ readViews }, { sha256Hex }] = await Promise.all([views(), helpers()]);
      const views_ = await ctx.withBus("alliance-cli", (bus) => readViews(bus.js));
      const all = Object.values(views_?.declarations ?? {}).sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
      const chosen = declaration ? views_?.declarations[declaration] : all.at(-1);
      if (!chosen) throw new AllianceError(ErrorCode.UsageInvalid, `[declaration]: ${declaration ?? "no declaration"} is not in the secretariat's views`);
      const sha256 = sha256Hex(chosen.texts[lang]);
      if (sha256 !== chosen.sha256[lang]) throw new AllianceError(ErrorCode.InputInvalid, `the published ${lang} text does not hash to its published SHA-256: not signing`);
      await publishAction(ctx, o, "member", "declaration-signed", { declaration: chosen.id, lang, sha256, signatory: { name: o.name, title: o.title } });
    });
}
