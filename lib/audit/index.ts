export * from "./actions";
export { recordAudit, type AuditActor, type AuditInput } from "./record";
export { verifyAuditChain, type ChainReport } from "./verify";
export { listAuditEvents } from "./list";
export {
  latestAuditCheckpoint,
  verifyAuditIncremental,
  writeAuditCheckpoint,
  type CheckpointSummary,
  type IncrementalReport,
} from "./checkpoints";
