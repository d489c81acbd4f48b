import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks per second for /proc/<pid>/stat; 100 on every Linux this runs on, read once. */
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
const SAMPLE_MS = 100;

/** What one measured phase cost: wall time, CPU of this process and of nats-server, peak memory. */
export interface Usage {
  readonly wallMs: number;
  readonly clientCpuMs: number;
  /** CPU of this process's main thread alone (the event loop); the rest of clientCpuMs is worker threads and libuv's pool. */
  readonly mainThreadCpuMs: number;
  readonly serverCpuMs: number;
  readonly clientPeakRssMiB: number;
  readonly serverPeakRssMiB: number;
}

/** CPU time of another process (or, with `task`, one of its threads), from /proc; undefined where /proc is not there. */
function processCpuMs(pid: number, task?: number): number | undefined {
  try {
    const stat = readFileSync(task === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${task}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
  } catch {
    return undefined;
  }
}

function processRssMiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Measures one phase: call `stop()` when it ends. Memory is sampled every 100 ms (a peak between
 * samples can be missed; the phases last seconds, their working sets do not spike that briefly).
 */
export function startMeter(serverPid: number | undefined): { stop(): Usage } {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const serverCpu0 = serverPid ? processCpuMs(serverPid) : undefined;
  // The main thread's task id is the process id.
  const main0 = processCpuMs(process.pid, process.pid);
  let clientPeak = process.memoryUsage.rss() / 1024 / 1024;
  let serverPeak = serverPid ? (processRssMiB(serverPid) ?? 0) : 0;
  const sample = () => {
    clientPeak = Math.max(clientPeak, process.memoryUsage.rss() / 1024 / 1024);
    if (serverPid) serverPeak = Math.max(serverPeak, processRssMiB(serverPid) ?? 0);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const cpu = process.cpuUsage(cpu0);
      const serverCpu1 = serverPid ? processCpuMs(serverPid) : undefined;
      return {
        wallMs: performance.now() - started,
        clientCpuMs: (cpu.user + cpu.system) / 1000,
        mainThreadCpuMs: main0 !== undefined ? (processCpuMs(process.pid, process.pid) ?? Number.NaN) - main0 : Number.NaN,
        serverCpuMs: serverCpu0 !== undefined && serverCpu1 !== undefined ? serverCpu1 - serverCpu0 : Number.NaN,
        clientPeakRssMiB: clientPeak,
        serverPeakRssMiB: serverPeak,
      };
    },
  };
}
