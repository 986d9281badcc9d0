/**
 * Several worker processes can serve the same functions (docs/decisions/0024). The runner spreads
 * its calls over their serve URLs in turn, as a load balancer in front of them would, and skips one
 * that refused a connection for a short while, so a worker that stops (or is killed) costs its
 * in-flight steps one retry each on another worker, and nothing more.
 */
export type CallTargets = { pick(fnUrl: URL): URL; down(url: URL): void };

const DOWN_FOR_MS = 5_000;

export function callTargets(urls: string[], now: () => number = Date.now): CallTargets | undefined {
  const targets = urls.map((u) => new URL(u));
  if (!targets.length) return undefined;
  const downUntil = new Map<string, number>();
  let next = 0;
  return {
    pick(fnUrl) {
      const t = now();
      let chosen = targets[next % targets.length]!;
      for (let i = 0; i < targets.length; i++) {
        const candidate = targets[(next + i) % targets.length]!;
        if ((downUntil.get(candidate.href) ?? 0) <= t) {
          chosen = candidate;
          next += i;
          break;
        }
      }
      next += 1;
      // The function's own URL carries its query (fnId, stepId); only the serve route changes.
      const url = new URL(chosen.href);
      url.search = fnUrl.search;
      return url;
    },
    down(url) {
      const key = targets.find((t) => t.origin === url.origin && t.pathname === url.pathname)?.href;
      if (key) downUntil.set(key, now() + DOWN_FOR_MS);
    },
  };
}
