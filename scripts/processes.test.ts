import { describe, expect, it } from "vitest";
import { kilnProcesses } from "./processes";

const roles = (env: Record<string, string>) =>
  kilnProcesses("/srv/kiln", { KILN_SIMULATOR_PORT: "0", ...env, NODE_ENV: "production" } as NodeJS.ProcessEnv)
    .map((p) => `${p.name}:${p.env.KILN_ROLE}`)
    .join(" ");

describe("the processes npm start runs", () => {
  it("splits web and worker on the embedded database, a database process owning it at normal priority", () => {
    expect(roles({})).toBe("database:database web:web worker:worker");
    const database = kilnProcesses("/srv/kiln", {
      KILN_SIMULATOR_PORT: "0",
      NODE_ENV: "production",
    } as NodeJS.ProcessEnv)[0]!;
    expect(database.command).toBe(process.execPath);
    expect(database.args.at(-1)).toBe("/srv/kiln/scripts/database.ts");
  });

  it("splits them on PostgreSQL too, with as many workers as asked", () => {
    expect(roles({ DATABASE_URL: "postgres://db/kiln", KILN_WORKERS: "2" })).toBe(
      "web:web worker-1:worker worker-2:worker",
    );
  });

  it("passes on the environment without npm's own variables", () => {
    const specs = kilnProcesses("/srv/kiln", {
      KILN_SIMULATOR_PORT: "0",
      NODE_ENV: "production",
      npm_lifecycle_event: "start",
      npm_config_cache: "/root/.npm",
      PATH: "/usr/bin",
    } as NodeJS.ProcessEnv);
    for (const spec of specs) {
      expect(Object.keys(spec.env).filter((k) => k.startsWith("npm_"))).toEqual([]);
      expect(spec.env.PATH).toBe("/usr/bin");
    }
  });

  it("runs everything in one process when KILN_ROLE=all is asked for", () => {
    expect(roles({ KILN_ROLE: "all" })).toBe("app:all");
    expect(roles({ KILN_ROLE: "all", DATABASE_URL: "postgres://db/kiln" })).toBe("app:all");
  });

  it("starts workers at a lower priority and only the first with the embedded runner", () => {
    const specs = kilnProcesses("/srv/kiln", {
      KILN_SIMULATOR_PORT: "0",
      KILN_WORKERS: "2",
      NODE_ENV: "production",
    } as NodeJS.ProcessEnv);
    // PGlite: database, web, worker, worker.
    const [, , first, second] = specs;
    expect(first?.args.slice(0, 2)).toEqual(["-n", "10"]);
    expect(first?.env.KILN_WORKER_NICE_SCOPE).toBe("process");
    expect(first?.env.KILN_EMBEDDED_RUNNER).toBeUndefined();
    expect(second?.env.KILN_EMBEDDED_RUNNER).toBe("0");
  });

  it("with KILN_WORKER_NICE_SCOPE=threads, starts the worker at the usual priority (it nices its other threads itself)", () => {
    const specs = kilnProcesses("/srv/kiln", {
      KILN_SIMULATOR_PORT: "0",
      KILN_WORKER_NICE_SCOPE: "threads",
      NODE_ENV: "production",
    } as NodeJS.ProcessEnv);
    const worker = specs.find((s) => s.name === "worker");
    expect(worker?.args.slice(0, 2)).toEqual(["--import", "tsx"]);
    expect(worker?.env.KILN_WORKER_NICE_SCOPE).toBe("threads");
  });

  it("with KILN_CPU_PROF, every Node process writes a CPU profile to that folder", () => {
    const specs = kilnProcesses("/srv/kiln", {
      KILN_CPU_PROF: "/tmp/prof",
      NODE_ENV: "production",
    } as NodeJS.ProcessEnv);
    expect(specs.map((s) => s.name)).toEqual(["gpu-simulator", "database", "web", "worker"]);
    for (const spec of specs) {
      const node = spec.args.indexOf(process.execPath);
      const nodeArgs = spec.command === process.execPath ? spec.args : spec.args.slice(node + 1);
      expect(nodeArgs.slice(0, 2)).toEqual(["--cpu-prof", "--cpu-prof-dir=/tmp/prof"]);
    }
    const plain = kilnProcesses("/srv/kiln", { NODE_ENV: "production" } as NodeJS.ProcessEnv);
    for (const spec of plain) expect(spec.args).not.toContain("--cpu-prof");
  });
});
