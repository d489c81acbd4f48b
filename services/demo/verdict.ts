import type { DemoResult } from "./run.js";

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
    "attacks:",
    ...result.attacks.map((a) => `  ${a.ok ? "✔" : "✘"} ${a.name}: ${a.outcome}${a.ok ? "" : ` (expected: ${a.expected})`}`),
    `quarantine: ${quarantined} message(s) kept with their reasons (${Object.entries(result.quarantined).map(([r, n]) => `${r} ${n}`).join(", ") || "none"}); nothing lost.`,
    ...(result.unexpected.length > 0 ? ["what went otherwise:", ...result.unexpected.map((u) => `  ✘ ${u}`)] : []),
    result.unexpected.length === 0 && result.attacks.every((a) => a.ok) ? "PASS: every message verified, every attack refused." : "FAIL: see above.",
    "",
  ];
  return lines.join("\n");
}
