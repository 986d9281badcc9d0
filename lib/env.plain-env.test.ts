import { spawnSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { usePlainProcessEnv } from "./env";

const original = process.env;
afterEach(() => {
  process.env = original;
});

describe("usePlainProcessEnv", () => {
  it("keeps every variable, and child processes and worker threads still get them", async () => {
    process.env.KILN_PLAIN_ENV_TEST = "kept";
    const before = { ...process.env };
    usePlainProcessEnv();
    expect(process.env).not.toBe(original);
    expect({ ...process.env }).toEqual(before);
    // Node's own process.env turns values into strings; a plain copy does not: this is the copy.
    (process.env as Record<string, unknown>).KILN_PLAIN_ENV_NUMBER = 1;
    expect(process.env.KILN_PLAIN_ENV_NUMBER).toBe(1);
    delete process.env.KILN_PLAIN_ENV_NUMBER;

    const child = spawnSync(
      process.execPath,
      ["-e", "process.stdout.write(process.env.KILN_PLAIN_ENV_TEST ?? 'missing')"],
      {
        encoding: "utf8",
      },
    );
    expect(child.stdout).toBe("kept");
    const worker = new Worker(
      "require('node:worker_threads').parentPort.postMessage(process.env.KILN_PLAIN_ENV_TEST ?? 'missing')",
      {
        eval: true,
      },
    );
    const fromThread = await new Promise((resolve, reject) => worker.once("message", resolve).once("error", reject));
    await worker.terminate();
    expect(fromThread).toBe("kept");
    delete original.KILN_PLAIN_ENV_TEST;
  });
});
