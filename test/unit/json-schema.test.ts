import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JSON_SCHEMA_DIR, renderJsonSchemas } from "../../schemas/generate.js";

const OUT_OF_DATE = "schemas/json is out of date: run npm run schemas";

describe("json schema - generated files", () => {
  const rendered = renderJsonSchemas();

  it("lists the same files as the generator", () => {
    const onDisk = readdirSync(JSON_SCHEMA_DIR).sort();
    expect(onDisk, OUT_OF_DATE).toEqual([...rendered.keys()].sort());
  });

  it.each([...rendered.keys()])("%s matches the generator", (file) => {
    const content = readFileSync(join(JSON_SCHEMA_DIR, file), "utf8");
    expect(content === rendered.get(file), `${file}: ${OUT_OF_DATE}`).toBe(true);
  });

  it("renders the same output twice", () => {
    expect(renderJsonSchemas()).toEqual(rendered);
  });

  it("renders an envelope and, per type, a data and a full-event schema", () => {
    expect(rendered.has("envelope.schema.json")).toBe(true);
    const event = JSON.parse(rendered.get("alliance.crime.alert.v1.schema.json")!) as {
      properties: { type: { const: string }; data: { title: string } };
    };
    expect(event.properties.type.const).toBe("alliance.crime.alert.v1");
    expect(event.properties.data.title).toBe("CrimeAlert");
    expect(rendered.has("alliance.crime.alert.v1.data.schema.json")).toBe(true);
  });
});
