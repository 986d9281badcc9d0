import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";

/**
 * `npm run audit:verify`: walks the audit hash chain in the database and reports the first broken link,
 * then checks every checkpoint row against its signed file in the blob store (lib/audit/checkpoints.ts).
 * With the embedded PGlite, stop the app first (its data folder opens in one process at a time).
 *
 * `npm run audit:verify -- --file kiln-audit-YYYY-MM-DD.csv`: verifies an audit CSV export from the
 * file alone (no database): every row's hash, its readable cells and its link to the row before.
 */
const { values } = parseArgs({ options: { file: { type: "string" } } });

if (values.file) {
  const { verifyAuditCsv } = await import("@/lib/audit/verify-csv");
  const report = verifyAuditCsv(await readFile(values.file, "utf8"));
  if (report.ok) {
    const scope = report.complete
      ? "the whole chain from the first entry"
      : `a filtered export: ${report.linksChecked} links between adjacent entries checked, not the whole chain`;
    console.log(`audit export OK: ${report.rows} rows verified, ${scope}; head ${report.headHash ?? "(empty)"}`);
  } else {
    const where = report.row === 0 ? "" : ` at row ${report.row} (line ${report.row + 1}, entry #${report.seq})`;
    console.error(`audit export BROKEN${where}: ${report.reason}`);
    process.exit(1);
  }
} else {
  const { getDatabase } = await import("@/db");
  const { verifyAuditChain } = await import("@/lib/audit");
  const { verifyAllCheckpoints } = await import("@/lib/audit/checkpoints");
  const database = await getDatabase();
  let failed = false;
  try {
    const report = await verifyAuditChain({ db: database.db });
    if (report.ok) {
      console.log(`audit chain OK: ${report.checked} entries, head ${report.headHash}`);
    } else {
      console.error(
        `audit chain BROKEN at entry #${report.brokenAt}: ${report.reason} (${report.checked} entries before it verified)`,
      );
      failed = true;
    }
    const checkpoints = await verifyAllCheckpoints({ db: database.db });
    if (checkpoints.problems.length === 0) {
      const n = checkpoints.checked;
      console.log(
        `audit checkpoints OK: ${n} ${n === 1 ? "checkpoint matches its signed file" : "checkpoints match their signed files"}`,
      );
    } else {
      for (const p of checkpoints.problems) console.error(`audit checkpoint BROKEN at #${p.seq}: ${p.reason}`);
      failed = true;
    }
  } finally {
    await database.close();
  }
  if (failed) process.exit(1);
}
