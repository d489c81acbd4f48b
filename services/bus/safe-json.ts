import secureJson from "secure-json-parse";

const OPEN_OBJECT = 0x7b, OPEN_ARRAY = 0x5b, CLOSE_OBJECT = 0x7d, CLOSE_ARRAY = 0x5d, QUOTE = 0x22, BACKSLASH = 0x5c;
// ignoreBOM keeps a byte-order mark in the text, so that it can be refused below.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const BOM = "\uFEFF";

/**
 * The nesting depth of a JSON text, read from bytes without parsing, stopping as soon as it
 * passes `limit`: a 10k-deep body is refused before the parser's recursion can see it.
 */
export function nestingExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return false;
}

export type SafeJson = { ok: true; value: unknown } | { ok: false; detail: string };

/**
 * Strict UTF-8, bounded depth, and no `__proto__` or `constructor.prototype` keys anywhere:
 * those are refused rather than stripped, so a hostile body is quarantined as it came.
 */
export function parseJsonSafely(bytes: Uint8Array, maxDepth: number): SafeJson {
  if (nestingExceeds(bytes, maxDepth)) return { ok: false, detail: `nested deeper than ${maxDepth}` };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, detail: "not valid UTF-8" };
  }
  // JSON text has no byte-order mark (RFC 8259 §8.1); parsers in other languages refuse one, and
  // every implementation must reach the same verdict on the same bytes.
  if (text.startsWith(BOM)) return { ok: false, detail: "starts with a byte-order mark" };
  try {
    return { ok: true, value: secureJson.parse(text, undefined, { protoAction: "error", constructorAction: "error" }) };
  } catch (err) {
    return { ok: false, detail: `not JSON: ${(err as Error).message}` };
  }
}
