import { createRequire } from "node:module";
import path from "node:path";

/**
 * Node's own `require`, rooted at the repository (the app, the tests and the benches always run
 * from there). The model runtimes are loaded through it rather than imported, so they come
 * straight from node_modules at run time: a bundler never rewrites the paths they use to find
 * their worker scripts, .wasm binaries and traineddata. Nothing is fetched.
 */
export const requireFromRoot = createRequire(path.join(process.cwd(), "package.json"));

/** Directory of an installed package. */
export function packageDir(name: string): string {
  return path.dirname(requireFromRoot.resolve(`${name}/package.json`));
}

/** A plain-JS worker file of this folder (workers/<name>.mjs), loaded by Node as is. */
export function workerFile(name: string): string {
  return path.join(process.cwd(), "lib/checks/models/workers", `${name}.mjs`);
}
