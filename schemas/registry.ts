import { z } from "zod";
import { Envelope, type AllianceEvent } from "./envelope.js";
import { isDueConsistent, priorityDataSchemas, type Request } from "./data/index.js";
import { ControlKind, DataContentType, parseEventType } from "./protocol.js";
import { governanceDataSchemas } from "./governance/index.js";
import { SealedData, sealedEnvelopeProblem } from "./sealed.js";

/**
 * Every `type` the alliance knows, mapped to the schema of its `data`. A type that is not here
 * fails with reason `schema`: subscribers never guess the shape of a message.
 */
const dataSchemas = new Map<string, z.ZodType>(Object.entries(priorityDataSchemas));

/** Registers more types (the secretariat's governance events); a type is registered once. */
export function registerDataSchemas(schemas: Record<string, z.ZodType>): void {
  for (const [type, schema] of Object.entries(schemas)) {
    const known = dataSchemas.get(type);
    if (known && known !== schema) throw new Error(`data schema for ${type} registered twice`);
    dataSchemas.set(type, schema);
  }
}

export function dataSchemaFor(type: string): z.ZodType | undefined {
  return dataSchemas.get(type);
}

export function knownEventTypes(): string[] {
  return [...dataSchemas.keys()].sort();
}

export type ParseEventResult =
  | { success: true; event: AllianceEvent }
  | { success: false; error: string };

/**
 * Validates a parsed body as an envelope plus the `data` schema its `type` names. Total: a refine
 * that throws on some input is a schema failure with its message, never an exception.
 */
export function parseEvent(body: unknown): ParseEventResult {
  try {
    return parseEventUnguarded(body);
  } catch (err) {
    return { success: false, error: `schema check failed: ${err instanceof Error ? err.message.slice(0, 300) : "exception"}` };
  }
}

function parseEventUnguarded(body: unknown): ParseEventResult {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) return { success: false, error: z.prettifyError(envelope.error) };
  const schema = dataSchemas.get(envelope.data.type);
  if (!schema) return { success: false, error: `unknown type ${envelope.data.type}` };
  // v1.1 §1b.2: a sealed `data` is checked as a bounded JWE here; its plaintext, by a recipient only.
  if (envelope.data.datacontenttype === DataContentType.Sealed) return parseSealed(envelope.data);
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) return { success: false, error: `data: ${z.prettifyError(data.error)}` };
  const event = { ...envelope.data, data: data.data };
  const broken = crossFieldRule(event);
  if (broken) return { success: false, error: broken };
  return { success: true, event };
}

/**
 * Rules between the envelope and its `data`, which neither schema sees alone. v1.1 §1b.4: a
 * request's `due` is its signed `time` plus its `limitSeconds`, so that every member computes the
 * same deadline. A sealed `data` is checked once opened (its plaintext is parsed the same way).
 */
export function crossFieldRule(event: AllianceEvent): string | undefined {
  if (event.datacontenttype !== DataContentType.Json || parseEventType(event.type)?.kind !== ControlKind.enum.request) return undefined;
  const request = event.data as Request;
  if (!isDueConsistent(event.time, request)) return `data.due: ${request.due} is not time ${event.time} + limitSeconds ${request.limitSeconds}`;
  return undefined;
}

function parseSealed(envelope: AllianceEvent): ParseEventResult {
  const jwe = SealedData.safeParse(envelope.data);
  if (!jwe.success) return { success: false, error: `sealed data: ${z.prettifyError(jwe.error)}` };
  const problem = sealedEnvelopeProblem(envelope.recipients, jwe.data);
  if (problem) return { success: false, error: `sealed data: ${problem}` };
  return { success: true, event: { ...envelope, data: jwe.data } };
}

// The secretariat's governance types (schemas/governance) are part of the contract: registered
// here, so that every verifier and the JSON Schema generator know them.
registerDataSchemas(governanceDataSchemas);
