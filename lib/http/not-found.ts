import "server-only";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";

/** For pages: a lib not_found error renders the 404 page instead of an error screen. */
export async function notFoundOnAppError<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}
