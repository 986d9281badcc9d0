import { checkAsset } from "./checks/check-asset";
import { draftAltText } from "./delivery/draft-alt-text";
import { buildExport } from "./delivery/build-export";
import { editAsset } from "./editing/edit-asset";
import { fanOutBatch } from "./generation/fan-out-batch";
import { generateImage } from "./generation/generate-image";
import { makeRenditions } from "./generation/make-renditions";
import { sweepRightsExpiryFn } from "./rights/sweep-rights-expiry";
import { createRenditions } from "./uploads/create-renditions";
import { deliverWebhook } from "./webhooks/deliver-webhook";
import { auditCheckpointFn } from "./operations/audit-checkpoint";
import { pruneExpiredRecordsFn } from "./operations/prune-expired-records";
import { renewBudgetPeriodsFn } from "./operations/renew-budget-periods";
import { evaluateAlertsFn } from "./operations/evaluate-alerts";
import { endpointHealthFn } from "./operations/endpoint-health";

/** Every function the app serves. Ids are stable: renaming one orphans its runs. */
export const functions = [
  createRenditions,
  fanOutBatch,
  generateImage,
  makeRenditions,
  checkAsset,
  editAsset,
  draftAltText,
  buildExport,
  sweepRightsExpiryFn,
  deliverWebhook,
  pruneExpiredRecordsFn,
  auditCheckpointFn,
  renewBudgetPeriodsFn,
  evaluateAlertsFn,
  endpointHealthFn,
];
