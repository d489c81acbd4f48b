import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { AllianceConfig } from "../../../schemas/config.js";
import { AllianceError, ErrorCode } from "./errors.js";

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL("../../../config/alliance.json", import.meta.url));

/**
 * Reads and validates an alliance config file once; the result is deeply frozen.
 * A bad file fails with ERR_CONFIG_INVALID naming the file and each bad field.
 */
export function loadConfig(path: string = DEFAULT_CONFIG_PATH): Readonly<AllianceConfig> {
  const file = resolve(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new AllianceError(ErrorCode.ConfigUnreadable, `cannot read config ${file}: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(raw, file);
}

export function parseConfig(raw: unknown, file = "<inline>"): Readonly<AllianceConfig> {
  const parsed = AllianceConfig.safeParse(raw);
  if (!parsed.success) {
    throw new AllianceError(ErrorCode.ConfigInvalid, `invalid config ${file}:\n${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
