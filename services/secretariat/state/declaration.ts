import type { DeclarationPublished, DeclarationSigned } from "../../../schemas/governance/index.js";
import { RejectionReason } from "../../../schemas/governance/index.js";
import { Lang } from "../../../schemas/protocol.js";
import { applied, isActiveMember, ms, put, refused, sha256Hex } from "./helpers.js";
import type { Applied, DeclarationSignature, DeclarationView, GovState, Step } from "./types.js";

/** The founding declaration: five texts and their hashes; one signature per member minister. */

export function onDeclarationPublished(_state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as DeclarationPublished;
  for (const lang of Lang.options) {
    const actual = sha256Hex(d.texts[lang]);
    if (actual !== d.sha256[lang]) return refused(RejectionReason.HashMismatch, `sha256.${lang} is not the SHA-256 of texts.${lang} (${actual})`);
  }
  const declaration: DeclarationView = {
    id: ev.event.id, title: d.title, texts: d.texts, sha256: d.sha256, meeting: d.meeting, deadline: d.deadline,
    publishedAt: ev.at, signatures: {},
  };
  return applied(`declaration published (signatures until ${d.deadline})`, [put("declarations", declaration.id, declaration)]);
}

export function onDeclarationSigned(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as DeclarationSigned;
  const code = ev.event.source;
  const declaration = state.declarations[d.declaration];
  if (!declaration) return refused(RejectionReason.Unknown, `no declaration ${d.declaration}`);
  if (!isActiveMember(state, code)) return refused(RejectionReason.NotAMember, `${code} is not an active member`);
  if (ms(ev.at) >= ms(declaration.deadline)) return refused(RejectionReason.DeadlinePassed, `received ${ev.at}, at or after the deadline ${declaration.deadline}`);
  if (declaration.sha256[d.lang] !== d.sha256) return refused(RejectionReason.HashMismatch, `the ${d.lang} text's SHA-256 is ${declaration.sha256[d.lang]}`);
  const earlier = declaration.signatures[code];
  if (earlier) return refused(RejectionReason.Duplicate, `${code} signed already (${earlier.event}, ${earlier.lang})`);
  const signature: DeclarationSignature = { lang: d.lang, sha256: d.sha256, signatory: d.signatory, at: ev.at, event: ev.event.id, kid: ev.kid, jws: ev.jws, seq: ev.seq };
  const next: DeclarationView = { ...declaration, signatures: { ...declaration.signatures, [code]: signature } };
  return applied(`${code} signed the declaration (${d.lang})`, [put("declarations", declaration.id, next)]);
}
