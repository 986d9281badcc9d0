import { z } from "zod";

/**
 * The simulator's knobs. Rates are probabilities per call, decided by dice seeded with faultSeed so
 * that a test (or the resilience run) sees the same sequence of faults every time.
 */
export const simulatorConfigSchema = z
  .object({
    /** Fixed simulated GPU time per image call; rendering happens inside it, not on top of it. */
    latencyMs: z.number().int().min(0).max(600_000),
    /** Extra uniform random latency in [0, jitterMs). */
    jitterMs: z.number().int().min(0).max(600_000),
    /** Share of image calls answered with HTTP 500 like A1111's exception handler (e.g. CUDA OOM). */
    errorRate: z.number().min(0).max(1),
    /** Share of image calls that never answer, until the client gives up. */
    timeoutRate: z.number().min(0).max(1),
    /** Share of image calls that take slowMs more. */
    slowRate: z.number().min(0).max(1),
    slowMs: z.number().int().min(0).max(600_000),
    /** Deliberately bad outputs, so the quality checks have something to catch. */
    blurRate: z.number().min(0).max(1),
    washedOutRate: z.number().min(0).max(1),
    /** Returns the same picture whatever the seed (a stuck sampler). */
    duplicateRate: z.number().min(0).max(1),
    /** Seeds the fault dice; setting it restarts the dice sequence. */
    faultSeed: z.number().int(),
    /** Prompts containing this word (any case) are answered as an NSFW filter would: black image + flag. */
    nsfwMarker: z.string().min(1).max(100),
    /** Like A1111's --api-auth "user:pass"; null turns authentication off. */
    apiAuth: z
      .string()
      .regex(/^[^:]+:.+$/, "must be user:pass")
      .nullable(),
  })
  .strict();

export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;

export const DEFAULT_CONFIG: SimulatorConfig = {
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  slowRate: 0,
  slowMs: 5_000,
  blurRate: 0,
  washedOutRate: 0,
  duplicateRate: 0,
  faultSeed: 1,
  nsfwMarker: "SIMULATE_NSFW",
  apiAuth: null,
};

/** Validates a partial update; throws a zod error listing every bad knob. */
export function parseConfigPatch(input: unknown): Partial<SimulatorConfig> {
  return simulatorConfigSchema.partial().parse(input);
}
