// The SDK's public surface: what services and ministry systems import. Each folder's index.ts is
// the explicit list of what that role exports; nothing else inside a folder is reachable from here.
export * from "./core/index.js";
export * from "./wire/index.js";
export * from "./keys/index.js";
export * from "./publish/index.js";
export * from "./consume/index.js";
export * from "./admin/index.js";
