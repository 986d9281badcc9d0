import type { Db } from "@/db";
import type { Role } from "@/db/schema";

export type Actor = { id: string; email: string; name: string; role: Role };

/** What every lib/ function receives: the database, who is acting, and from where. */
export type Ctx = { db: Db; actor: Actor; ip: string | null };

/** For start-up tasks and jobs acting on behalf of the system rather than a person. */
export type SystemCtx = { db: Db; actor: null; ip: null };
