export { Header, CLOUDEVENTS_CONTENT_TYPE } from "./headers.js";
export { ALGORITHM, signDetached, parseSignatureHeader, verifyDetached } from "./jws.js";
export { Reason, ALL_REASONS, isReason } from "./reasons.js";
export { parseJsonSafely, nestingExceeds } from "./safe-json.js";
export { signEvent } from "./sign.js";
export type { OutgoingEvent, SignedMessage } from "./sign.js";
export { StreamName, eventSubject, channelSubject, quarantineSubject, quarantineWriterSubjects, quarantineFilter, parseQuarantineSubject, derivedSubject, streamForChannel, SUBJECT_ROOT } from "./subjects.js";
export { createVerifier } from "./verify.js";
export type { IncomingMessage, Verdict, Verifier, VerifierDeps } from "./verify.js";
