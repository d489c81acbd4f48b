import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";

/**
 * A local certificate authority and the certificates the broker and (for mutual TLS) its clients
 * present, made with the `openssl` command: ECDSA P-256 keys, SHA-256 signatures, private keys
 * mode 0600. Nothing here is hand-rolled cryptography.
 */

/** The names every server certificate answers to: loopback, and the compose cluster's hosts. */
export const SERVER_SANS: readonly string[] = ["DNS:localhost", "IP:127.0.0.1", "IP:::1", "DNS:n1", "DNS:n2", "DNS:n3", "DNS:nats"];

export const CertFile = {
  ca: "ca.pem",
  caKey: "ca-key.pem",
  server: "server.pem",
  serverKey: "server-key.pem",
  client: (name: string) => `client-${name}.pem`,
  clientKey: (name: string) => `client-${name}-key.pem`,
} as const;

export interface CertificateSet {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** Client certificates for mutual TLS, by identity name. */
  readonly clients: Readonly<Record<string, { certFile: string; keyFile: string }>>;
}

export interface CertOptions {
  /** Identities to make client certificates for (mutual TLS); the subject CN is the name. */
  readonly clients?: readonly string[];
  readonly days?: number;
  /** A different CA's name, for tests that need a second, untrusted authority. */
  readonly caName?: string;
}

/**
 * Makes (or keeps) the CA and server certificate in `dir`, and a client certificate for each
 * name in `clients`. An existing CA is reused, so certificates added later chain to the same one.
 */
export function ensureCertificates(dir: string, options: CertOptions = {}): CertificateSet {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const days = String(options.days ?? 825);
  const path = (name: string) => join(out, name);
  if (!existsSync(path(CertFile.ca))) {
    newKey(path(CertFile.caKey));
    openssl(["req", "-x509", "-new", "-key", path(CertFile.caKey), "-sha256", "-days", days,
      "-subj", `/O=Alliance/CN=${options.caName ?? "Alliance bus local CA"}`,
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      "-out", path(CertFile.ca)]);
  }
  if (!existsSync(path(CertFile.server))) {
    // Routes in a cluster present the server certificate as clients too: both usages.
    issue(out, CertFile.server, CertFile.serverKey, "nats", days, [`subjectAltName=${SERVER_SANS.join(",")}`, "extendedKeyUsage=serverAuth,clientAuth"]);
  }
  const clients: Record<string, { certFile: string; keyFile: string }> = {};
  for (const name of options.clients ?? []) {
    if (!existsSync(path(CertFile.client(name)))) issue(out, CertFile.client(name), CertFile.clientKey(name), name, days, ["extendedKeyUsage=clientAuth"]);
    clients[name] = { certFile: path(CertFile.client(name)), keyFile: path(CertFile.clientKey(name)) };
  }
  return { dir: out, caFile: path(CertFile.ca), certFile: path(CertFile.server), keyFile: path(CertFile.serverKey), clients };
}

function issue(dir: string, certName: string, keyName: string, commonName: string, days: string, extensions: string[]): void {
  const key = join(dir, keyName);
  const csr = join(dir, `${certName}.csr`);
  const ext = join(dir, `${certName}.ext`);
  newKey(key);
  writeFileSync(ext, ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment", ...extensions, ""].join("\n"));
  try {
    openssl(["req", "-new", "-key", key, "-subj", `/O=Alliance/CN=${commonName}`, "-out", csr]);
    openssl(["x509", "-req", "-in", csr, "-CA", join(dir, CertFile.ca), "-CAkey", join(dir, CertFile.caKey),
      "-set_serial", `0x${randomBytes(16).toString("hex")}`, "-days", days, "-sha256", "-extfile", ext, "-out", join(dir, certName)]);
  } finally {
    rmSync(csr, { force: true });
    rmSync(ext, { force: true });
  }
}

function newKey(file: string): void {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file]);
  chmodSync(file, 0o600);
}

function openssl(args: string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (cause) {
    const err = cause as NodeJS.ErrnoException & { stderr?: Buffer };
    const why = err.code === "ENOENT" ? "the openssl command is not installed (Debian/Ubuntu: apt-get install openssl)" : (err.stderr?.toString().trim().split("\n")[0] ?? err.message);
    throw new AllianceError(ErrorCode.CertsFailed, `openssl ${args[0]} failed: ${why}`, { cause });
  }
}
