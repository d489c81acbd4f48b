export { StaticKeyDirectory, memberOfKid, importPublicJwk } from "./directory.js";
export type { KeyDirectory, KeyLookup } from "./directory.js";
export { initKeys, loadSigner, loadJwks, signerFromJwk, generateMemberKey, toPublicJwk, newKeyId, DIRECTORY_FILE } from "./keys.js";
export type { Signer, InitKeysOptions } from "./keys.js";
export { ensureKeyFolder } from "./key-folder.js";
export { generateEncryptionKey, toPublicEncJwk, ENCRYPTION_ALGORITHM } from "./encryption.js";
