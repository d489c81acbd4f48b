import { groupStatus } from "../../secretariat/state/working-groups.js";
import { tally } from "../../secretariat/state/rules.js";
import { rulesInForce } from "../../secretariat/state/rules.js";
import type { GovState, Matter } from "../../secretariat/state/types.js";

/** Human-readable lines for each view of `alliance secretariat show`. */

export const VIEWS = ["members", "keys", "matters", "model", "groups", "projects", "declaration", "refusals"] as const;
export type ViewName = (typeof VIEWS)[number];

function subjectOf(matter: Matter): string {
  if (matter.kind === "application") return `admit ${matter.application.applicant.code} (${matter.application.applicant.country.en}, key ${matter.application.key.kid})`;
  if (matter.kind === "operating-model") return `operating model version ${matter.draft.version}`;
  return `${matter.motion.action} ${matter.motion.member}${matter.motion.kid ? ` ${matter.motion.kid}` : ""}`;
}

export function viewLines(state: GovState, view: ViewName): string[] {
  switch (view) {
    case "members":
      return Object.values(state.members).sort((a, b) => a.code.localeCompare(b.code)).map((m) => {
        const keys = state.keys[m.code]?.keys.filter((k) => !k.revokedAt && !k.supersededAt).map((k) => k.kid).join(",") || "-";
        return `${m.code}  ${m.status.padEnd(9)} ${m.founding ? "founding" : "admitted"}  ${m.ministry ?? ""}${m.country ? ` (${m.country.en})` : ""}  keys=${keys}`;
      });
    case "keys":
      return Object.values(state.keys).flatMap((ring) => ring.keys.map((k) => {
        const end = k.revokedAt ? `revoked ${k.revokedAt}` : k.supersededAt ? `rotated out ${k.supersededAt}` : "current";
        return `${k.kid.padEnd(24)} from ${k.validFrom ?? "founding"}  ${end}  thumbprint ${k.thumbprint}`;
      }));
    case "matters":
      return Object.values(state.matters).sort((a, b) => a.filedAt.localeCompare(b.filedAt)).map((m) => {
        const t = tally(state, m);
        const standing = m.decision ? `${m.decision.outcome} by ${m.decision.event}` : `${t.verdict}: ${t.approvals.length} for, ${t.rejections.length} against; ${t.required} of ${t.eligible.length} needed (${t.rule.kind === "unanimity" ? "unanimity" : `${t.rule.numerator}/${t.rule.denominator}`})`;
        return `${m.id}  ${m.kind.padEnd(15)} ${subjectOf(m)} — ${standing}`;
      });
    case "model": {
      const adopted = state.model.adopted;
      const rules = rulesInForce(state);
      return [
        adopted ? `adopted: version ${adopted.version} (draft ${adopted.draft}) on ${adopted.adoptedAt}, ${adopted.votes.length} votes` : "no operating model adopted: the founding rules apply (unanimity of the active members)",
        `rules in force: ${JSON.stringify(rules)}`,
      ];
    }
    case "groups":
      return Object.values(state.groups).map((g) => `${g.id}  ${g.area.padEnd(9)} "${g.name}" lead=${g.lead} members=${Object.keys(g.members).join(",")} ${groupStatus(state, g)}`);
    case "projects":
      return Object.values(state.projects).map((p) => `${p.id}  ${p.area.padEnd(9)} "${p.title}" ${p.status} deadline=${p.deadline} registered=${Object.keys(p.registrations).join(",") || "-"}`);
    case "declaration":
      return Object.values(state.declarations).flatMap((d) => [
        `${d.id}  "${d.title.en}" meeting ${d.meeting.date} ${d.meeting.place}; signatures until ${d.deadline}`,
        ...Object.entries(d.sha256).map(([lang, hash]) => `  ${lang} sha256 ${hash}`),
        ...Object.entries(d.signatures).map(([code, s]) => `  signed by ${code} (${s.signatory.name}, ${s.signatory.title}) in ${s.lang} at ${s.at} with ${s.kid}, stream seq ${s.seq}`),
        `  ${Object.keys(d.signatures).length} of ${Object.values(state.members).filter((m) => m.status === "active").length} active members have signed`,
      ]);
    case "refusals":
      return Object.values(state.refusals).sort((a, b) => a.seq - b.seq).map((r) => `#${r.seq} ${r.kind} by ${r.actor}: ${r.reason} — ${r.detail} ${r.answeredBy ? `(answered ${r.answeredBy})` : "(answer due)"}`);
  }
}
