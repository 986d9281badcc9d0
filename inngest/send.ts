import type { AltTextSender } from "@/lib/alt-text/draft";
import type { CheckSender } from "@/lib/checks/recheck";
import type { EditSender } from "@/lib/editing/request-edit";
import type { ExportSender } from "@/lib/exports/create-export";
import type { GenerationSender } from "@/lib/generation/batch-actions";
import type { ResumeSender } from "@/lib/generation/resume-sender";
import type { MoveSender } from "@/lib/providers/admin-fallback";
import { inngest } from "./client";
import {
  altTextDraftRequested,
  batchCancelled,
  batchQueued,
  checkRequested,
  editRequested,
  exportRequested,
  generationRequested,
  generationResumed,
  uploadCreated,
} from "./events";

/**
 * The event id makes a repeated send of the same request a no-op for the engine; a user's
 * "retry" passes a new send key, so it is a new request.
 */
export async function announceUpload(uploadId: string, sendKey: string): Promise<void> {
  await inngest.send(uploadCreated.create({ uploadId }, { id: `upload-created-${uploadId}-${sendKey}` }));
}

export const generationSender: GenerationSender = {
  async batchQueued({ batchId, userId, sendKey }) {
    await inngest.send(batchQueued.create({ batchId, userId }, { id: `batch-queued-${batchId}-${sendKey}` }));
  },
  async generationsRequested(items) {
    await sendInBatches(
      items.map((g) =>
        generationRequested.create(
          { generationId: g.generationId, batchId: g.batchId, providerId: g.providerId, userId: g.userId },
          { id: `generation-requested-${g.generationId}-${g.attempts}` },
        ),
      ),
    );
  },
  async batchCancelled(batchId) {
    await inngest.send(batchCancelled.create({ batchId }, { id: `batch-cancelled-${batchId}` }));
  },
};

/**
 * Requests moved generations again on their new endpoint. The id carries the move id: the
 * original request (`generation-requested-<id>-<attempts>`) is still parked on the paused
 * endpoint, and reusing its id would make the engine drop this one as a duplicate.
 */
export const sendMovedGenerations: MoveSender = async (items, moveId) => {
  await sendInBatches(
    items.map((g) =>
      generationRequested.create(
        { generationId: g.generationId, batchId: g.batchId, providerId: g.providerId, userId: g.userId },
        { id: `generation-moved-${g.generationId}-${moveId}` },
      ),
    ),
  );
};

/** One event per resume: a resume is a new fact each time, so its id carries the moment. */
export const sendGenerationResumed: ResumeSender = async (resumed) => {
  const what = resumed.scope === "endpoint" ? `endpoint-${resumed.providerId}` : resumed.scope;
  await inngest.send(generationResumed.create(resumed, { id: `generation-resumed-${what}-${Date.now()}` }));
};

export const sendCheckRuns: CheckSender = async (checkRunIds) => {
  await sendInBatches(
    checkRunIds.map((checkRunId) => checkRequested.create({ checkRunId }, { id: `check-requested-${checkRunId}` })),
  );
};

/** Sends many events in requests of at most 500 (the engine's batch limit). */
async function sendInBatches(events: Extract<Parameters<typeof inngest.send>[0], unknown[]>): Promise<void> {
  for (let i = 0; i < events.length; i += 500) await inngest.send(events.slice(i, i + 500));
}

/** One event per edit (its id is the edit's): a double send runs the edit once. */
export const editSender: EditSender = {
  async editRequested({ editId, assetId, userId }) {
    await inngest.send(editRequested.create({ editId, assetId, userId }, { id: `edit-requested-${editId}` }));
  },
  checksRequested: (checkRunIds) => sendCheckRuns(checkRunIds),
};

/** One event per request key: a person's click (a fresh key) or an approval (keyed by its time), so a repeat is a no-op. */
export const altTextSender: AltTextSender = {
  async draftRequested({ assetId, requestedBy, overwrite, key }) {
    await inngest.send(
      altTextDraftRequested.create({ assetId, requestedBy, overwrite }, { id: `alt-text-draft-${assetId}-${key}` }),
    );
  },
};

/** One event per export (its id is the export's): a double send builds it once. */
export const sendExportRequested: ExportSender = async ({ exportId, userId }) => {
  await inngest.send(exportRequested.create({ exportId, userId }, { id: `export-requested-${exportId}` }));
};
