export { StaticKeyDirectory, memberOfKid, importPublicJwk } from "./directory.js";
export type { KeyDirectory, KeyLookup, CaughtUp } from "./directory.js";
export { initKeys, loadSigner, loadEncryptionKey, loadJwks, signerFromJwk, generateMemberKey, toPublicJwk, newKeyId, DIRECTORY_FILE } from "./keys.js";
export type { Signer } from "./keys.js";
export { generateEncryptionKey, toPublicEncJwk, ENCRYPTION_ALGORITHM } from "./encryption.js";
