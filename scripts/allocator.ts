/**
 * glibc's allocator gives each thread its own arena, and libvips (sharp) encodes on many threads:
 * RSS then grows with fragmentation that is never handed back. sharp's documentation recommends
 * jemalloc or limiting the arenas; jemalloc is not on a fresh machine, so `npm start` (and the
 * benchmarks that measure its memory) run Node with MALLOC_ARENA_MAX=2 unless it is set already.
 * Measured with `npm run bench:delivery`: the export job's peak RSS fell by about a third.
 */
export const ALLOCATOR_ENV = { MALLOC_ARENA_MAX: "2" } as const;

/** The environment with the allocator defaults filled in where unset. */
export function withAllocatorDefaults(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...ALLOCATOR_ENV, ...env };
}
