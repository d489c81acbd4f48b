#!/usr/bin/env node
// The `alliance` command. The sources are TypeScript, run through tsx's loader: no build step
// stands between `npm ci` and a working command.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../services/cli/main.ts");
const code = await main(process.argv);
process.exitCode = code;
// A command that is done is done: should a socket or timer of a library outlive it (a server
// that never answered), the process still ends, once its output is flushed.
setTimeout(() => process.exit(code), 2_000).unref();
