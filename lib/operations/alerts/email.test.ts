import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { alertEvents, costLedger, providers } from "@/db/schema";
import { seedCatalog, SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { resetEnvForTests } from "@/lib/env";
import { createUserFactory, ctxFor } from "@/test/factories";
import { evaluateAlerts } from "./evaluate";
import { createAlertRule } from "./rules";

vi.mock("server-only", () => ({}));

/** What the local SMTP catcher received: the envelope, who signed in, and the raw message. */
type Caught = { from: string; to: string[]; user: string | undefined; raw: string };

let database: Database;
let server: SMTPServer;
let port: number;
const caught: Caught[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  server = new SMTPServer({
    // Plain SMTP on loopback with AUTH, like a relay an operator points Kiln at.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === "kiln" && auth.password === "s3cret pass") return cb(null, { user: auth.username });
      cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        caught.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
}, 180_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.close();
  vi.unstubAllEnvs();
  resetEnvForTests();
});

/** The message's headers unfolded and its quoted-printable body decoded, enough to read it as a person would. */
function readMessage(raw: string): { headers: string; body: string } {
  const split = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, split).replace(/\r\n(?=[ \t])/g, "");
  let body = raw.slice(split + 4);
  if (/content-transfer-encoding: quoted-printable/i.test(headers))
    body = body
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return { headers, body: body.replace(/\r\n/g, "\n") };
}

describe("alert e-mail", () => {
  it("goes through the configured SMTP server to the rule's recipients, with a subject and body in plain words and links", async () => {
    vi.stubEnv("KILN_SMTP_URL", `smtp://kiln:${encodeURIComponent("s3cret pass")}@127.0.0.1:${port}`);
    vi.stubEnv("KILN_ALERT_EMAIL_FROM", "Kiln alerts <alerts@kiln.example.test>");
    vi.stubEnv("KILN_URL", "https://kiln.example.test");
    resetEnvForTests();
    const admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin", name: "Ada" }));
    const [sim] = await database.db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG));
    const rule = await createAlertRule({
      ctx: admin,
      input: {
        name: "Simulator failing",
        kind: "endpoint_error_rate",
        providerId: sim!.id,
        threshold: "50",
        windowMinutes: 10,
        emailTo: "ops@example.com, oncall@example.com",
      },
    });
    const now = new Date("2031-01-01T09:00:00Z");
    await database.db.insert(costLedger).values(
      Array.from({ length: 6 }, (_, i) => ({
        callKey: `email-test-${i}`,
        providerId: sim!.id,
        userId: admin.actor.id,
        operation: "generate",
        outcome: i < 4 ? "failed" : "succeeded",
        billable: false,
        micros: 0,
        createdAt: new Date(now.getTime() - (i + 1) * 60_000),
      })),
    );

    const summary = await evaluateAlerts({ db: database.db, now });
    expect(summary.fired).toEqual([rule.id]);
    expect(caught).toHaveLength(1);
    const mail = caught[0]!;
    expect(mail.user).toBe("kiln");
    expect(mail.from).toBe("alerts@kiln.example.test");
    expect(mail.to).toEqual(["ops@example.com", "oncall@example.com"]);
    const { headers, body } = readMessage(mail.raw);
    expect(headers).toMatch(/^Subject: \[Kiln\] Alert firing: Simulator failing \(66\.7%\)$/m);
    expect(headers).toMatch(/^To: ops@example\.com, oncall@example\.com$/m);
    expect(body).toContain('The alert "Simulator failing" started firing.');
    expect(body).toContain("It watches: Error rate of Kiln GPU simulator above 50% over the last 10 minutes.");
    expect(body).toContain("Now: 66.7% (4 of 6 calls to Kiln GPU simulator failed in the last 10 minutes).");
    expect(body).toContain("Firing since: 2031-01-01 09:00 UTC.");
    expect(body).toContain("Look at GPU endpoints: https://kiln.example.test/admin/providers");
    expect(body).toContain("Alert rules and their history: https://kiln.example.test/admin/alerts");
    const [event] = await database.db.select().from(alertEvents).where(eq(alertEvents.ruleId, rule.id));
    expect(event!.notified).toEqual({
      inApp: "off",
      webhooks: "off",
      email: "sent to ops@example.com, oncall@example.com",
    });

    // Resolving sends one more; staying resolved sends nothing.
    await evaluateAlerts({ db: database.db, now: new Date(now.getTime() + 30 * 60_000) });
    await evaluateAlerts({ db: database.db, now: new Date(now.getTime() + 31 * 60_000) });
    expect(caught).toHaveLength(2);
    const resolved = readMessage(caught[1]!.raw);
    expect(resolved.headers).toMatch(/^Subject: \[Kiln\] Alert resolved: Simulator failing \(no data\)$/m);
    expect(resolved.body).toContain('The alert "Simulator failing" is back to normal.');
    expect(resolved.body).toContain("Resolved at: 2031-01-01 09:30 UTC, after firing since 2031-01-01 09:00 UTC.");
  });

  it("a server that refuses the sign-in leaves the failure on the alert event", async () => {
    vi.stubEnv("KILN_SMTP_URL", `smtp://kiln:wrong@127.0.0.1:${port}`);
    resetEnvForTests();
    const admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin", name: "Alan" }));
    const rule = await createAlertRule({
      ctx: admin,
      input: {
        name: "Any spend",
        kind: "spend_rate",
        threshold: "0.000001",
        windowMinutes: 60,
        emailTo: "ops@example.com",
      },
    });
    const now = new Date("2031-02-01T09:00:00Z");
    await database.db.insert(costLedger).values({
      callKey: "email-spend",
      providerId: null,
      userId: admin.actor.id,
      operation: "upscale",
      outcome: "succeeded",
      billable: true,
      micros: 5000,
      createdAt: now,
    });
    const before = caught.length;
    expect((await evaluateAlerts({ db: database.db, now })).fired).toEqual([rule.id]);
    expect(caught).toHaveLength(before);
    const [event] = await database.db.select().from(alertEvents).where(eq(alertEvents.ruleId, rule.id));
    expect(String(event!.notified.email)).toMatch(/^failed: .*Invalid username or password/);
  });
});
