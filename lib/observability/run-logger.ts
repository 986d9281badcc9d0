import { Middleware, ProxyLogger } from "inngest";
import { logger as processLogger, type Logger } from "./logger";

/** The fields every log line of one function run carries. */
export function runLogFields(
  arg: Pick<Middleware.TransformFunctionInputArgs, "ctx" | "fn">,
): Record<string, string | number> {
  return { fn: arg.fn.opts.id, runId: arg.ctx.runId, event: arg.ctx.event.name, attempt: arg.ctx.attempt };
}

/**
 * Gives every Inngest function run `ctx.logger`: a child of the process's JSON logger carrying the
 * function id, run id, event and attempt. The SDK's own logger option only adds the run id and
 * event, so this replaces it, keeping its behaviour: silent while memoized steps replay (a run is
 * re-entered once per step; each line is written once) and flushed when the request ends.
 * One instance per request (the SDK constructs middleware per execution).
 */
export function runLoggerMiddleware(base: Logger = processLogger): Middleware.Class {
  return class RunLogger extends Middleware.BaseMiddleware {
    readonly id = "kiln:run-logger";
    private proxy: ProxyLogger | undefined;

    override transformFunctionInput(arg: Middleware.TransformFunctionInputArgs): Middleware.TransformFunctionInputArgs {
      this.proxy = new ProxyLogger(base.child(runLogFields(arg)));
      // Context.Any does not name the logger the SDK adds; the function handler reads ctx.logger.
      return { ...arg, ctx: { ...arg.ctx, logger: this.proxy } as Middleware.TransformFunctionInputArgs["ctx"] };
    }

    override onMemoizationEnd(): void {
      this.proxy?.enable();
    }

    override async wrapRequest({ next }: Middleware.WrapRequestArgs): Promise<Middleware.Response> {
      try {
        return await next();
      } finally {
        await this.proxy?.flush();
      }
    }
  };
}
