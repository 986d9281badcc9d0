import { z } from "zod";
import type { TokenCtx } from "@/lib/api-tokens";
import { registerRoute } from "../openapi";

export const meSchema = z
  .object({
    object: z.literal("token"),
    token: z.object({ id: z.string().uuid(), name: z.string(), scopes: z.array(z.string()) }),
    user: z.object({
      id: z.string().uuid(),
      email: z.string(),
      name: z.string(),
      role: z.enum(["admin", "designer", "reviewer", "finance"]),
    }),
  })
  .meta({ id: "Me" });

export type Me = z.infer<typeof meSchema>;

/** Who a token acts as, and what it may do: the first call a new integration makes. */
export function describeToken(ctx: TokenCtx): Me {
  return {
    object: "token",
    token: { id: ctx.token.id, name: ctx.token.name, scopes: ctx.token.scopes },
    user: { ...ctx.actor },
  };
}

registerRoute({
  method: "get",
  path: "/api/v1/me",
  scope: "any",
  summary: "The token and the user it acts as",
  tags: ["Tokens"],
  responses: {
    200: {
      description: "The token's name and scopes, and its owner.",
      content: { "application/json": { schema: meSchema } },
    },
  },
});
