/**
 * Makes process.env a plain object holding the same variables (the worker process calls it first).
 *
 * The Inngest SDK copies the whole environment (Object.entries(process.env), filtered to its own
 * variables) several times for every request it serves and every call it makes: about fifty times
 * per generated image. Node's process.env reads each variable through the C++ environment
 * accessor: ~60 µs a copy with 35 variables on the session-26 machine, and more with the hundreds
 * a container orchestrator injects; a plain object takes ~10 µs (.adhoc timing, not committed).
 *
 * Kiln sets no variable after start. Native code (libvips, onnxruntime) reads the real environment,
 * which keeps what it had; child processes and worker threads start from process.env, so they get the
 * same variables either way.
 */
export function usePlainProcessEnv(): void {
  process.env = { ...process.env };
}
