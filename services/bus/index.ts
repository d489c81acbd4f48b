// The SDK's public surface: what services and ministry systems import. Each folder's index lists its own.
export { openBus, loadConfig, parseConfig, DEFAULT_CONFIG_PATH, connectBus, AllianceError, TransientError, ErrorCode, isAllianceError, createLogger, REDACT_PATHS, isTransient, retryTransient } from "./core/index.js";
export type { Bus, OpenBusOptions, ConnectSettings, NatsConnection, Logger, LoggerSettings, RetryOptions } from "./core/index.js";
export { Header, CLOUDEVENTS_CONTENT_TYPE, ALGORITHM, signDetached, parseSignatureHeader, verifyDetached, Reason, ALL_REASONS, isReason, parseJsonSafely, nestingExceeds, signEvent, StreamName, eventSubject, channelSubject, quarantineSubject, derivedSubject, streamForChannel, SUBJECT_ROOT, createVerifier } from "./wire/index.js";
export type { OutgoingEvent, SignedMessage, IncomingMessage, Verdict, Verifier, VerifierDeps } from "./wire/index.js";
export { StaticKeyDirectory, memberOfKid, importPublicJwk, generateEncryptionKey, toPublicEncJwk, ENCRYPTION_ALGORITHM, initKeys, loadSigner, loadJwks, signerFromJwk, generateMemberKey, toPublicJwk, newKeyId, DIRECTORY_FILE } from "./keys/index.js";
export type { KeyDirectory, KeyLookup, Signer } from "./keys/index.js";
export { createPublisher } from "./publish/index.js";
export type { Publisher, PublisherDeps, PublishReceipt } from "./publish/index.js";
export { openProcessedRecord, memoryProcessedRecord, PROCESSED_BUCKET, processedBucket, ownerOfConsumer, quarantineMessage, subscribe } from "./consume/index.js";
export type { ProcessedRecord, Handler, HandlerContext, Rejection, SubscribeDeps, Subscription } from "./consume/index.js";
export { ensureConsumer, consumerConfig, readStream, listQuarantine, describeQuarantined, provisionStreams, desiredStreams, streamMaxMsgSize, STREAM_MAX_MSG_BYTES, removeSubjectMessages } from "./admin/index.js";
export type { ConsumerSpec, StartFrom, QuarantineEntry, ReadStreamOptions, ProvisionOutcome } from "./admin/index.js";
