export { StaticKeyDirectory, memberOfKid, importPublicJwk } from "./directory.js";
export type { KeyDirectory, KeyLookup, CaughtUp } from "./directory.js";
export { initKeys, loadSigner, loadEncryptionKey, loadJwks, signerFromJwk, generateMemberKey, toPublicJwk, newKeyId, DIRECTORY_FILE, encKeyringFile } from "./keys.js";
export type { Signer, InitKeysOptions } from "./keys.js";
export { generateEncryptionKey, toPublicEncJwk, rotationDue, StaticEncryptionDirectory, ENCRYPTION_ALGORITHM } from "./encryption.js";
export type { EncryptionDirectory, EncryptionKeyLookup } from "./encryption.js";
export { EncKeyring, EncKeyringFile, loadEncKeyring, saveEncKeyring } from "./keyring.js";
export { ensureKeyFolder } from "./key-folder.js";
