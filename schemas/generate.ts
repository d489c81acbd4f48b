import { mkdirSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Envelope } from "./envelope.js";
import { dataSchemaFor, knownEventTypes } from "./registry.js";
import { SealedData } from "./sealed.js";

/**
 * Renders the JSON Schema files that systems not written in TypeScript validate against
 * (`npm run schemas` writes them to schemas/json/). Output is deterministic: object keys are
 * sorted, 2-space indentation, one trailing newline, so the checked-in files diff cleanly and a
 * unit test can tell when they are out of date.
 */

export const JSON_SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), "json");

/** Sorts object keys recursively; array order is meaning (enum, required, oneOf) and is kept. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

function render(schema: z.ZodType): string {
  // Input side: these files check what arrives on the wire.
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "throw" });
  return `${JSON.stringify(sortKeys(json), null, 2)}\n`;
}

type Entry = { file: string; description: string; content: string };

function entries(): Entry[] {
  const out: Entry[] = [];
  const envelopeDescription =
    "CloudEvents 1.0 structured-mode envelope of alliance wire protocol v1; data is checked by the schema its type names.";
  out.push({
    file: "envelope.schema.json",
    description: envelopeDescription,
    content: render(Envelope.meta({ title: "Envelope", description: envelopeDescription })),
  });
  const sealedDescription = "v1.1 sealed `data` (datacontenttype application/jose+json): a bounded General JSON JWE; see docs/protocol.md §14.";
  out.push({ file: "sealed-data.schema.json", description: sealedDescription, content: render(SealedData) });
  for (const type of knownEventTypes()) {
    const data = dataSchemaFor(type);
    if (!data) continue;
    out.push({
      file: `${type}.data.schema.json`,
      description: `\`data\` of ${type}: ${data.description ?? "see the schema"}`,
      content: render(data),
    });
    const eventDescription = `A complete ${type} event: the envelope with this type and its data.`;
    const event = Envelope.extend({ type: z.literal(type), data }).meta({ title: type, description: eventDescription });
    out.push({ file: `${type}.schema.json`, description: eventDescription, content: render(event) });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function readme(list: Entry[]): string {
  const rows = list.map((e) => `| \`${e.file}\` | ${e.description} |`);
  return [
    "# JSON Schemas (generated)",
    "",
    "Generated from the zod schemas in `schemas/` by `npm run schemas`; do not edit by hand.",
    "Draft 2020-12. Cross-field rules (alert validUntil after validFrom, capacity endDate on or after",
    "startDate, registrationDeadline on or before startDate, recipients not repeating, UN/LOCODE",
    "matching its country, identifier check digits) are not expressible in JSON Schema: they are stated",
    "in the descriptions and enforced by the TypeScript validators.",
    "",
    "| file | content |",
    "|------|---------|",
    ...rows,
    "",
  ].join("\n");
}

/** Every generated file, by file name, with its exact content. */
export function renderJsonSchemas(): Map<string, string> {
  const list = entries();
  const files = new Map<string, string>(list.map((e) => [e.file, e.content]));
  files.set("README.md", readme(list));
  return files;
}

/** Writes the files to `dir`, removing generated files that no longer have a schema. */
export function writeJsonSchemas(dir = JSON_SCHEMA_DIR): string[] {
  const files = renderJsonSchemas();
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (!files.has(name) && name.endsWith(".json")) rmSync(join(dir, name));
  }
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return [...files.keys()];
}

function isRunDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isRunDirectly()) {
  const written = writeJsonSchemas();
  process.stdout.write(`wrote ${written.length} files to ${JSON_SCHEMA_DIR}\n`);
}
