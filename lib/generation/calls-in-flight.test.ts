import os from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import {
  checkFunctionConcurrency,
  cpuFunctionConcurrency,
  functionCallsInFlight,
  generateCallsPerEndpoint,
} from "./calls-in-flight";

const cores = Math.max(1, os.availableParallelism());

function withCeiling(ceiling: number) {
  vi.stubEnv("KILN_PROVIDER_CONCURRENCY", String(ceiling));
  resetEnvForTests();
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

describe("places for a new image's check run", () => {
  it("are twice the cores when the endpoint ceiling is lower", () => {
    withCeiling(1);
    expect(checkFunctionConcurrency()).toBe(2 * cores);
    expect(checkFunctionConcurrency()).toBe(cpuFunctionConcurrency());
  });

  it("are as many as the generate calls per endpoint when the ceiling is higher, so checks keep pace", () => {
    withCeiling(8 * cores);
    expect(checkFunctionConcurrency()).toBe(2 * 8 * cores);
    expect(checkFunctionConcurrency()).toBe(generateCallsPerEndpoint());
    // Uploads' renditions keep the cores' count.
    expect(cpuFunctionConcurrency()).toBe(2 * cores);
  });

  it("fit in a worker's calls in flight beside the generate calls and the uploads' renditions", () => {
    withCeiling(8 * cores);
    expect(functionCallsInFlight()).toBe(2 * 8 * cores + 2 * 8 * cores + 2 * cores);
    withCeiling(1);
    expect(functionCallsInFlight()).toBe(Math.max(16, 2 + 2 * cores + 2 * cores));
  });

  it("are what the check function registers with the runner", async () => {
    withCeiling(8 * cores);
    vi.resetModules();
    const { checkAsset } = await import("@/inngest/functions/checks/check-asset");
    expect(checkAsset.opts.concurrency).toEqual({ limit: 2 * 8 * cores });
  });
});
