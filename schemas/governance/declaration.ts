import { z } from "zod";
import { CalendarDate, EventId, line, text, Timestamp } from "../data/common.js";
import { Lang } from "../protocol.js";
import { inFiveLanguages, Sha256Hex } from "./common.js";

/**
 * The signing deadline of the founding declaration: the end (UTC) of the day three calendar
 * months after the founding meeting, clamped to the month's last day (30 Nov → 28/29 Feb).
 * Returned as the first instant after it: signatures must be received strictly before.
 *
 * @example signingDeadline("2017-02-19") // "2017-05-20T00:00:00.000Z"
 */
export function signingDeadline(meetingDate: string): string {
  const [y, m, d] = meetingDate.split("-").map(Number) as [number, number, number];
  const monthIndex = m - 1 + 3;
  const year = y + Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay) + 1)).toISOString();
}

/** `declaration-published` (by the secretariat): the five texts and the SHA-256 of each. */
export const DeclarationPublished = z
  .strictObject({
    title: inFiveLanguages(line(300), "The declaration's title in each language."),
    texts: inFiveLanguages(text(20_000), "The declaration's text in each language."),
    sha256: inFiveLanguages(Sha256Hex, "SHA-256 of the UTF-8 bytes of each text, exactly as in texts."),
    meeting: z.strictObject({ date: CalendarDate, place: line(100) }).describe("The founding meeting."),
    deadline: Timestamp.describe("signingDeadline(meeting.date): the first instant after the day three months after the meeting."),
  })
  .refine((d) => Date.parse(d.deadline) === Date.parse(signingDeadline(d.meeting.date)), {
    error: "deadline must be the end of the day three months after the meeting",
    path: ["deadline"],
  })
  .meta({
    title: "DeclarationPublished",
    description: "The founding declaration in five languages. Rules: sha256.<lang> is the SHA-256 of texts.<lang>; deadline is 00:00 UTC of the day after the date three months after meeting.date.",
  });
export type DeclarationPublished = z.infer<typeof DeclarationPublished>;

/** `declaration-signed` (by a member minister): the message's JWS is the signature. */
export const DeclarationSigned = z
  .strictObject({
    declaration: EventId,
    lang: Lang.describe("The language version signed."),
    sha256: Sha256Hex.describe("Must equal the published sha256 of that language."),
    signatory: z.strictObject({ name: line(120), title: line(200) }),
  })
  .meta({ title: "DeclarationSigned", description: "A member minister signs the hash of one language version; the Alliance-Signature of this message is the signature." });
export type DeclarationSigned = z.infer<typeof DeclarationSigned>;

