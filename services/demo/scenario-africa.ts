import type { DemoMessage } from "./scenario.js";

/** Demo messages of Morocco (Arabic and French) and Senegal (French). */

const maCrime: DemoMessage = {
  origin: "ma",
  channel: "crime",
  kind: "bulletin",
  lang: "ar",
  tlp: "AMBER",
  recipients: ["es", "fr", "ae"],
  data: {
    title: "تفكيك شبكة للاتجار الدولي في المخدرات تستعمل الزوارق السريعة",
    summary:
      "فككت المصالح الأمنية شبكة إجرامية منظمة تنشط في تهريب راتنج القنب عبر الزوارق السريعة نحو السواحل الأوروبية، وتعتمد على شركات واجهة لغسل العائدات.",
    body:
      "أسفرت عملية أمنية عن تفكيك شبكة إجرامية منظمة تتولى نقل شحنات من راتنج القنب انطلاقاً من السواحل المتوسطية عبر زوارق سريعة، بتنسيق مع شركاء في الضفة الشمالية.\n" +
      "وكشفت التحريات أن الشبكة تلجأ إلى شركات واجهة في قطاعي النقل والعقار لغسل العائدات، وتستعمل هواتف مشفرة للتواصل بين أعضائها.\n" +
      "وتُقدَّم هذه المعلومات إلى الدول الأعضاء المعنية لمساعدتها على رصد امتدادات الشبكة داخل أراضيها.",
    keywords: ["المخدرات", "راتنج القنب", "الزوارق السريعة", "غسل الأموال", "الهواتف المشفرة"],
    offences: ["drug-trafficking", "money-laundering"],
    jurisdictions: ["ma", "es", "fr"],
    modusOperandi: [
      "نقل الشحنات ليلاً بزوارق سريعة انطلاقاً من شواطئ غير محروسة",
      "غسل العائدات عبر شركات واجهة في قطاعي النقل والعقار",
      "التواصل بين الأعضاء عبر هواتف مشفرة",
    ],
    organisations: [{ name: "شبكة «المضيق» (اسم رمزي للتحقيق)", countries: ["ma", "es"] }],
    commodities: [{ type: "drugs", description: "راتنج القنب (الشيرا)", quantity: { amount: 4.2, unit: "t" } }],
  },
};

const maBorder: DemoMessage = {
  origin: "ma",
  channel: "border",
  kind: "bulletin",
  lang: "fr",
  tlp: "GREEN",
  data: {
    title: "Tentatives de traversée irrégulière depuis le littoral de l'Oriental",
    summary:
      "Les unités de surveillance côtière signalent une hausse des tentatives de traversée en embarcations pneumatiques depuis la région de Nador vers les côtes andalouses, organisées par des réseaux de passeurs.",
    body:
      "Au cours des six dernières semaines, les unités de surveillance côtière ont intercepté plusieurs embarcations pneumatiques surchargées au départ des plages situées à l'est de Nador.\n" +
      "Les passeurs regroupent les candidats dans des logements temporaires, puis les acheminent de nuit vers des points de départ changeants, communiqués au dernier moment par messagerie.\n" +
      "La coopération opérationnelle avec les autorités espagnoles a permis plusieurs interceptions en mer et le démantèlement d'une cellule logistique.",
    keywords: ["migration irrégulière", "passeurs", "embarcations pneumatiques", "Méditerranée occidentale"],
    crossingTypes: ["sea"],
    crossingPoints: [{ name: "Port de Nador", country: "ma", unlocode: "MANDR", crossingType: "sea" }],
    routes: [
      {
        name: "Méditerranée occidentale",
        points: [
          { name: "Nador", country: "ma", unlocode: "MANDR" },
          { name: "Almería", country: "es", unlocode: "ESLEI", crossingType: "sea" },
        ],
      },
    ],
    conveyances: [{ type: "vessel", name: "Embarcation pneumatique sans nom", vesselType: "inflatable" }],
  },
};

const snBorder: DemoMessage = {
  origin: "sn",
  channel: "border",
  kind: "bulletin",
  lang: "fr",
  tlp: "GREEN",
  data: {
    title: "Départs de pirogues vers les îles Canaries depuis la Petite-Côte",
    summary:
      "La surveillance côtière constate une reprise des départs de pirogues depuis la Petite-Côte vers l'archipel des Canaries, avec des escales au large de la Mauritanie.",
    body:
      "Depuis le début de la saison, plusieurs pirogues de pêche ont été reconverties pour le transport de candidats à la migration, au départ des environs de Mbour et de Joal-Fadiouth.\n" +
      "Les organisateurs achètent le carburant et les moteurs par petites quantités pour éviter d'attirer l'attention, et collectent les paiements en espèces ou par transfert d'argent mobile.\n" +
      "Le Sénégal partage ces éléments pour renforcer la coordination de la surveillance maritime avec les membres concernés.",
    keywords: ["pirogues", "Canaries", "migration irrégulière", "surveillance maritime", "Petite-Côte"],
    crossingTypes: ["sea"],
    crossingPoints: [{ name: "Port autonome de Dakar", country: "sn", unlocode: "SNDKR", crossingType: "sea" }],
    routes: [
      {
        name: "Route atlantique",
        points: [
          { name: "Mbour", country: "sn" },
          { name: "Au large de Nouadhibou", country: "mr" },
          { name: "Las Palmas de Gran Canaria", country: "es", unlocode: "ESLPA", crossingType: "sea" },
        ],
      },
    ],
    conveyances: [{ type: "vessel", name: "Pirogue de pêche reconvertie", vesselType: "fishing" }],
  },
};

const snCapacity: DemoMessage = {
  origin: "sn",
  channel: "crime",
  kind: "capacity",
  lang: "fr",
  tlp: "GREEN",
  data: {
    title: "Demande d'appui : identification et protection des victimes de la traite des êtres humains",
    summary:
      "Le ministère de l'Intérieur du Sénégal sollicite une formation pour ses enquêteurs et agents aux frontières sur l'identification des victimes de la traite et la coopération judiciaire internationale.",
    body:
      "Les réseaux de traite exploitent les mêmes itinéraires que les filières de migration irrégulière, ce qui rend l'identification des victimes difficile lors des contrôles.\n" +
      "La formation souhaitée porterait sur les indicateurs de traite, les entretiens avec les victimes, l'orientation vers les structures de protection et la préparation des demandes d'entraide.\n" +
      "Les membres disposant d'une expertise en la matière sont invités à se faire connaître auprès du secrétariat de l'alliance.",
    keywords: ["traite des êtres humains", "identification des victimes", "renforcement des capacités"],
    offences: ["human-trafficking", "migrant-smuggling"],
    programme: "Identification des victimes de la traite aux frontières",
    mode: "requested",
    member: "sn",
    startDate: "2027-05-03",
    endDate: "2027-05-07",
    seats: 30,
    location: { format: "in-person", country: "sn", city: "Dakar" },
    deliveryLanguages: ["fr"],
    contactPoint: { unit: "Direction de la Police de l'Air et des Frontières, ministère de l'Intérieur" },
  },
};

export const africaMessages: readonly DemoMessage[] = [maCrime, maBorder, snBorder, snCapacity];
