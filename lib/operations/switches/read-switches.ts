import type { DbExecutor } from "@/db";
import { systemSwitches, type SystemSwitchKey } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { eq } from "drizzle-orm";

export type SwitchState = { key: SystemSwitchKey; enabled: boolean; reason: string | null; changedAt: Date | null };

/**
 * Read on every check, never cached: several web and worker processes may run, and a switch an
 * admin flips must hold in all of them for the next upload or generation. One primary-key read.
 */
export async function readSwitch(db: DbExecutor, key: SystemSwitchKey): Promise<SwitchState> {
  const [row] = await db.select().from(systemSwitches).where(eq(systemSwitches.key, key)).limit(1);
  return {
    key,
    enabled: row?.enabled ?? false,
    reason: row?.enabled ? row.reason : null,
    changedAt: row?.changedAt ?? null,
  };
}

export async function readSwitches(db: DbExecutor): Promise<Record<SystemSwitchKey, SwitchState>> {
  const rows = await db.select().from(systemSwitches);
  const of = (key: SystemSwitchKey): SwitchState => {
    const row = rows.find((r) => r.key === key);
    return {
      key,
      enabled: row?.enabled ?? false,
      reason: row?.enabled ? row.reason : null,
      changedAt: row?.changedAt ?? null,
    };
  };
  return { uploads_disabled: of("uploads_disabled"), generation_paused: of("generation_paused") };
}

/** Refuses a new upload while an admin has switched uploads off, saying why. */
export async function assertUploadsEnabled(db: DbExecutor): Promise<void> {
  const s = await readSwitch(db, "uploads_disabled");
  const why = s.reason ? `: ${s.reason.replace(/[.\s]+$/, "")}` : "";
  if (s.enabled)
    throw new AppError(
      "policy_blocked",
      `Uploads are switched off by an admin${why}. Try again once they are back on.`,
    );
}

/** Why generation waits installation-wide, or null: the generate function parks work while set. */
export async function generationPausedReason(db: DbExecutor): Promise<string | null> {
  const s = await readSwitch(db, "generation_paused");
  return s.enabled ? `an admin paused all generation${s.reason ? ` (${s.reason})` : ""}` : null;
}
