/**
 * The secretariat: the alliance's governance as state derived only from signed events on the
 * `secretariat` channel (docs/secretariat.md).
 *
 * Entry points:
 * - `createSecretariat({ config, bus, log, signer, founding, durable?, onMemberAdmitted?, faults? })`
 *   → AsyncDisposable with `start()`, `stop()`, `state()`, `closed`: the service (signer: the
 *   `sec` key; founding: the static JWKS, the trust anchor).
 * - `readViews(bus.js)` → the live KV views as one `GovState` (undefined if it never ran).
 * - `rebuildFromStream(bus, { config, founding, untilSeq? })` → the same `GovState`, folded from
 *   the stream alone; compare the two with deep equality. `rebuildViews(messages, deps)` folds
 *   given messages (benchmarks: "rebuild from 100k events").
 * - `createLiveDirectory({ js, jsm, config, founding, log })` → a KeyDirectory following the
 *   stream (with `ready()`, `waitForSeq(seq)`, `close()`): verifiers' drop-in for the static one.
 * - `applyEvent`, `commit`, `dueDecisions`, `foundingState`, `keyStatusAt`, `tally`: the pure
 *   state transitions (state/).
 * KV buckets: `ViewBucket` (ALLIANCE_SEC_*); durable consumer: `SECRETARIAT_DURABLE`.
 */
export { createSecretariat, SECRETARIAT_DURABLE, secretariatConsumerSpec } from "./service.js";
export type { FaultHooks, Secretariat, SecretariatDeps } from "./service.js";
export { createLiveDirectory } from "./live-directory.js";
export type { LiveDirectory, LiveDirectoryDeps } from "./live-directory.js";
export { readViews, openViewStore, ViewBucket } from "./views.js";
export type { ViewStore } from "./views.js";
export { rebuildFromStream, rebuildViews } from "./rebuild.js";
export type { RebuildDeps } from "./rebuild.js";
export { createFold, toStreamMessage } from "./fold.js";
export type { Fold, Folded, StreamMessage } from "./fold.js";
export { StateDirectory } from "./state-directory.js";
export { applyEvent, commit, secretariatKindOf } from "./state/apply.js";
export { dueDecisions } from "./state/decisions.js";
export type { Decision } from "./state/decisions.js";
export { foundingState } from "./state/initial.js";
export { keyStatusAt, memberStatusAt } from "./state/lookup.js";
export type { KeyStatusAt } from "./state/lookup.js";
export { FOUNDING_RULES, rulesInForce, tally } from "./state/rules.js";
export type { Tally } from "./state/rules.js";
export { groupStatus } from "./state/working-groups.js";
export type {
  Applied,
  Change,
  DeclarationView,
  GovState,
  GroupView,
  KeyEntry,
  KeyRing,
  Matter,
  MemberView,
  Outcome,
  ProjectView,
  Refusal,
  Step,
} from "./state/types.js";
