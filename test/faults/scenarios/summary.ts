import { appendFileSync, existsSync, readFileSync } from "node:fs";

/** One row of the table `npm run test:faults` prints at the end. */
export interface CaseResult {
  readonly case: string;
  readonly messages: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Longest time from a fault to the first acknowledged (or handled) message after it. */
  readonly recoveryMs?: number;
  readonly note?: string;
}

/** Set by the fault suite's global setup; unset under `npm test`, where nothing is tabled. */
export const SUMMARY_FILE_ENV = "ALLIANCE_FAULT_SUMMARY";

export function recordResult(result: CaseResult): void {
  const file = process.env[SUMMARY_FILE_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(result)}\n`);
}

export function readResults(file: string): CaseResult[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as CaseResult);
}

export function formatTable(results: readonly CaseResult[]): string {
  const header = ["case", "messages", "lost", "duplicated", "recovery time", "note"];
  const rows = results.map((r) => [
    r.case, String(r.messages), String(r.lost), String(r.duplicated),
    r.recoveryMs === undefined ? "-" : `${(r.recoveryMs / 1000).toFixed(1)} s`, r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
