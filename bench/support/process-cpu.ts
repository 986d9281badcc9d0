import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** CPU time readings from /proc (Linux), in clock ticks of TICK_MS each, for the benches that measure the processes `npm start` runs. */
export const TICK_MS = 1000 / (Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100);

/** User + system CPU ticks of a process or thread, from its /proc stat line. */
function ticks(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

/** User + system CPU ticks of a process so far (all its threads). */
export function processTicks(pid: number): number {
  return ticks(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/** CPU ticks of a process's threads whose name starts with `prefix` (e.g. the checks' "check:<model>"). */
export function threadTicks(pid: number, prefix: string): number {
  let sum = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").startsWith(prefix))
        sum += ticks(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return sum;
}

/**
 * On PostgreSQL, the database's CPU is the server's: every process named "postgres" (the local
 * server serves this bench's database only, on a quiet machine). Its connections stay open for the
 * whole window, so no backend's ticks are lost to an exit between the two readings.
 */
export function postgresServerTicks(): number {
  let sum = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) === "postgres") sum += ticks(stat);
    } catch {
      // the process ended between the listing and the read
    }
  }
  return sum;
}
