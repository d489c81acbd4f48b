import { startTestServer } from "../test/helpers/nats.ts";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager, jetstream } from "@nats-io/jetstream";
const extra = `accounts { A: { jetstream: { max_file: 64MB, max_mem: 1MB }, users: [{user: a, password: a}] } }`;
const s = await startTestServer(extra);
const nc = await connect({ servers: s.url, user: "a", pass: "a" });
const jsm = await jetstreamManager(nc); const js = jetstream(nc);
await jsm.streams.add({ name: "S", subjects: ["s.>"], max_bytes: -1 } as any);
const body = new Uint8Array(512*1024);
const usage = async (l: string) => { const a = await jsm.getAccountInfo(); const j = await (await fetch(`http://127.0.0.1:${s.server.httpPort}/jsz?accounts=true`)).json() as any; console.log(l, "acct.storage", a.storage, "jsz.store", j.store, "reserved", j.reserved_store); };
let n = 0; try { for (;;) { await js.publish(`s.${n%2?"x":"y"}.k`, body); n++; } } catch (e) { console.log("stopped after", n, (e as Error).message); }
await usage("full");
const mode = process.argv[2] ?? "filter";
if (mode === "filter") await jsm.streams.purge("S", { filter: "s.x.>" });
else if (mode === "all") await jsm.streams.purge("S");
else if (mode === "keep") await jsm.streams.purge("S", { keep: 1 } as any);
else if (mode === "delete") { const si = await jsm.streams.info("S", { subjects_filter: ">" } as any); for (let q = si.state.first_seq; q <= si.state.last_seq; q++) { const m = await jsm.streams.getMessage("S", { seq: q }).catch(() => null); if (m && m.subject.startsWith("s.x.")) await jsm.streams.deleteMessage("S", q, false); } }
else if (mode === "reload") { await jsm.streams.purge("S", { filter: "s.x.>" }); (await import("node:child_process")).execFileSync("nats-server", ["--signal", `reload=${s.server.process.pid}`]); await new Promise(r => setTimeout(r, 1500)); }
await usage("after purge " + mode);
try { await js.publish("s.z.k", body); console.log("publish ok"); } catch (e) { console.log("publish after purge:", (e as Error).message); }
if (mode === "filter") { await jsm.streams.update("S", { max_bytes: 1024*1024*1024 } as any); await usage("after update"); 
  try { await js.publish("s.z.k", body); console.log("publish ok 2"); } catch (e) { console.log("publish after update:", (e as Error).message); } }
await nc.close(); await s.stop();
