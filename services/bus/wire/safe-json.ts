import secureJson from "secure-json-parse";

const OPEN_OBJECT = 0x7b, OPEN_ARRAY = 0x5b, CLOSE_OBJECT = 0x7d, CLOSE_ARRAY = 0x5d, QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c;
// ignoreBOM keeps a byte-order mark in the text, so that it can be refused below.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const BOM = "\uFEFF";

/**
 * The nesting depth of a JSON text, read from bytes without parsing, stopping as soon as it
 * passes `limit`: a 10k-deep body is refused before the parser's recursion can see it.
 */
export function nestingExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) i = closingQuote(bytes, i);
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return false;
}

/**
 * Where the string opened at `open` ends: the next quote not escaped (preceded by an even run of
 * backslashes), or the end of the text. Found with the native indexOf, not byte by byte: the
 * bulk of a large body is string content (a flood of maximum-size junk is all of it).
 */
function closingQuote(text: Uint8Array | string, open: number): number {
  let at = open;
  for (;;) {
    at = typeof text === "string" ? text.indexOf('"', at + 1) : text.indexOf(QUOTE, at + 1);
    if (at < 0) return text.length;
    let backslashes = 0;
    while (at - 1 - backslashes > open && (typeof text === "string" ? text.charCodeAt(at - 1 - backslashes) : text[at - 1 - backslashes]) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/**
 * The first member name that appears twice in one object, if any. JSON parsers disagree on which
 * of two repeated members wins (this one keeps the last, others the first), so a signed body with
 * a repeated `source` or `expires` could mean different things to different subscribers: such a
 * body is refused. Runs after the depth bound, so its stack is bounded.
 */
export function findRepeatedMember(text: string): string | undefined {
  const objects: (Set<string> | null)[] = []; // null marks an array
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      i = closingQuote(text, i);
      const names = objects[objects.length - 1];
      if (expectName && names) {
        const raw = text.slice(start, i + 1);
        const name = raw.includes("\\") ? safeDecodeString(raw) : raw.slice(1, -1);
        if (name === undefined) return undefined; // not JSON: the parser will say so
        if (names.has(name)) return name;
        names.add(name);
        expectName = false;
      }
    } else if (c === OPEN_OBJECT) {
      objects.push(new Set());
      expectName = true;
    } else if (c === OPEN_ARRAY) {
      objects.push(null);
      expectName = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      objects.pop();
      expectName = false;
    } else if (c === COMMA) {
      expectName = objects[objects.length - 1] instanceof Set;
    }
  }
  return undefined;
}

function safeDecodeString(raw: string): string | undefined {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return undefined;
  }
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
  const repeated = findRepeatedMember(text);
  if (repeated !== undefined) return { ok: false, detail: `member ${JSON.stringify(repeated.slice(0, 64))} appears twice in one object` };
  try {
    return { ok: true, value: secureJson.parse(text, undefined, { protoAction: "error", constructorAction: "error" }) };
  } catch (err) {
    return { ok: false, detail: `not JSON: ${(err as Error).message}` };
  }
}
