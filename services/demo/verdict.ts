import type { AttackOutcome, DemoResult } from "./run.js";

/** The verdict's attack sections, in the order the demo shows them. */
const SECTIONS: readonly { readonly scene: AttackOutcome["scene"]; readonly title: string }[] = [
  { scene: undefined, title: "attacks:" },
  { scene: "sealed", title: "attacks on sealed distribution (v1.1):" },
  { scene: "tracking", title: "attacks on the originator's control (v1.1):" },
];

/**
 * The demo's last words, for a newcomer at a glance: what was shown, each attack and what became
 * of it, and PASS or FAIL. The details are in the log (`-v`).
 */
export function renderVerdict(result: DemoResult): string {
  const accepted = Object.values(result.accepted).reduce((a, b) => a + b, 0);
  const quarantined = Object.values(result.quarantined).reduce((a, b) => a + (b ?? 0), 0);
  const lines = [
    "",
    "──────── verdict ────────",
    `shown: ${result.publishedCount} signed messages from ${result.ministries} ministries, each verified end to end by the desks (${accepted} accepted: ${Object.entries(result.accepted).map(([c, n]) => `${c} ${n}`).join(", ") || "none"});`,
    `       the alliance governing itself on the secretariat channel (declaration, operating model, working group, project, an admission and a withdrawal).`,
    ...(result.attacks.some((a) => a.scene === "sealed") ? ["       Italy's RED bulletin sealed to three ministries: only they read it, not the host, not the others (v1.1 sealed distribution)."] : []),
    ...(result.attacks.some((a) => a.scene === "tracking") ? ["       requests with deadlines, receipts, Italy's recall of a bulletin and its consent to onward sharing (v1.1 tracking)."] : []),
    ...SECTIONS.flatMap(({ scene, title }) => {
      const attacks = result.attacks.filter((a) => a.scene === scene);
      return attacks.length > 0 ? [title, ...attacks.map((a) => `  ${a.ok ? "✔" : "✘"} ${a.name}: ${a.outcome}${a.ok ? "" : ` (expected: ${a.expected})`}`)] : [];
    }),
    `quarantine: ${quarantined} message(s) kept with their reasons (${Object.entries(result.quarantined).map(([r, n]) => `${r} ${n}`).join(", ") || "none"}); nothing lost.`,
    ...(result.unexpected.length > 0 ? ["what went otherwise:", ...result.unexpected.map((u) => `  ✘ ${u}`)] : []),
    result.unexpected.length === 0 && result.attacks.every((a) => a.ok) ? "PASS: every message verified, every attack refused." : "FAIL: see above.",
    "",
  ];
  return lines.join("\n");
}
