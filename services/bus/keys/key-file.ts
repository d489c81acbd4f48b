import { readFileSync } from "node:fs";
import { AllianceError, type ErrorCode } from "../core/errors.js";

/**
 * Reads and parses a JSON key file. Errors name the file and what is wrong with it, never any of
 * its content: a syntax error's own message quotes the text around it (a private key, once), so
 * only its position is kept, and the parser's error is not passed on as the cause.
 */
export function readKeyFileJson(path: string, code: ErrorCode, unreadable = code): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new AllianceError(unreadable, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec(err instanceof Error ? err.message : "")?.[1];
    throw new AllianceError(code, `${path} is not JSON (${at === undefined ? "syntax error" : `syntax error at character ${at}`})`);
  }
}
