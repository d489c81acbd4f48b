import { resolve } from "node:path";
import { z } from "zod";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";

/** Where development keys and the embedded server's data live, relative to the working directory. */
export const DATA_DIR = ".data";
export const DEV_KEYS_DIR = `${DATA_DIR}/keys`;

const Env = z.object({
  NATS_URL: z.string().min(1).optional(),
  ALLIANCE_CONFIG: z.string().min(1).optional(),
  ALLIANCE_KEY: z.string().min(1).optional(),
  ALLIANCE_DIRECTORY: z.string().min(1).optional(),
  /** v1.1: this member's encryption keyring (`<code>.enc.jwk`), to read what is sealed to it. */
  ALLIANCE_ENC_KEY: z.string().min(1).optional(),
  /** This identity's nkey seed file (`<name>.nk`, from `alliance creds init`) or a NATS .creds file. */
  NATS_CREDS: z.string().min(1).optional(),
  /** The CA the server's certificate must chain to (`alliance certs init`); makes TLS required. */
  NATS_CA: z.string().min(1).optional(),
  /** A client certificate and its key, for a server that requires mutual TLS. */
  NATS_CERT: z.string().min(1).optional(),
  NATS_KEY: z.string().min(1).optional(),
  /** Where `alliance context` keeps its profiles (default ~/.config/alliance). */
  ALLIANCE_HOME: z.string().min(1).optional(),
  /** A profile to use, as `--context NAME` does. */
  ALLIANCE_CONTEXT: z.string().min(1).optional(),
  /** Unset: warnings only, `-v` for info (connections), `-vv` for debug. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  LOG_PRETTY: z.stringbool().optional(),
  /** `DEMO_KEEP=1 npm start`: the demo stays up after its scenario (as `alliance demo --keep-running`). */
  DEMO_KEEP: z.stringbool().optional(),
});
export type Env = Readonly<z.infer<typeof Env>>;

/** The process environment, read once here and passed down; nothing else reads process.env. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) throw new AllianceError(ErrorCode.UsageInvalid, `invalid environment:\n${z.prettifyError(parsed.error)}`);
  return Object.freeze(parsed.data);
}

/** The founding directory from the environment alone; commands use `ctx.directory()`, which also reads profiles. */
export function defaultDirectoryPath(env: Env): string {
  return resolve(env.ALLIANCE_DIRECTORY ?? `${DEV_KEYS_DIR}/directory.json`);
}
