// Loaded with `node --import`: records every module URL the process resolves into the file
// $MODULE_SPY_OUT, so a test can assert what `alliance --help` does not load.
import { register } from "node:module";
import { appendFileSync } from "node:fs";

const out = process.env.MODULE_SPY_OUT;
register("data:text/javascript," + encodeURIComponent(`
  import { appendFileSync } from "node:fs";
  export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    appendFileSync(${JSON.stringify(out)}, result.url + "\\n");
    return result;
  }
`));
appendFileSync(out, "");
