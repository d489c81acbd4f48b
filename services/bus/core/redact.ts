/**
 * Key material never reaches a log line, at any depth. pino's `redact` takes fixed paths only, so
 * every object a logger is given is walked here first: members that hold secrets are censored
 * wherever they are (nested objects, arrays, errors' own properties), and strings are scrubbed of
 * what is recognisably secret whatever member holds them (nkey seeds; a JWK's `d` quoted in an
 * error message). Values are copied only where something was censored.
 */

export const CENSOR = "[redacted]";

/** Member names whose values are secret wherever they appear (compared case-insensitively). */
export const SECRET_MEMBERS: ReadonlySet<string> = new Set([
  "d", "key", "privatekey", "private_key", "seed", "seeds", "nkey", "secret", "creds", "password", "token", "authorization",
]);

/** NATS nkey seeds, whole or truncated: `S` + the key type (User, Account, Operator, server N, Cluster, eXchange curve) + base32. */
const NKEY_SEED = /S[UAONCX][A-Z2-7]{20,}/g;
/** `"d":"<value>` quoted in text (a JSON syntax error's excerpt), escaped or not, terminated or not. */
const QUOTED_D = /(\\?"d\\?"\s*:\s*\\?")[A-Za-z0-9_\-+/=]*/g;
/** How deep the walk goes: past this, values are replaced (log objects are shallow; hostile ones are not). */
const MAX_DEPTH = 12;

function censorString(value: string): string {
  if (!value.includes("\"d") && !/S[UAONCX]/.test(value)) return value;
  return value.replace(NKEY_SEED, CENSOR).replace(QUOTED_D, `$1${CENSOR}`);
}

const IN_PROGRESS = Symbol("in progress");

/** `done` maps each object walked to its censored form: an object met twice is censored twice alike. */
function walk(value: unknown, depth: number, done: Map<object, unknown>): unknown {
  if (typeof value === "string") return censorString(value);
  if (typeof value !== "object" || value === null) return value;
  const known = done.get(value);
  if (known === IN_PROGRESS) return "[circular]";
  if (known !== undefined) return known;
  if (depth > MAX_DEPTH) return "[too deep]";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  done.set(value, IN_PROGRESS);
  const result = walkObject(value, depth, done);
  done.set(value, result);
  return result;
}

function walkObject(value: object, depth: number, seen: Map<object, unknown>): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const censored = walk(item, depth + 1, seen);
      if (censored !== item) (copy ??= [...value])[i] = censored;
    });
    return copy ?? value;
  }
  // An Error's message and stack are own, non-enumerable properties: look at them too.
  const names = value instanceof Error ? Object.getOwnPropertyNames(value) : Object.keys(value);
  let changed: Map<string, unknown> | undefined;
  for (const name of names) {
    const item = (value as Record<string, unknown>)[name];
    const censored = SECRET_MEMBERS.has(name.toLowerCase()) && item !== undefined ? CENSOR : walk(item, depth + 1, seen);
    if (censored !== item) (changed ??= new Map()).set(name, censored);
  }
  if (!changed) return value;
  if (value instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>;
    for (const name of names) {
      Object.defineProperty(copy, name, { value: changed.has(name) ? changed.get(name) : (value as unknown as Record<string, unknown>)[name], enumerable: name !== "stack" && name !== "message", writable: true, configurable: true });
    }
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const name of names) copy[name] = changed.has(name) ? changed.get(name) : (value as Record<string, unknown>)[name];
  return copy;
}

/** `value` with every secret censored; the same reference when there was nothing to censor. */
export function censorKeyMaterial(value: unknown): unknown {
  return walk(value, 0, new Map());
}
