import type { QuarantineWriter } from "../bus/consume/quarantine.js";
import type { JsMsg } from "../bus/core/nats-types.js";
import type { Logger } from "../bus/core/logger.js";
import { isQuotaRefusal } from "../bus/core/retry.js";
import type { Folded } from "./fold.js";

/** How often the secretariat says how much junk it refused, instead of a line per message. */
const SUMMARY_INTERVAL_MS = 5_000;

/**
 * Quarantine copies per claimed origin per minute. Beyond it a flood's messages are refused
 * without a copy: the governance stream keeps every original for ever (it has no age limit and
 * only the administrator deletes), so the evidence is there, at its sequence, and a copy of each
 * would double the flood's cost (issue 11: the copies halved the rate junk is refused at).
 */
export const GOVERNANCE_COPIES_PER_MINUTE = 100;

export interface RejectedBatch {
  /** Quarantines a rejected message without waiting; it is terminated once its copy is stored (without a copy: at the next settle). */
  add(msg: JsMsg, folded: Folded): void;
  size(): number;
  /** Terminates the messages without a copy, waits for every copy in flight; the highest stream sequence among them, if any. */
  settle(): Promise<number | undefined>;
}

/**
 * The secretariat's rejected messages, quarantined in a batch: the copies go out together and
 * are awaited together, so a flood of junk costs the secretariat no round trip per message
 * (issue 11). A copy the quarantine's quota refuses (the writer's budget is spent) is not
 * retried: the original stays in the governance stream, which is never trimmed, and an audit by
 * replay reaches the same verdict on it (docs/security.md, "Governance under flood").
 */
export function createRejectedBatch({ quarantine, durable, log }: { quarantine: QuarantineWriter; durable: string; log: Logger }): RejectedBatch {
  let inFlight: Promise<void>[] = [];
  let toTerm: JsMsg[] = [];
  let highest: number | undefined;
  const counts = new Map<string, number>();
  const uncopied = new Map<string, number>();
  let summaryAt = Date.now();
  let windowAt = Date.now();
  const copies = new Map<string, number>();
  /** True while `origin` has copies left in this minute. */
  const mayCopy = (origin: string) => {
    if (Date.now() - windowAt >= 60_000) {
      copies.clear();
      windowAt = Date.now();
    }
    const used = copies.get(origin) ?? 0;
    copies.set(origin, used + 1);
    return used < GOVERNANCE_COPIES_PER_MINUTE;
  };

  const summarise = (force = false) => {
    if (counts.size === 0 || (!force && Date.now() - summaryAt < SUMMARY_INTERVAL_MS)) return;
    log.warn({ refused: Object.fromEntries(counts), notCopied: Object.fromEntries(uncopied) }, "governance messages refused (by claimed origin and reason); those not copied to quarantine stay in the governance stream");
    counts.clear();
    uncopied.clear();
    summaryAt = Date.now();
  };

  return {
    add(msg, folded) {
      if (folded.verdict.ok) throw new Error("not a rejected message");
      const { reason, detail } = folded.verdict;
      const origin = msg.subject.split(".")[2] ?? "?";
      const key = `${origin}:${reason}`;
      if (!counts.has(key)) log.warn({ seq: folded.seq, from: origin, reason, detail }, "quarantined");
      counts.set(key, (counts.get(key) ?? 0) + 1);
      summarise();
      highest = Math.max(highest ?? 0, folded.seq);
      if (!mayCopy(origin)) {
        uncopied.set(origin, (uncopied.get(origin) ?? 0) + 1);
        // Terminated with the batch, all in one write: one socket write per junk message was the
        // largest cost of refusing a flood (issue 11).
        toTerm.push(msg);
        return;
      }
      inFlight.push(
        quarantine.store(msg, reason, detail, durable).then(
          () => msg.term(),
          (err: unknown) => {
            if (isQuotaRefusal(err)) log.warn({ seq: folded.seq, from: origin, err: (err as Error).message }, "quarantine budget spent: the original stays in the governance stream");
            else log.error({ err, seq: folded.seq }, "quarantine copy not stored; the original stays in the governance stream");
            msg.term();
          },
        ),
      );
    },
    size: () => inFlight.length + toTerm.length,
    async settle() {
      const waiting = inFlight;
      inFlight = [];
      const terms = toTerm;
      toTerm = [];
      for (const msg of terms) msg.term();
      await Promise.all(waiting);
      const last = highest;
      highest = undefined;
      if (waiting.length > 0) summarise();
      return last;
    },
  };
}
