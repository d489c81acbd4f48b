import { readFileSync } from "node:fs";
import { z } from "zod";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";

/** Parses a command-line value with a zod schema; a bad value is ERR_USAGE naming the option. */
export function parseOption<T>(schema: z.ZodType<T>, value: unknown, option: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AllianceError(ErrorCode.UsageInvalid, `${option}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  return parsed.data;
}

/** A comma-separated list option (`--members fr,es`). */
export function listOption<T>(item: z.ZodType<T>, value: string | undefined, option: string): T[] | undefined {
  if (value === undefined) return undefined;
  return value.split(",").map((part) => parseOption(item, part.trim(), option));
}

/** Reads JSON from a file, or standard input for `-`. */
export function readJsonInput(source: string): unknown {
  let text: string;
  try {
    text = readFileSync(source === "-" ? 0 : source, "utf8");
  } catch (cause) {
    throw new AllianceError(ErrorCode.InputInvalid, `cannot read ${source === "-" ? "standard input" : source}: ${(cause as Error).message}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new AllianceError(ErrorCode.InputInvalid, `${source === "-" ? "standard input" : source} is not JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Seconds as a positive number (`--idle-exit 5`). */
export const Seconds = z.coerce.number().positive().max(86_400);
/** A durable consumer name: NATS forbids dots, wildcards and white space in it. */
export const DurableName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only (at most 64)");
