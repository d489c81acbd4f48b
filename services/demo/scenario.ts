import type { Lang, MemberCode, OriginCode, PriorityChannel, PriorityKind, Tlp } from "../../schemas/index.js";
import { africaMessages } from "./scenario-africa.js";
import { europeMessages } from "./scenario-europe.js";
import { gulfMessages } from "./scenario-gulf.js";

/**
 * Demo content for the seven founding members, each in its own language, on the priority areas
 * the founding meeting (Abu Dhabi, 2017-02-19) set: transnational organised crime, extremism
 * and its spread on social media, and the monitoring of borders and ports, through exchange of
 * expertise, best practice and capacity-building programmes. Cases, names and identifiers are
 * invented for the demo.
 */
export type DemoMessage = {
  origin: MemberCode;
  channel: PriorityChannel;
  kind: PriorityKind;
  lang: Lang;
  tlp: Tlp;
  recipients?: OriginCode[];
  data: unknown;
};

/** Every demo message, in publishing order. */
export const demoScenario: readonly DemoMessage[] = Object.freeze([
  ...gulfMessages,
  ...africaMessages,
  ...europeMessages,
]);

