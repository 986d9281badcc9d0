import type { Metadata } from "next";
import { UploadsBoard } from "@/components/uploads/uploads-board";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePageCtx } from "@/lib/auth/guard";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Uploads" };

export default async function UploadsPage() {
  const { actor } = await requirePageCtx("uploads.view");
  return (
    <>
      <PageHeader
        title="Uploads"
        description="Reference images and brand assets. Kiln checks each file is a real image, keeps the original untouched, and makes thumbnails and previews in the background."
      />
      <UploadsBoard
        canUpload={can(actor.role, "uploads.create")}
        maxMb={Math.floor(env().KILN_MAX_UPLOAD_BYTES / 1024 / 1024)}
      />
    </>
  );
}
