import { AppError } from "@/lib/errors";

/**
 * What a state-changing route accepts as its body, declared once beside the route:
 * - "json": application/json only. Browsers cannot send it cross-site without a CORS preflight,
 *   which Kiln never grants, so it is a second wall behind the Origin check.
 * - "multipart": multipart/form-data (file uploads). A plain HTML form can send that too, so the
 *   Origin check is the wall here.
 * - "none": the body is ignored; no header or application/json (the console's client sends {}),
 *   never a form encoding.
 */
export type BodyRule = "json" | "multipart" | "none";

function mediaType(contentType: string | null): string | null {
  if (!contentType) return null;
  return contentType.split(";")[0]!.trim().toLowerCase() || null;
}

export function assertBodyRule(rule: BodyRule, headers: Headers): void {
  const type = mediaType(headers.get("content-type"));
  if (rule === "json" && type === "application/json") return;
  if (rule === "multipart" && type === "multipart/form-data") return;
  if (rule === "none" && (type === null || type === "application/json")) return;
  const wanted = rule === "multipart" ? "multipart/form-data (a file upload)" : "application/json";
  throw new AppError("unsupported_media_type", `This endpoint accepts ${wanted}${type ? `, not ${type}` : ""}.`);
}
