import type { DemoMessage } from "./scenario.js";

/** Demo messages of the United Arab Emirates and Bahrain, in Arabic. */

const HOUR = 3_600_000;
const loadedAt = Date.now();
const hoursFromLoad = (hours: number) => new Date(loadedAt + hours * HOUR).toISOString();

const foundingMinutes = {
  type: "document",
  ref: "ALLIANCE/2017/01",
  title: "محضر الاجتماع الأول لوزراء داخلية الدول الأعضاء في التحالف، أبوظبي، 19 فبراير 2017",
  issuer: "أمانة التحالف",
} as const;

const aeCapacity: DemoMessage = {
  origin: "ae",
  channel: "crime",
  kind: "capacity",
  lang: "ar",
  tlp: "GREEN",
  data: {
    title: "برنامج تدريبي في التحقيق المالي ومكافحة غسل الأموال",
    summary:
      "تعرض وزارة الداخلية في دولة الإمارات العربية المتحدة على الدول الأعضاء في التحالف برنامجاً تدريبياً متخصصاً في تتبع الأموال غير المشروعة وتفكيك شبكات غسل الأموال المرتبطة بالجريمة المنظمة العابرة للحدود.",
    body:
      "في إطار برامج بناء القدرات التي أقرها الاجتماع الأول لوزراء داخلية الدول الأعضاء في أبوظبي، تعرض وزارة الداخلية برنامجاً تدريبياً مدته خمسة أيام لضباط التحقيق والمحللين الماليين.\n" +
      "يتناول البرنامج أساليب التحقيق المالي الموازي، وتتبع الأصول المشفرة، والتعاون مع وحدات المعلومات المالية، وإعداد طلبات المساعدة القانونية المتبادلة.\n" +
      "يُقدَّم البرنامج باللغتين العربية والإنجليزية، ويُرجى من الوزارات الراغبة في المشاركة التسجيل عبر أمانة التحالف قبل الموعد المحدد.",
    keywords: ["غسل الأموال", "التحقيق المالي", "الأصول المشفرة", "بناء القدرات"],
    references: [foundingMinutes],
    translations: {
      en: {
        title: "Training programme: financial investigation and anti-money laundering",
        summary:
          "The UAE Ministry of Interior offers alliance members a specialised programme on tracing illicit funds and dismantling money-laundering networks linked to transnational organised crime.",
      },
    },
    offences: ["money-laundering"],
    programme: "التحقيق المالي الموازي وتتبع الأصول",
    mode: "offered",
    member: "ae",
    startDate: "2027-03-14",
    endDate: "2027-03-18",
    registrationDeadline: "2027-02-14",
    seats: 24,
    location: { format: "in-person", country: "ae", city: "أبوظبي", venue: "أكاديمية سيف بن زايد للعلوم الشرطية والأمنية" },
    deliveryLanguages: ["ar", "en"],
    contactPoint: { unit: "أمانة التحالف، وزارة الداخلية، دولة الإمارات العربية المتحدة", email: "capacity@secretariat.alliance.example" },
  },
};

const aeBorder: DemoMessage = {
  origin: "ae",
  channel: "border",
  kind: "bulletin",
  lang: "ar",
  tlp: "AMBER",
  data: {
    title: "رصد حاويات عابرة ببيانات شحن مزورة في الموانئ",
    summary:
      "رصدت فرق تحليل المخاطر في المنافذ البحرية نمطاً متكرراً لحاويات عابرة تحمل بيانات شحن مزورة تُخفي سجائر مقلدة، مع تغيير ميناء الوجهة أثناء الرحلة لتفادي التفتيش.",
    body:
      "خلال الأشهر الثلاثة الماضية، رصدت فرق تحليل المخاطر حاويات صُرِّح بمحتواها على أنه قطع غيار أو مواد بناء، وتبيّن عند التفتيش أنها تحتوي على سجائر مقلدة.\n" +
      "تعتمد الشبكة على شركات واجهة حديثة التأسيس، وعلى تعديل بيانات الوجهة النهائية بعد مغادرة ميناء الشحن.\n" +
      "توصي الجهات المختصة بمقارنة بيانات الشحن المسبقة بسجل الشركة المصدِّرة، وبإيلاء عناية خاصة للحاويات التي تتغير وجهتها أثناء الرحلة.",
    keywords: ["الموانئ", "الحاويات", "بيانات الشحن", "السجائر المقلدة", "تحليل المخاطر"],
    crossingTypes: ["sea"],
    crossingPoints: [{ name: "ميناء جبل علي", country: "ae", unlocode: "AEJEA", crossingType: "sea" }],
    routes: [
      {
        name: "مسار الحاويات العابرة نحو غرب المتوسط",
        points: [
          { name: "جبل علي", country: "ae", unlocode: "AEJEA" },
          { name: "طنجة المتوسط", country: "ma", unlocode: "MAPTM", crossingType: "sea" },
          { name: "الجزيرة الخضراء", country: "es", unlocode: "ESALG", crossingType: "sea" },
        ],
      },
    ],
  },
};

const bhPractice: DemoMessage = {
  origin: "bh",
  channel: "extremism",
  kind: "practice",
  lang: "ar",
  tlp: "GREEN",
  data: {
    title: "تجربة مملكة البحرين في التعامل مع استخدام وسائل التواصل الاجتماعي في نشر الإرهاب وتبنّيه",
    summary:
      "إيجاز قُدِّم خلال الاجتماع الأول لوزراء داخلية الدول الأعضاء في التحالف حول الإجراءات التي اتخذتها وزارة الداخلية في مملكة البحرين لرصد الحسابات التي تروّج للإرهاب على وسائل التواصل الاجتماعي والتعامل معها.",
    body:
      "تستخدم التنظيمات الإرهابية وسائل التواصل الاجتماعي للتجنيد ونشر خطاب الكراهية والتحريض على العنف، مستفيدةً من سرعة الانتشار وصعوبة تحديد هوية أصحاب الحسابات.\n" +
      "وقد اعتمدت وزارة الداخلية في مملكة البحرين نهجاً متكاملاً يقوم على الرصد الإلكتروني المستمر للمحتوى المحرِّض، والتحقيق في الحسابات المرتبطة بجهات خارجية، والتنسيق مع مزودي المنصات لإزالة المحتوى، إلى جانب حملات توعية موجهة إلى الشباب وأولياء الأمور.\n" +
      "ويُعرض هذا الإيجاز على الدول الأعضاء في إطار تبادل الخبرات وأفضل الممارسات.",
    keywords: ["وسائل التواصل الاجتماعي", "الإرهاب الإلكتروني", "التحريض", "الرصد الإلكتروني", "التوعية"],
    references: [foundingMinutes],
    translations: {
      en: {
        title: "Bahrain's experience in dealing with the use of social media to spread and promote terrorism",
        summary:
          "Briefing given at the alliance's first ministerial meeting on how Bahrain's Ministry of Interior detects and handles accounts that promote terrorism on social media.",
      },
      fr: {
        title: "L'expérience du Royaume de Bahreïn face à l'utilisation des réseaux sociaux pour propager le terrorisme",
        summary:
          "Exposé présenté lors de la première réunion ministérielle de l'alliance sur la détection et le traitement des comptes faisant l'apologie du terrorisme.",
      },
    },
    platforms: ["x", "instagram", "telegram", "youtube"],
    propagandaThemes: ["التجنيد", "التحريض على العنف", "خطاب الكراهية", "تمجيد العمليات الإرهابية"],
    languagesObserved: ["ar", "en"],
    lessonsLearned: [
      "الرصد المبكر للحسابات الجديدة التي تعيد نشر محتوى محظور يختصر زمن الاستجابة ويحدّ من انتشار المحتوى قبل أن يبلغ جمهوراً واسعاً.",
      "تحتاج طلبات إزالة المحتوى إلى قنوات اتصال معتمدة مسبقاً مع مزودي المنصات، وإلى توثيق قانوني دقيق لكل طلب.",
      "تحدّ حملات التوعية الموجهة إلى الشباب من تفاعلهم مع المحتوى المتطرف، ولا سيما عند إشراك المدارس والأسر.",
    ],
    applicability:
      "تنطبق هذه الممارسة على الدول التي تمتلك إطاراً تشريعياً لمكافحة الجرائم الإلكترونية ووحدةً متخصصة في الرصد الإلكتروني، ويمكن تكييفها وفقاً للنظام القانوني لكل دولة عضو.",
    contactPoint: { unit: "الإدارة العامة لمكافحة الفساد والأمن الاقتصادي والإلكتروني، وزارة الداخلية، مملكة البحرين" },
  },
};

const bhAlert: DemoMessage = {
  origin: "bh",
  channel: "extremism",
  kind: "alert",
  lang: "ar",
  tlp: "AMBER",
  data: {
    title: "حملة منسقة على وسائل التواصل الاجتماعي تحرّض على العنف",
    summary:
      "رُصدت خلال الساعات الماضية شبكة من الحسابات المنسقة تنشر وسماً تحريضياً ومقطع فيديو يمجّد عملاً إرهابياً، مع دعوات إلى إعادة نشره على نطاق واسع.",
    body:
      "رصدت وحدة الرصد الإلكتروني شبكة تضم عشرات الحسابات حديثة الإنشاء تنشر بصورة متزامنة وسماً تحريضياً ومقطع فيديو يمجّد عملاً إرهابياً، وتدعو إلى إعادة نشره.\n" +
      "وتشير المعطيات إلى أن الحسابات تُدار من خارج المملكة وتستهدف جمهوراً في أكثر من دولة عضو.\n" +
      "أُرفقت بهذا الإنذار مؤشرات تقنية تساعد على الرصد والإزالة.",
    keywords: ["تحريض", "حسابات منسقة", "محتوى إرهابي", "إزالة المحتوى"],
    ideology: "undetermined",
    platforms: ["x", "telegram"],
    propagandaThemes: ["تمجيد العمليات الإرهابية", "الدعوة إلى العنف"],
    languagesObserved: ["ar"],
    indicators: [
      { type: "hashtag", value: "#مثال_تحريض", platform: "x", observedAt: hoursFromLoad(-2) },
      { type: "handle", value: "@demo_account_01", platform: "x" },
      { type: "handle", value: "demo_channel_02", platform: "telegram" },
      {
        type: "content-hash",
        algorithm: "sha256",
        value: "1f1e2e488b7dca444f32a214a56fd1ea594652eca1e63b38140c5b6b742a45b0",
        description: "مقطع الفيديو المتداول",
      },
    ],
    urgency: "immediate",
    validFrom: hoursFromLoad(0),
    validUntil: hoursFromLoad(72),
    requestedAction:
      "يُرجى من الدول الأعضاء التحقق من وجود المؤشرات المرفقة على المنصات العاملة لديها، وطلب إزالة المحتوى وفق تشريعاتها الوطنية، وإبلاغ مملكة البحرين بأي حسابات مرتبطة.",
  },
};

export const gulfMessages: readonly DemoMessage[] = [aeCapacity, aeBorder, bhPractice, bhAlert];
