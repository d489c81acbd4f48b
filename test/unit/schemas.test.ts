import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  eventType,
  knownEventTypes,
  parseEvent,
  priorityDataSchemaOf,
  priorityDataSchemas,
  PriorityChannel,
  PriorityKind,
} from "../../schemas/index.js";
import { ContentKind } from "../../schemas/protocol.js";
import { isImoNumber } from "../../schemas/data/conveyance.js";
import { demoScenario } from "../../services/demo/scenario.js";

const base = {
  title: "Shared bulletin",
  summary: "Two sentences for the analyst.",
  body: "Full text.\nSecond paragraph.",
  keywords: ["keyword"],
  references: [
    { type: "url", url: "https://alliance.example/doc/1", title: "A page" },
    { type: "document", ref: "ALLIANCE/2017/01" },
  ],
  related: [randomUUID()],
  translations: { en: { title: "Title", summary: "Summary" } },
};

const facets: Record<PriorityChannel, Record<string, unknown>> = {
  crime: { offences: ["drug-trafficking"], jurisdictions: ["ma", "es"] },
  extremism: { ideology: "jihadist", platforms: ["telegram"], propagandaThemes: ["recruitment"], languagesObserved: ["ar-MA"] },
  border: { crossingTypes: ["sea"], documentTypes: ["passport"] },
};

const details: Record<PriorityChannel, Record<string, unknown>> = {
  crime: {
    modusOperandi: ["go-fast boats at night"],
    organisations: [{ name: "Network A", countries: ["ma"] }],
    commodities: [{ type: "drugs", description: "cannabis resin", quantity: { amount: 2, unit: "t" } }],
  },
  extremism: {
    indicators: [
      { type: "hashtag", value: "#مثال" },
      { type: "handle", value: "@someone", platform: "x" },
      { type: "url", value: "https://t.example/c/1" },
      { type: "content-hash", algorithm: "sha1", value: "a".repeat(40) },
    ],
  },
  border: {
    crossingPoints: [{ name: "Tanger Med", country: "ma", unlocode: "MAPTM", crossingType: "sea" }],
    routes: [{ points: [{ name: "Nador", country: "ma" }, { name: "Almería", country: "es", unlocode: "ESLEI" }] }],
    conveyances: [
      { type: "vessel", imo: "9074729", name: "DEMO" },
      { type: "vehicle", plate: "AB-123-CD", plateCountry: "fr" },
      { type: "aircraft", flightNumber: "EK0075" },
    ],
  },
};

const alert = {
  urgency: "flash",
  validFrom: "2026-11-29T06:00:00Z",
  validUntil: "2026-11-30T06:00:00+01:00",
  requestedAction: "Check and report back.",
};
const practice = {
  lessonsLearned: ["Early detection shortens response."],
  applicability: "Any member with a cyber unit.",
  contactPoint: { unit: "Cyber unit", email: "unit@moi.example", phone: "+97317000000" },
};
const capacity = {
  programme: "Financial investigation",
  mode: "offered",
  member: "ae",
  startDate: "2027-03-14",
  endDate: "2027-03-18",
  registrationDeadline: "2027-02-14",
  seats: 24,
  location: { format: "in-person", country: "ae", city: "Abu Dhabi" },
  deliveryLanguages: ["ar", "en"],
};

function sampleData(channel: PriorityChannel, kind: ContentKind): Record<string, unknown> {
  switch (kind) {
    case "bulletin":
      return { ...base, ...facets[channel], ...details[channel] };
    case "alert":
      return { ...base, ...facets[channel], ...details[channel], ...alert };
    case "practice":
      return { ...base, ...facets[channel], ...practice };
    case "capacity":
      return { ...base, ...facets[channel], ...capacity };
  }
}

function event(type: string, data: unknown, extra: Record<string, unknown> = {}) {
  return {
    specversion: "1.0",
    id: randomUUID(),
    source: "fr",
    type,
    time: "2026-11-29T06:00:00.000Z",
    datacontenttype: "application/json",
    tlp: "AMBER",
    lang: "fr",
    data,
    ...extra,
  };
}

const pairs = PriorityChannel.options.flatMap((c) => ContentKind.options.map((k) => [c, k] as const));
const allPairs = PriorityChannel.options.flatMap((c) => PriorityKind.options.map((k) => [c, k] as const));

/** Parses `data` as the `data` of `channel`.`kind` and returns whether it passed. */
function accepts(channel: PriorityChannel, kind: PriorityKind, data: unknown): boolean {
  return parseEvent(event(eventType(channel, kind), data)).success;
}

describe("schemas - registry", () => {
  it("registers exactly the 24 priority types (12 content, 12 v1.1 control)", () => {
    expect(Object.keys(priorityDataSchemas).sort()).toEqual(allPairs.map(([c, k]) => eventType(c, k)).sort());
    for (const type of Object.keys(priorityDataSchemas)) expect(knownEventTypes()).toContain(type);
  });
});

describe("schemas - valid samples", () => {
  it.each(pairs)("accepts a complete %s %s event", (channel, kind) => {
    const result = parseEvent(event(eventType(channel, kind), sampleData(channel, kind)));
    expect(result.success ? "" : result.error).toBe("");
  });

  it.each(pairs)("accepts a minimal %s %s event", (channel, kind) => {
    const { references: _r, related: _rel, translations: _t, ...minimal } = sampleData(channel, kind);
    expect(accepts(channel, kind, minimal)).toBe(true);
  });
});

describe("schemas - envelope rejections", () => {
  const type = eventType("crime", "bulletin");
  const data = sampleData("crime", "bulletin");
  it.each([
    ["an unknown envelope key", { extra: 1 }],
    ["a bad uuid", { id: "not-a-uuid" }],
    ["a non-v4 uuid", { id: "00000000-0000-1000-8000-000000000000" }],
    ["a bad tlp", { tlp: "ORANGE" }],
    ["a bad lang", { lang: "de" }],
    ["an unknown type", { type: "alliance.crime.rumour.v1" }],
  ])("rejects %s", (_name, extra) => {
    expect(parseEvent(event(type, data, extra)).success).toBe(false);
  });
});

describe("schemas - data rejections", () => {
  it.each(pairs)("rejects an unknown data key on %s %s", (channel, kind) => {
    expect(accepts(channel, kind, { ...sampleData(channel, kind), colour: "red" })).toBe(false);
  });

  it("rejects detail fields on practice and capacity", () => {
    expect(accepts("crime", "practice", { ...sampleData("crime", "practice"), modusOperandi: ["x"] })).toBe(false);
  });

  it.each(PriorityChannel.options)("rejects an inverted or empty alert validity window on %s", (channel) => {
    const data = sampleData(channel, "alert");
    expect(accepts(channel, "alert", { ...data, validFrom: "2026-11-30T00:00:00Z", validUntil: "2026-11-29T00:00:00Z" })).toBe(false);
    expect(accepts(channel, "alert", { ...data, validUntil: data.validFrom })).toBe(false);
    expect(accepts(channel, "alert", { ...data, urgency: "urgent" })).toBe(false);
  });

  it.each(PriorityChannel.options)("rejects a capacity programme that ends before it starts on %s", (channel) => {
    const data = sampleData(channel, "capacity");
    expect(accepts(channel, "capacity", { ...data, endDate: "2027-03-13" })).toBe(false);
    expect(accepts(channel, "capacity", { ...data, endDate: data.startDate })).toBe(true);
    expect(accepts(channel, "capacity", { ...data, registrationDeadline: "2027-03-15" })).toBe(false);
    expect(accepts(channel, "capacity", { ...data, seats: 0 })).toBe(false);
    expect(accepts(channel, "capacity", { ...data, seats: 2.5 })).toBe(false);
    expect(accepts(channel, "capacity", { ...data, startDate: "2027-02-30" })).toBe(false);
    expect(accepts(channel, "capacity", { ...data, member: "FR" })).toBe(false);
    expect(accepts(channel, "capacity", { ...data, location: { format: "in-person" } })).toBe(false);
    expect(accepts(channel, "capacity", { ...data, location: { format: "online" } })).toBe(true);
  });

  it("rejects oversize strings and arrays", () => {
    const data = sampleData("crime", "bulletin");
    expect(accepts("crime", "bulletin", { ...data, title: "x".repeat(201) })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, title: "x".repeat(200) })).toBe(true);
    expect(accepts("crime", "bulletin", { ...data, summary: "x".repeat(1001) })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, body: "x".repeat(10_001) })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, keywords: ["x".repeat(65)] })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, keywords: Array.from({ length: 33 }, (_, i) => `k${i}`) })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, modusOperandi: Array.from({ length: 21 }, () => "x") })).toBe(false);
    const url = `https://alliance.example/${"x".repeat(2048)}`;
    expect(accepts("crime", "bulletin", { ...data, references: [{ type: "url", url }] })).toBe(false);
  });

  it("rejects empty, control-character and repeated values", () => {
    const data = sampleData("crime", "bulletin");
    expect(accepts("crime", "bulletin", { ...data, title: "" })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, title: "line\nbreak" })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, body: "bell\u0007" })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, keywords: [] })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, offences: ["fraud", "fraud"] })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, offences: ["shoplifting"] })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, jurisdictions: ["MA"] })).toBe(false);
  });

  it("rejects bad references, related ids and translations", () => {
    const data = sampleData("crime", "bulletin");
    expect(accepts("crime", "bulletin", { ...data, references: [{ type: "url", url: "javascript:alert(1)" }] })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, references: [{ type: "url", url: "ftp://alliance.example/x" }] })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, references: [{ type: "memo", ref: "x" }] })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, related: ["not-a-uuid"] })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, translations: { de: { title: "T", summary: "S" } } })).toBe(false);
    expect(accepts("crime", "bulletin", { ...data, translations: { en: { title: "T" } } })).toBe(false);
  });

  it("rejects bad social-media indicators", () => {
    const data = sampleData("extremism", "bulletin");
    const withIndicator = (indicator: unknown) => ({ ...data, indicators: [indicator] });
    expect(accepts("extremism", "bulletin", withIndicator({ type: "hashtag", value: "no hash" }))).toBe(false);
    expect(accepts("extremism", "bulletin", withIndicator({ type: "handle", value: "@x" }))).toBe(false);
    expect(accepts("extremism", "bulletin", withIndicator({ type: "content-hash", algorithm: "sha256", value: "a".repeat(40) }))).toBe(false);
    expect(accepts("extremism", "bulletin", { ...data, platforms: ["myspace"] })).toBe(false);
    expect(accepts("extremism", "bulletin", { ...data, ideology: "anything" })).toBe(false);
  });

  it("rejects bad border points and conveyances", () => {
    const data = sampleData("border", "bulletin");
    const point = { name: "Tanger Med", country: "es", unlocode: "MAPTM", crossingType: "sea" };
    expect(accepts("border", "bulletin", { ...data, crossingPoints: [point] })).toBe(false);
    expect(accepts("border", "bulletin", { ...data, crossingTypes: ["rail"] })).toBe(false);
    expect(accepts("border", "bulletin", { ...data, routes: [{ points: [{ name: "Nador", country: "ma" }] }] })).toBe(false);
    expect(accepts("border", "bulletin", { ...data, conveyances: [{ type: "vessel" }] })).toBe(false);
    expect(accepts("border", "bulletin", { ...data, conveyances: [{ type: "vessel", imo: "9074728" }] })).toBe(false);
    expect(accepts("border", "bulletin", { ...data, conveyances: [{ type: "vehicle", vin: "IOQ" }] })).toBe(false);
    expect(isImoNumber("9074729")).toBe(true);
  });
});

describe("schemas - demo scenario", () => {
  const memberLangs: Record<string, readonly string[]> = {
    ae: ["ar"], bh: ["ar"], ma: ["ar", "fr"], fr: ["fr"], it: ["it"], es: ["es"], sn: ["fr"],
  };

  it.each(demoScenario.map((m, i) => [i, m.origin, m.channel, m.kind, m] as const))(
    "message %i (%s %s %s) data parses with its schema",
    (_i, _origin, channel, kind, message) => {
      const result = priorityDataSchemaOf(channel, kind).safeParse(message.data);
      expect(result.success ? "" : result.error.message).toBe("");
      const full = parseEvent(
        event(eventType(channel, kind), message.data, { source: message.origin, lang: message.lang, tlp: message.tlp, ...(message.recipients ? { recipients: message.recipients } : {}) }),
      );
      expect(full.success ? "" : full.error).toBe("");
    },
  );

  it("has 1 to 3 messages per member, each in the member's language, with an alert and a capacity offer", () => {
    for (const [member, langs] of Object.entries(memberLangs)) {
      const own = demoScenario.filter((m) => m.origin === member);
      expect(own.length, member).toBeGreaterThanOrEqual(1);
      expect(own.length, member).toBeLessThanOrEqual(3);
      for (const m of own) expect(langs, member).toContain(m.lang);
    }
    expect(demoScenario.some((m) => m.kind === "alert")).toBe(true);
    expect(demoScenario.some((m) => m.kind === "capacity" && (m.data as { mode?: string }).mode === "offered")).toBe(true);
  });
});
