import { getDatabase } from "@/db";
import { verifyAuditChain } from "@/lib/audit";

/**
 * `npm run audit:verify`: walks the audit hash chain and reports the first broken link.
 * With the embedded PGlite, stop the app first (its data folder opens in one process at a time).
 */
const database = await getDatabase();
const report = await verifyAuditChain({ db: database.db });
await database.close();
if (report.ok) {
  console.log(`audit chain OK: ${report.checked} entries, head ${report.headHash}`);
} else {
  console.error(`audit chain BROKEN at entry #${report.brokenAt}: ${report.reason} (${report.checked} entries before it verified)`);
  process.exit(1);
}
