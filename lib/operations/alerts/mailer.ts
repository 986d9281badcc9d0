import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";

/**
 * Alert e-mail through the operator's SMTP server (KILN_SMTP_URL). The server comes only from the
 * environment, never from a rule: a rule chooses recipients, so it cannot make Kiln connect anywhere.
 * That is why this connection is not held to the GPU endpoints' address rule (lib/net).
 */
export type EmailMessage = { to: string[]; subject: string; text: string };

let cached: { url: string; transport: Transporter } | null = null;

export function emailConfigured(): boolean {
  return Boolean(env().KILN_SMTP_URL);
}

function transport(url: string): Transporter {
  if (cached?.url === url) return cached.transport;
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  const t = nodemailer.createTransport({
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: Number(u.port) || (secure ? 465 : 587),
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    // Short timeouts: the evaluation runs every minute and must not hang on a dead mail server.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  cached = { url, transport: t };
  return t;
}

export function alertSender(): string {
  const e = env();
  return e.KILN_ALERT_EMAIL_FROM ?? `Kiln alerts <alerts@${new URL(e.appUrl).hostname}>`;
}

/** What happened, in words alert_events.notified keeps: "sent to a@x, b@y", "failed: …" or "not configured (…)". */
export async function sendAlertEmail(message: EmailMessage): Promise<string> {
  const url = env().KILN_SMTP_URL;
  if (!url) return "not configured (KILN_SMTP_URL is not set)";
  try {
    const info = await transport(url).sendMail({
      from: alertSender(),
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
    const accepted = (info.accepted as (string | { address: string })[]).map((a) =>
      typeof a === "string" ? a : a.address,
    );
    const rejected = (info.rejected as (string | { address: string })[]).map((a) =>
      typeof a === "string" ? a : a.address,
    );
    return `sent to ${accepted.join(", ") || "nobody"}${rejected.length ? `; refused by the server: ${rejected.join(", ")}` : ""}`;
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  }
}
