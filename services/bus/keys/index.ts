export { StaticKeyDirectory, memberOfKid, importPublicJwk } from "./directory.js";
export type { KeyDirectory, KeyLookup } from "./directory.js";
export { initKeys, loadSigner, loadJwks, signerFromJwk, generateMemberKey, toPublicJwk, newKeyId, encKeyringFile, DIRECTORY_FILE } from "./keys.js";
export type { Signer } from "./keys.js";
export { generateEncryptionKey, toPublicEncJwk, rotationDue, StaticEncryptionDirectory, ENCRYPTION_ALGORITHM } from "./encryption.js";
export type { EncryptionDirectory, EncryptionKeyLookup } from "./encryption.js";
export { EncKeyring, EncKeyringFile, loadEncKeyring, saveEncKeyring } from "./keyring.js";
