/**
 * The demo's governance texts: the founding declaration and the operating model in the five
 * languages the founding meeting named (Arabic, French, Italian, Spanish, English), drawn from
 * the meeting's own report (shared/founding-meeting.ar.txt). The texts are the demo's; the
 * alliance's real documents are its own.
 */

export const declarationTitle = {
  ar: "إعلان التحالف",
  fr: "Déclaration de l'Alliance",
  it: "Dichiarazione dell'Alleanza",
  es: "Declaración de la Alianza",
  en: "Declaration of the Alliance",
};

export const declarationText = {
  ar: [
    "نحن، وزراء داخلية دولة الإمارات العربية المتحدة ومملكة البحرين والمملكة المغربية والجمهورية الفرنسية والجمهورية الإيطالية ومملكة إسبانيا وجمهورية السنغال، المجتمعين في أبوظبي، نعلن إطلاق \"التحالف\" مجموعةَ عمل أمنية دولية تتعاون لتحقيق أمن المجتمعات.",
    "وإدراكاً منا أن الجريمة قد تطورت وانتشرت بشكل عابر للحدود، وأنه ليس بمقدور أية دولة مواجهة هذا الخطر منفردة، نلتزم بتبادل الخبرات والتجارب والممارسات الناجحة وبرامج بناء القدرات، في نطاق أولوياتنا الاستراتيجية: مكافحة الجريمة المنظمة العابرة للحدود والوقاية منها، ومكافحة مختلف أنواع جرائم التطرف والوقاية منها، ومواجهة التحديات الشرطية والأمنية في إدارة ومراقبة الحدود والمنافذ.",
    "ونتفق على أن تستضيف دولة الإمارات العربية المتحدة أمانة التحالف، التي تتولى إعداد مسودة النموذج التشغيلي للتحالف، شاملة كيفية انضمام أعضاء جدد وآلية عمل فرق العمل الفرعية، وتمرير المشاريع المقترحة لتسجيل الراغبين بالمشاركة فيها من وزارات الداخلية.",
  ].join("\n"),
  fr: [
    "Nous, ministres de l'Intérieur des Émirats arabes unis, du Royaume de Bahreïn, du Royaume du Maroc, de la République française, de la République italienne, du Royaume d'Espagne et de la République du Sénégal, réunis à Abou Dabi, déclarons le lancement de « l'Alliance », groupe de travail international en matière de sécurité dont les membres coopèrent pour la sécurité de nos sociétés.",
    "Conscients que la criminalité a évolué et s'étend au-delà des frontières, et qu'aucun État ne peut faire face seul à cette menace, nous nous engageons à échanger expertise, expériences, bonnes pratiques et programmes de renforcement des capacités dans nos priorités stratégiques : lutter contre la criminalité organisée transnationale et la prévenir ; lutter contre toutes les formes de crimes liés à l'extrémisme et les prévenir ; relever les défis policiers et sécuritaires de la gestion et de la surveillance des frontières et des ports.",
    "Nous convenons que les Émirats arabes unis accueillent le secrétariat de l'Alliance, qui prépare le projet de modèle opérationnel, y compris l'adhésion de nouveaux membres et le fonctionnement des sous-groupes de travail, et fait circuler les projets proposés auprès des ministères souhaitant y participer.",
  ].join("\n"),
  it: [
    "Noi, Ministri dell'Interno degli Emirati Arabi Uniti, del Regno del Bahrein, del Regno del Marocco, della Repubblica francese, della Repubblica italiana, del Regno di Spagna e della Repubblica del Senegal, riuniti ad Abu Dhabi, dichiariamo l'avvio dell'«Alleanza», gruppo di lavoro internazionale per la sicurezza i cui membri cooperano per la sicurezza delle nostre società.",
    "Consapevoli che la criminalità si è evoluta e si diffonde oltre le frontiere, e che nessuno Stato può affrontare da solo questa minaccia, ci impegniamo a scambiare competenze, esperienze, buone pratiche e programmi di rafforzamento delle capacità nelle nostre priorità strategiche: contrastare e prevenire la criminalità organizzata transnazionale; contrastare e prevenire ogni forma di reato legato all'estremismo; affrontare le sfide di polizia e di sicurezza nella gestione e nel controllo delle frontiere e dei porti.",
    "Conveniamo che gli Emirati Arabi Uniti ospitino il segretariato dell'Alleanza, che predispone la bozza del modello operativo, comprese le modalità di adesione di nuovi membri e il funzionamento dei sottogruppi di lavoro, e fa circolare i progetti proposti tra i ministeri che desiderano parteciparvi.",
  ].join("\n"),
  es: [
    "Nosotros, los Ministros del Interior de los Emiratos Árabes Unidos, el Reino de Baréin, el Reino de Marruecos, la República Francesa, la República Italiana, el Reino de España y la República de Senegal, reunidos en Abu Dabi, declaramos la creación de «la Alianza», grupo de trabajo internacional de seguridad cuyos miembros cooperan por la seguridad de nuestras sociedades.",
    "Conscientes de que la delincuencia ha evolucionado y se extiende más allá de las fronteras, y de que ningún Estado puede hacer frente solo a esta amenaza, nos comprometemos a intercambiar conocimientos, experiencias, buenas prácticas y programas de desarrollo de capacidades en nuestras prioridades estratégicas: combatir y prevenir la delincuencia organizada transnacional; combatir y prevenir todas las formas de delitos relacionados con el extremismo; afrontar los retos policiales y de seguridad en la gestión y vigilancia de fronteras y puertos.",
    "Acordamos que los Emiratos Árabes Unidos acojan la secretaría de la Alianza, que prepara el proyecto de modelo operativo, incluida la adhesión de nuevos miembros y el funcionamiento de los subgrupos de trabajo, y hace circular los proyectos propuestos entre los ministerios que deseen participar en ellos.",
  ].join("\n"),
  en: [
    "We, the Ministers of Interior of the United Arab Emirates, the Kingdom of Bahrain, the Kingdom of Morocco, the French Republic, the Italian Republic, the Kingdom of Spain and the Republic of Senegal, meeting in Abu Dhabi, declare the launch of \"the Alliance\", an international security working group whose members cooperate for the security of our societies.",
    "Aware that crime has evolved and spreads across borders, and that no State can face this threat alone, we undertake to exchange expertise, experience, best practices and capacity-building programmes in our strategic priorities: combating and preventing transnational organised crime; combating and preventing all forms of extremism crimes; and meeting the policing and security challenges of managing and monitoring borders and ports.",
    "We agree that the United Arab Emirates host the secretariat of the Alliance, which prepares the draft operating model, including how new members join and how sub-working-groups work, and circulates proposed projects to the ministries wishing to take part.",
  ].join("\n"),
};

/** Who signs for each founder, in the language version it signs. */
export const signatories: Record<string, { lang: "ar" | "fr" | "it" | "es" | "en"; name: string; title: string }> = {
  ae: { lang: "ar", name: "وزير الداخلية", title: "نائب رئيس مجلس الوزراء وزير الداخلية، دولة الإمارات العربية المتحدة" },
  bh: { lang: "ar", name: "وزير الداخلية", title: "وزير الداخلية، مملكة البحرين" },
  ma: { lang: "ar", name: "وزير الداخلية", title: "وزير الداخلية، المملكة المغربية" },
  fr: { lang: "fr", name: "Le ministre de l'Intérieur", title: "Ministre de l'Intérieur, République française" },
  it: { lang: "it", name: "Il Ministro dell'Interno", title: "Ministro dell'Interno, Repubblica italiana" },
  es: { lang: "es", name: "El Ministro del Interior", title: "Ministro del Interior, Reino de España" },
  sn: { lang: "fr", name: "Le ministre de l'Intérieur", title: "Ministre de l'Intérieur et de la Sécurité publique, République du Sénégal" },
};

export const modelTitle = {
  ar: "النموذج التشغيلي للتحالف",
  fr: "Modèle opérationnel de l'Alliance",
  it: "Modello operativo dell'Alleanza",
  es: "Modelo operativo de la Alianza",
  en: "Operating model of the Alliance",
};

export const modelText = {
  ar: "1. الانضمام: تتقدم وزارة الداخلية الراغبة في الانضمام بطلبها عبر الأمانة مع مفتاح التوقيع العام الخاص بها، وتُقبل عضويتها بموافقة ثلثي الأعضاء العاملين.\n2. التعديل: يُعدَّل هذا النموذج بإجماع الأعضاء العاملين.\n3. الجزاءات: يتطلب تعليق العضوية أو إعادتها أو إلغاء مفتاح أحد الأعضاء موافقة ثلثي الأعضاء العاملين الآخرين.\n4. فرق العمل الفرعية: تشكّل الأمانة فرق عمل فرعية في مجالات الأولوية حول عضو قائد؛ ويبدأ الفريق عمله بعضوين ولا يتجاوز سبعة أعضاء.",
  fr: "1. Adhésion : un ministère de l'Intérieur présente sa demande par l'intermédiaire du secrétariat, avec sa clé publique de signature ; il est admis lorsque les deux tiers des membres actifs l'approuvent.\n2. Révision : le présent modèle est modifié à l'unanimité des membres actifs.\n3. Sanctions : la suspension, la réintégration et la révocation de la clé d'un membre requièrent les deux tiers des autres membres actifs.\n4. Sous-groupes de travail : le secrétariat forme des sous-groupes sur un domaine prioritaire autour d'un membre chef de file ; un groupe fonctionne à partir de deux membres et en compte au plus sept.",
  it: "1. Adesione: un ministero dell'Interno presenta domanda tramite il segretariato, con la propria chiave pubblica di firma; è ammesso con l'approvazione dei due terzi dei membri attivi.\n2. Modifica: il presente modello è modificato all'unanimità dei membri attivi.\n3. Sanzioni: la sospensione, la riammissione e la revoca della chiave di un membro richiedono i due terzi degli altri membri attivi.\n4. Sottogruppi di lavoro: il segretariato costituisce sottogruppi su un'area prioritaria attorno a un membro capofila; un gruppo opera a partire da due membri e ne conta al massimo sette.",
  es: "1. Adhesión: un ministerio del Interior presenta su solicitud a través de la secretaría, con su clave pública de firma; es admitido con la aprobación de dos tercios de los miembros activos.\n2. Modificación: el presente modelo se modifica por unanimidad de los miembros activos.\n3. Sanciones: la suspensión, la readmisión y la revocación de la clave de un miembro requieren dos tercios de los demás miembros activos.\n4. Subgrupos de trabajo: la secretaría forma subgrupos en un área prioritaria en torno a un miembro coordinador; un grupo funciona a partir de dos miembros y cuenta como máximo siete.",
  en: "1. Admission: a ministry of interior applies through the secretariat, with its public signing key; it is admitted when two thirds of the active members approve.\n2. Amendment: this model is amended by the unanimity of the active members.\n3. Sanctions: suspension, reinstatement and the revocation of a member's key need two thirds of the other active members.\n4. Sub-working-groups: the secretariat forms sub-working-groups on a priority area around a lead member; a group works from two members and counts at most seven.",
};

const twoThirds = { kind: "qualified-majority", numerator: 2, denominator: 3 } as const;
export const modelRules = {
  admission: twoThirds,
  amendment: { kind: "unanimity" },
  sanctions: twoThirds,
  workingGroups: { minMembers: 2, maxMembers: 7 },
} as const;

/** The applicant of the demo: a ministry that asks to join after the founding. */
export const applicant = {
  code: "jo",
  country: { en: "Jordan", native: "المملكة الأردنية الهاشمية" },
  ministry: "Ministry of Interior",
  lang: "ar" as const,
  contact: { unit: "مديرية التعاون الدولي، وزارة الداخلية", email: "cooperation@moi.jo.example" },
};
export const applicationLetter = "تتشرف وزارة الداخلية في المملكة الأردنية الهاشمية بطلب الانضمام إلى التحالف، والمشاركة في تبادل الخبرات والممارسات الناجحة في مجال إدارة ومراقبة الحدود والمنافذ.";

/** The applicant's first bulletin once admitted: a border bulletin in Arabic. */
export const applicantBulletin = {
  title: "رصد وثائق سفر مزورة عند المعابر البرية",
  summary: "رصدت فرق التدقيق عند المعابر البرية نمطاً من جوازات سفر مزورة بصفحات بيانات مستبدلة، يستخدمها مسافرون عابرون نحو موانئ البحر المتوسط.",
  body: "خلال الشهرين الماضيين، ضبطت فرق التدقيق عند المعابر البرية عدداً من جوازات السفر التي استُبدلت صفحات بياناتها بأخرى مطبوعة بجودة عالية.\nيتكرر استخدام هذه الوثائق من قبل مسافرين عابرين يتجهون لاحقاً نحو موانئ البحر المتوسط.\nتوصي الوزارة بفحص الصفحات تحت الأشعة فوق البنفسجية ومقارنة بيانات المنطقة المقروءة آلياً بالصفحة المطبوعة.",
  keywords: ["وثائق السفر", "التزوير", "المعابر البرية", "التدقيق"],
  crossingTypes: ["land"],
  documentTypes: ["passport"],
};
