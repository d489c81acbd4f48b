import type { DemoMessage } from "./scenario.js";

/** Demo messages of France (French), Italy (Italian) and Spain (Spanish). */

const DAY = 86_400_000;
const loadedAt = Date.now();
const daysFromLoad = (days: number) => new Date(loadedAt + days * DAY).toISOString();

const frCrime: DemoMessage = {
  origin: "fr",
  channel: "crime",
  kind: "bulletin",
  lang: "fr",
  tlp: "AMBER",
  data: {
    title: "Escroqueries au faux conseiller bancaire opérées depuis l'étranger",
    summary:
      "Des réseaux organisés exploitent des centres d'appels implantés hors de l'Union européenne pour se faire passer pour des conseillers bancaires et obtenir la validation de virements frauduleux.",
    body:
      "Les victimes reçoivent un appel dont le numéro affiché usurpe celui de leur banque. L'interlocuteur prétend bloquer une opération suspecte et obtient la validation d'un virement vers un compte « sécurisé ».\n" +
      "Les fonds transitent en quelques heures par des comptes de mules puis sont convertis en cryptoactifs.\n" +
      "Les investigations ont identifié des centres d'appels dans plusieurs pays et des mules recrutées sur les réseaux sociaux.",
    keywords: ["faux conseiller", "usurpation de numéro", "mules financières", "cryptoactifs"],
    offences: ["fraud", "cybercrime", "money-laundering"],
    jurisdictions: ["fr", "es", "it"],
    modusOperandi: [
      "Usurpation du numéro de téléphone de la banque (spoofing)",
      "Validation de virements obtenue par manipulation psychologique",
      "Blanchiment par comptes de mules puis conversion en cryptoactifs",
    ],
    organisations: [{ name: "Réseau « Standard » (nom de code d'enquête)", countries: ["fr", "es"] }],
    commodities: [{ type: "crypto-assets", description: "Stablecoins achetés sur des plateformes non régulées" }],
  },
};

const frCapacity: DemoMessage = {
  origin: "fr",
  channel: "extremism",
  kind: "capacity",
  lang: "fr",
  tlp: "CLEAR",
  data: {
    title: "Formation : détection et signalement des contenus terroristes en ligne",
    summary:
      "Le ministère de l'Intérieur propose aux membres de l'alliance une session de formation sur la détection, la qualification juridique et le signalement des contenus terroristes en ligne.",
    body:
      "La session présente les méthodes de veille sur les plateformes, la qualification des contenus au regard du droit applicable, les procédures de retrait auprès des hébergeurs et la préservation des preuves numériques.\n" +
      "Elle s'adresse aux enquêteurs et analystes des unités de lutte contre la cybercriminalité et le terrorisme.",
    keywords: ["contenus terroristes", "signalement", "retrait de contenus", "preuve numérique"],
    translations: {
      en: {
        title: "Training: detecting and reporting terrorist content online",
        summary: "France offers alliance members a course on detecting, legally qualifying and reporting terrorist content online.",
      },
    },
    platforms: ["x", "telegram", "tiktok", "youtube"],
    programme: "Détection et signalement des contenus terroristes en ligne",
    mode: "offered",
    member: "fr",
    startDate: "2027-04-12",
    endDate: "2027-04-16",
    registrationDeadline: "2027-03-12",
    seats: 20,
    location: { format: "hybrid", country: "fr", city: "Paris" },
    deliveryLanguages: ["fr", "en"],
  },
};

const itPractice: DemoMessage = {
  origin: "it",
  channel: "border",
  kind: "practice",
  lang: "it",
  tlp: "GREEN",
  data: {
    title: "Analisi del rischio condivisa tra polizia di frontiera e dogane nei porti commerciali",
    summary:
      "Nei principali porti commerciali la polizia di frontiera e l'agenzia delle dogane condividono in tempo reale le informazioni preventive su equipaggi, passeggeri e merci per selezionare i controlli.",
    body:
      "Un nucleo congiunto esamina le liste di equipaggio e passeggeri e i manifesti di carico prima dell'arrivo delle navi.\n" +
      "I profili di rischio sono aggiornati dopo ogni controllo positivo, così che i criteri di selezione seguano l'evoluzione dei metodi dei trafficanti.",
    keywords: ["analisi del rischio", "porti", "dogane", "informazioni preventive"],
    crossingTypes: ["sea"],
    documentTypes: ["seafarer-identity-document", "crew-member-certificate", "passport"],
    lessonsLearned: [
      "Un unico punto di analisi evita controlli doppi e riduce i tempi di sosta delle navi.",
      "Il riscontro sistematico sull'esito dei controlli è ciò che rende efficaci i profili di rischio.",
    ],
    applicability:
      "Applicabile ai porti con flussi regolari di navi portacontainer e traghetti, dove le informazioni preventive sono disponibili almeno 24 ore prima dell'arrivo.",
    contactPoint: { unit: "Direzione Centrale dell'Immigrazione e della Polizia delle Frontiere, Ministero dell'Interno" },
  },
};

const itCrime: DemoMessage = {
  origin: "it",
  channel: "crime",
  kind: "bulletin",
  lang: "it",
  tlp: "AMBER",
  recipients: ["sn", "ma", "es"],
  data: {
    title: "Traffico illecito di rifiuti elettronici verso l'Africa occidentale",
    summary:
      "Un'indagine ha accertato spedizioni di rifiuti di apparecchiature elettriche ed elettroniche dichiarati come merce usata, diretti verso porti dell'Africa occidentale.",
    body:
      "I container, dichiarati come elettrodomestici usati funzionanti, contenevano in realtà apparecchiature non funzionanti e componenti da smaltire.\n" +
      "La rete si avvale di intermediari che falsificano i certificati di funzionamento e di società di spedizione che cambiano ragione sociale dopo pochi mesi.",
    keywords: ["rifiuti elettronici", "RAEE", "falsa dichiarazione", "container"],
    offences: ["environmental-crime"],
    jurisdictions: ["it", "sn"],
    modusOperandi: [
      "Rifiuti dichiarati come merce usata funzionante",
      "Certificati di funzionamento falsificati",
      "Società di spedizione di breve durata",
    ],
    commodities: [
      { type: "waste", description: "Rifiuti di apparecchiature elettriche ed elettroniche (RAEE)", quantity: { amount: 14, unit: "containers" } },
    ],
  },
};

const esAlert: DemoMessage = {
  origin: "es",
  channel: "border",
  kind: "alert",
  lang: "es",
  tlp: "AMBER",
  data: {
    title: "Pasaportes falsificados de alta calidad en vuelos con escala",
    summary:
      "Se han detectado pasaportes falsificados de alta calidad presentados por pasajeros en tránsito, con páginas de datos sustituidas y elementos de seguridad imitados con gran precisión.",
    body:
      "En las últimas dos semanas se han interceptado varios pasaportes con la página de datos sustituida y el chip sin datos o con datos que no coinciden con la zona de lectura mecánica.\n" +
      "Los titulares llegaban en vuelos con escala y presentaban tarjetas de embarque para un destino final distinto.",
    keywords: ["pasaportes falsificados", "fraude documental", "tránsito aeroportuario", "chip"],
    crossingTypes: ["air"],
    documentTypes: ["passport"],
    crossingPoints: [{ name: "Aeropuerto Adolfo Suárez Madrid-Barajas", country: "es", unlocode: "ESMAD", crossingType: "air" }],
    urgency: "priority",
    validFrom: daysFromLoad(0),
    validUntil: daysFromLoad(14),
    requestedAction:
      "Verificar la lectura del chip frente a la zona de lectura mecánica en pasajeros en tránsito y comunicar cualquier detección al punto de contacto español.",
  },
};

const esExtremism: DemoMessage = {
  origin: "es",
  channel: "extremism",
  kind: "bulletin",
  lang: "es",
  tlp: "GREEN",
  data: {
    title: "Difusión de propaganda yihadista en español en plataformas de videojuegos",
    summary:
      "Se observa la difusión de propaganda yihadista en español en servidores de chat vinculados a videojuegos, dirigida a menores y jóvenes.",
    body:
      "Los captadores entran en contacto con menores a través de partidas en línea y los trasladan a servidores privados, donde comparten vídeos de propaganda subtitulados en español.\n" +
      "El contenido combina estética de videojuegos con mensajes de victimización y llamamientos a la acción.",
    keywords: ["propaganda yihadista", "videojuegos", "menores", "radicalización en línea"],
    ideology: "jihadist",
    platforms: ["gaming", "discord", "tiktok"],
    propagandaThemes: ["victimización", "llamamiento a la acción", "estética de videojuegos"],
    languagesObserved: ["es", "ar"],
    indicators: [
      { type: "hashtag", value: "#ejemplo_demo", platform: "tiktok" },
      { type: "content-hash", algorithm: "md5", value: "83e2a8fb19505aaa57fad5afd7e3f5e1", description: "Imagen de propaganda" },
    ],
  },
};

export const europeMessages: readonly DemoMessage[] = [frCrime, frCapacity, itPractice, itCrime, esAlert, esExtremism];
