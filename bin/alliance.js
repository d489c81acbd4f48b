#!/usr/bin/env node
// The `alliance` command. The sources are TypeScript, run through tsx's loader: no build step
// stands between `npm ci` and a working command.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../services/cli/main.ts");
process.exitCode = await main(process.argv);
