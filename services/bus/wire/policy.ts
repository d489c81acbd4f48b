import type { AllianceEvent } from "../../../schemas/envelope.js";
import { DataContentType, type Tlp } from "../../../schemas/protocol.js";

/**
 * Handling policy of protocol v1.1 §1b.3, enforced by the publisher (refused with ERR_POLICY) and
 * re-checked by every subscriber after checks 1–8 (reason `policy`): the same function both sides.
 */

/** TLP labels that may travel only sealed. */
export const SEALED_ONLY_TLP: readonly Tlp[] = ["RED", "AMBER+STRICT"];

/** An extra rule over a verified envelope: the problem, or undefined. */
export type PolicyRule = (event: AllianceEvent) => string | undefined;

/**
 * Hook for the `derivedfrom` consent rule (§1b.3, second bullet: onward sharing of a RED,
 * AMBER+STRICT or H2 original needs the originator's signed `consented` receipt). It needs the
 * receipts' view, so it is passed in as a PolicyRule by whoever holds that view (receipts, h7);
 * without it, `derivedfrom` is validated by the schema only.
 */
export type DerivedFromRule = PolicyRule;

export function policyProblem(event: AllianceEvent, extra: readonly PolicyRule[] = []): string | undefined {
  const sealed = event.datacontenttype === DataContentType.Sealed;
  if (SEALED_ONLY_TLP.includes(event.tlp) && !sealed) return `TLP ${event.tlp} must be sealed to its recipients`;
  // §1b.2: an event with recipients is sealed; plaintext listing recipients is readable by all.
  if (event.recipients && !sealed) return "an event with recipients must be sealed to them";
  if (event.handling === "H3" && !event.handlingnote) return "handling H3 states its conditions in handlingnote";
  if (event.handlingnote && event.handling !== "H3") return "handlingnote goes with handling H3 only";
  for (const rule of extra) {
    const problem = rule(event);
    if (problem) return problem;
  }
  return undefined;
}
