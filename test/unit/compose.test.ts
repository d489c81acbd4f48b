// The deployment files: docker-compose.yml, the cluster's nats-server configs, the Dockerfile.
// No Docker engine is needed: `docker-compose config` validates without one, and the structure is
// read from the compose file itself (and, when docker-compose is installed, from its normalised
// output as well) with the small YAML reader below, since the project has no YAML dependency.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../../services/bus/core/config.js";
import { writeServerAuth } from "../../services/identity/auth-files.js";
import { ensureCertificates } from "../../services/identity/certs.js";
import { findNatsServer } from "../../services/natsd/binary.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const COMPOSE_FILE = join(ROOT, "docker-compose.yml");
const PRODUCTION_CONFIG = join(ROOT, "config/alliance.production.json");
const NODES = ["n1", "n2", "n3"] as const;
const CHANNELS = ["crime", "extremism", "border"] as const;
const nodeConfigPath = (node: string) => join(ROOT, `config/nats/cluster-${node}.conf`);

const dockerCompose = spawnSync("sh", ["-c", "command -v docker-compose"], { encoding: "utf8" }).stdout.trim() || undefined;
const natsServer = findNatsServer();
/** `sync_interval` exists from nats-server 2.10 on. */
const supportsSyncInterval = (() => {
  if (!natsServer) return false;
  const [major = 0, minor = 0] = (/v?(\d+)\.(\d+)/.exec(spawnSync(natsServer, ["--version"], { encoding: "utf8" }).stdout) ?? []).slice(1).map(Number);
  return major > 2 || (major === 2 && minor >= 10);
})();

function compose(...args: string[]) {
  return spawnSync(dockerCompose ?? "docker-compose", ["-f", COMPOSE_FILE, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

// --- a reader for the block-style YAML subset that compose files use ---------------------------
// Mappings, block and flow (JSON-style) sequences, scalars, comments, and the `&anchor` /
// `*alias` / `<<: *alias` forms; enough for docker-compose.yml and for `docker-compose config`.

interface YamlNode { readonly inline: string; readonly body: readonly string[] }
type YamlMap = ReadonlyMap<string, YamlNode>;

const indentOf = (line: string) => line.length - line.trimStart().length;
const isContent = (line: string) => line.trim() !== "" && !line.trim().startsWith("#");
const unquote = (s: string) => (/^(["']).*\1$/.test(s) ? s.slice(1, -1) : s);
/** Drops a trailing ` # comment` that is not inside quotes. */
const stripComment = (s: string) => s.replace(/\s+#(?=(?:[^"']|"[^"]*"|'[^']*')*$).*$/, "");

function entries(body: readonly string[]): YamlMap {
  const lines = body.filter(isContent);
  const out = new Map<string, { inline: string; body: string[] }>();
  const indent = lines.length ? indentOf(lines[0]!) : 0;
  let current: { inline: string; body: string[] } | undefined;
  for (const line of lines) {
    const key = indentOf(line) === indent ? /^\s*("[^"]*"|'[^']*'|[^\s"'#-][^:]*?|<<):(?:\s+(.*))?$/.exec(line) : null;
    if (key) {
      current = { inline: stripComment(key[2] ?? "").trim(), body: [] };
      out.set(unquote(key[1]!), current);
    } else if (current) {
      current.body.push(line); // deeper lines, and `- item` lines at the key's own indent
    }
  }
  return out;
}

const document = (text: string): YamlMap => entries(text.split("\n"));

/** A mapping node's entries, with `<<: *alias` merged in (own keys win) and `key: *alias` followed. */
function mapOf(node: YamlNode | undefined, top: YamlMap): YamlMap {
  if (!node) return new Map();
  const alias = /^\*(\S+)$/.exec(node.inline);
  if (alias) return mapOf(anchored(top, alias[1]!), top);
  const own = entries(node.body);
  const merge = own.get("<<");
  if (!merge) return own;
  const merged = new Map(mapOf(merge, top));
  for (const [k, v] of own) if (k !== "<<") merged.set(k, v);
  return merged;
}

function anchored(top: YamlMap, anchor: string): YamlNode | undefined {
  for (const node of top.values()) if (node.inline === `&${anchor}`) return node;
  return undefined;
}

/** A sequence of scalars, block (`- a`) or flow (`["a", "b"]`); a `- key: value` item yields its first value. */
function listOf(node: YamlNode | undefined): string[] {
  if (!node) return [];
  if (node.inline.startsWith("[")) return (JSON.parse(node.inline) as unknown[]).map(String);
  return node.body
    .filter(isContent)
    .filter((l) => l.trimStart().startsWith("- "))
    .map((l) => unquote(stripComment(l.trimStart().slice(2)).trim().replace(/^[\w-]+:\s+/, "")));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const scalar = (node: YamlNode | undefined) => (node ? unquote(node.inline) : undefined);

// --- the compose file, read raw and (when available) as docker-compose normalises it -----------

const sources: [string, string][] = [["docker-compose.yml as written", readFileSync(COMPOSE_FILE, "utf8")]];
if (dockerCompose) {
  const normalised = compose("config");
  if (normalised.status === 0) sources.push(["docker-compose config output", normalised.stdout]);
}

describe("docker-compose.yml", () => {
  it.skipIf(!dockerCompose)("is valid for docker-compose (config -q exits 0)", () => {
    const result = compose("config", "-q");
    expect(result.stderr).not.toMatch(/ERROR/);
    expect(result.status).toBe(0);
  });

  it("uses the 3.8 file format and no top-level name (docker-compose 1.29 reads it)", () => {
    const top = document(sources[0]![1]);
    expect(scalar(top.get("version"))).toBe("3.8");
    expect(top.has("name")).toBe(false);
  });

  describe.each(sources)("%s", (_label, text) => {
    const top = document(text);
    const services = mapOf(top.get("services"), top);
    const service = (name: string) => mapOf(services.get(name), top);
    const natsServices = [...services.keys()].filter((name) => scalar(service(name).get("image"))?.startsWith("nats:"));
    const allianceServices = [...services.keys()].filter((name) => service(name).has("build"));

    it("runs exactly three nats-server nodes, n1, n2 and n3", () => {
      expect(natsServices.sort()).toEqual([...NODES]);
    });

    it.each(NODES)("%s loads its own cluster config and keeps its store in its own named volume", (node) => {
      const svc = service(node);
      const mounts = listOf(svc.get("volumes"));
      const configMount = mounts.find((m) => m.includes(`config/nats/cluster-${node}.conf:`));
      expect(configMount, `${node} mounts config/nats/cluster-${node}.conf`).toBeDefined();
      const target = configMount!.split(":")[1]!;
      expect(configMount).toMatch(/:ro$/);
      expect(listOf(svc.get("command"))).toContain(target);

      const storeMount = mounts.find((m) => /^[\w-]+:\/data(:rw)?$/.test(m));
      expect(storeMount, `${node} mounts a named volume at /data`).toBeDefined();
      const volume = storeMount!.split(":")[0]!;
      expect(mapOf(top.get("volumes"), top).has(volume)).toBe(true);
      for (const other of NODES.filter((n) => n !== node)) {
        expect(listOf(service(other).get("volumes"))).not.toContain(storeMount);
      }
    });

    it.each(NODES)("%s has a health check on the monitoring port", (node) => {
      const check = mapOf(service(node).get("healthcheck"), top);
      expect(listOf(check.get("test")).join(" ")).toMatch(/127\.0\.0\.1:8222\/healthz/);
      expect(scalar(service(node).get("restart"))).toBe("unless-stopped");
    });

    it("publishes ports only on the host's loopback, and only for n1 and the monitor's dashboard", () => {
      for (const name of services.keys()) {
        const ports = listOf(service(name).get("ports"));
        if (name !== "n1" && name !== "monitor") expect(ports, name).toEqual([]);
        for (const port of ports) expect(port, name).toMatch(/^127\.0\.0\.1:/);
      }
      expect(listOf(service("n1").get("ports")).some((p) => p.startsWith("127.0.0.1:4222:4222"))).toBe(true);
    });

    it("builds the alliance services from the project's Dockerfile: streams-init, a subscriber per channel, the secretariat and the monitor", () => {
      expect(allianceServices.sort()).toEqual(["streams-init", "secretariat", "monitor", ...CHANNELS.map((c) => `tail-${c}`)].sort());
      expect(listOf(service("streams-init").get("command"))).toEqual(["streams"]);
      expect(scalar(service("streams-init").get("restart"))).toBe("no");
      for (const channel of CHANNELS) {
        const svc = service(`tail-${channel}`);
        // The host member's declared consumer (config access.consumers), read as that member.
        expect(listOf(svc.get("command"))).toEqual(["tail", channel, "--durable", "ae-tail"]);
        expect(scalar(svc.get("restart"))).toBe("unless-stopped");
        const deps = mapOf(svc.get("depends_on"), top);
        expect(scalar(mapOf(deps.get("streams-init"), top).get("condition"))).toBe("service_completed_successfully");
      }
    });

    it("runs the secretariat as `sec` with its signing key, the only service given a private key", () => {
      const svc = service("secretariat");
      expect(listOf(svc.get("command"))).toEqual(["secretariat", "run"]);
      const env = mapOf(svc.get("environment"), top);
      expect(scalar(env.get("NATS_CREDS"))).toBe("/run/secrets/sec.nk");
      expect(scalar(env.get("ALLIANCE_KEY"))).toBe("/run/secrets/alliance_key_sec");
      const deps = mapOf(svc.get("depends_on"), top);
      expect(scalar(mapOf(deps.get("streams-init"), top).get("condition"))).toBe("service_completed_successfully");
      expect(scalar(mapOf(mapOf(top.get("secrets"), top).get("alliance_key_sec"), top).get("file"))).toMatch(/(^|\/)keys\/sec\.jwk$/); // docker-compose config makes it absolute
      for (const name of services.keys()) {
        if (name === "secretariat") continue;
        expect(JSON.stringify(service(name).get("secrets") ?? null), name).not.toContain("alliance_key_");
      }
    });

    it("runs the monitor on 8080, published on the host's loopback, health-checked on /healthz, after streams-init", () => {
      const svc = service("monitor");
      expect(listOf(svc.get("command"))).toEqual(["monitor", "--host", "0.0.0.0", "--port", "8080"]);
      expect(listOf(svc.get("ports"))).toEqual([expect.stringMatching(/^127\.0\.0\.1:8080:8080(\/tcp)?$/)]);
      expect(listOf(mapOf(svc.get("healthcheck"), top).get("test")).join(" ")).toContain("http://127.0.0.1:8080/healthz");
      expect(scalar(mapOf(mapOf(svc.get("depends_on"), top).get("streams-init"), top).get("condition"))).toBe("service_completed_successfully");
    });

    it.each(["streams-init", "monitor", ...CHANNELS.map((c) => `tail-${c}`)])("%s waits for every node, is given every node's URL and loads the production config", (name) => {
      const svc = service(name);
      const deps = mapOf(svc.get("depends_on"), top);
      for (const node of NODES) expect(scalar(mapOf(deps.get(node), top).get("condition")), `${name} → ${node}`).toBe("service_healthy");

      const env = mapOf(svc.get("environment"), top);
      expect(scalar(env.get("NATS_URL"))).toBe("nats://n1:4222,nats://n2:4222,nats://n3:4222");
      const configPath = scalar(env.get("ALLIANCE_CONFIG"));
      expect(listOf(svc.get("volumes"))).toContainEqual(expect.stringMatching(new RegExp(`config/alliance\\.production\\.json:${escapeRegExp(configPath ?? "")}:ro$`)));
      expect(scalar(env.get("ALLIANCE_DIRECTORY"))).toBe("/run/secrets/alliance_directory");
      expect(listOf(svc.get("secrets"))).toContain("alliance_directory");
      expect(env.has("ALLIANCE_KEY"), "subscribers verify; no service defined here gets a private key").toBe(false);
      // Each connects as its own identity, over TLS verified against the alliance CA (docs/security.md).
      expect(scalar(env.get("NATS_CA"))).toBe("/run/secrets/alliance_ca");
      const identity = { "streams-init": "admin", monitor: "monitor" }[name] ?? "ae";
      expect(scalar(env.get("NATS_CREDS"))).toBe(`/run/secrets/${identity}.nk`);
      expect(listOf(svc.get("secrets"))).toEqual(expect.arrayContaining(["alliance_ca", `nats_${identity}`]));
    });

    it("takes the public key directory from ./keys as a secret", () => {
      const secret = mapOf(mapOf(top.get("secrets"), top).get("alliance_directory"), top);
      expect(scalar(secret.get("file"))).toMatch(/(^|\/)keys\/directory\.json$/);
    });
  });

  it.skipIf(!dockerCompose)("lists the same services and volumes through docker-compose", () => {
    expect(compose("config", "--services").stdout.trim().split("\n").sort()).toEqual(
      ["n1", "n2", "n3", "streams-init", "secretariat", "monitor", ...CHANNELS.map((c) => `tail-${c}`)].sort(),
    );
    expect(compose("config", "--volumes").stdout.trim().split("\n").sort()).toEqual(["n1-data", "n2-data", "n3-data"]);
  });
});

describe("cluster node configs", () => {
  const configs = NODES.map((node) => [node, readFileSync(nodeConfigPath(node), "utf8").replace(/#.*$/gm, "")] as const);

  it("give each node a distinct server_name equal to its compose service", () => {
    const names = configs.map(([, text]) => /^\s*server_name\s*:\s*"?([\w-]+)"?\s*$/m.exec(text)?.[1]);
    expect(names).toEqual([...NODES]);
  });

  it.each(configs)("%s routes to all three nodes in cluster 'alliance' on 6222", (_node, text) => {
    const cluster = /\bcluster\s*\{([\s\S]*?\n)\}/.exec(text)?.[1] ?? "";
    expect(cluster).toMatch(/^\s*name\s*:\s*"?alliance"?\s*$/m);
    expect(cluster).toMatch(/^\s*listen\s*:\s*"?0\.0\.0\.0:6222"?\s*$/m);
    const routes = [...cluster.matchAll(/nats-route:\/\/(n\d):6222/g)].map((m) => m[1]);
    expect(routes.sort()).toEqual([...NODES]);
  });

  it.each(configs)("%s enables JetStream in /data, allows 2 MiB messages and serves monitoring on 8222", (_node, text) => {
    expect(text).toMatch(/^\s*max_payload\s*:\s*2MB\s*$/m);
    expect(text).toMatch(/^\s*listen\s*:\s*0\.0\.0\.0:4222\s*$/m);
    expect(text).toMatch(/^\s*http\s*:\s*0\.0\.0\.0:8222\s*$/m);
    const jetstream = /\bjetstream\s*\{([\s\S]*?)\}/.exec(text)?.[1] ?? "";
    expect(jetstream).toMatch(/^\s*store_dir\s*:\s*"?\/data"?\s*$/m);
    // Every write fsynced before it is acknowledged (docs/operations.md): production needs it.
    expect(jetstream).toMatch(/^\s*sync_interval\s*:\s*always\s*$/m);
  });

  it.each(configs)("%s requires TLS on clients and routes and includes the generated accounts", (_node, text) => {
    expect(text).toMatch(/^include\s+"auth\/accounts\.conf"\s*$/m);
    expect(text).not.toMatch(/\bauthorization\s*\{|no_auth_user/);
    const clientTls = /^tls\s*\{([\s\S]*?)\n\}/m.exec(text)?.[1] ?? "";
    expect(clientTls).toMatch(/cert_file:\s*"\/etc\/nats\/certs\/server\.pem"/);
    const cluster = /\bcluster\s*\{([\s\S]*?\n)\}/.exec(text)?.[1] ?? "";
    expect(cluster).toMatch(/\btls\s*\{[\s\S]*?verify:\s*true/);
  });

  describe.skipIf(!natsServer)("with the installed nats-server", () => {
    // The files name the container's paths (/etc/nats/…); the test lays out the same files in a
    // temporary directory, with credentials and certificates generated as operators would.
    const layout = mkdtempSync(join(tmpdir(), "alliance-nodes-"));
    afterAll(() => rmSync(layout, { recursive: true, force: true }));
    beforeAll(() => {
      writeServerAuth(loadConfig(PRODUCTION_CONFIG), join(layout, "creds"));
      mkdirSync(join(layout, "auth"));
      copyFileSync(join(layout, "creds", "accounts.conf"), join(layout, "auth", "accounts.conf"));
      ensureCertificates(join(layout, "certs"));
    });

    it.each(NODES)("%s passes nats-server's own config test (-t)", (node) => {
      const file = join(layout, `${node}.conf`);
      // 2.9.10 predates sync_interval (2.10): there, and only there, that one line goes.
      const text = readFileSync(nodeConfigPath(node), "utf8").replaceAll("/etc/nats/", `${layout}/`);
      writeFileSync(file, supportsSyncInterval ? text : text.replace(/^\s*sync_interval\s*:.*$/m, ""));
      const result = spawnSync(natsServer!, ["-c", file, "-t"], { encoding: "utf8", timeout: 30_000 });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr + result.stdout).toMatch(/is valid/);
    });
  });
});

describe("config/alliance.production.json", () => {
  it("is config/alliance.json with three replicas, and a valid config", () => {
    const base = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8")) as { bounds: Record<string, unknown> };
    const production = JSON.parse(readFileSync(PRODUCTION_CONFIG, "utf8")) as { bounds: Record<string, unknown> };
    // A copy, because a config file cannot extend another; regenerate it after editing the base:
    //   sed 's/"replicas": 1/"replicas": 3/' config/alliance.json > config/alliance.production.json
    expect(production, "config/alliance.production.json has drifted from config/alliance.json").toEqual({ ...base, bounds: { ...base.bounds, replicas: 3 } });
    expect(loadConfig(PRODUCTION_CONFIG).bounds.replicas).toBe(3);
  });
});

describe("Dockerfile and .dockerignore", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  const ignore = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n").map((l) => l.trim());

  it("installs the runtime dependencies from the lock file and runs the alliance command", () => {
    expect(dockerfile).toMatch(/^FROM node:\$\{NODE_VERSION\}-[\w-]*slim$/m);
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=20$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/alliance\.js"\]$/m);
  });

  it("can omit dev dependencies because tsx, which runs the sources, is a runtime dependency", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    expect(pkg.dependencies).toHaveProperty("tsx");
  });

  it("keeps keys, local data and installed modules out of the build context", () => {
    for (const entry of ["keys/", "**/*.jwk", ".data/", "node_modules/", ".git/", "test/"]) expect(ignore).toContain(entry);
  });
});
