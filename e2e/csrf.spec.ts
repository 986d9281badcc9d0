import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignInPage } from "./pages/sign-in-page";
import { expect, test } from "./support/test";
import { DEMO, uniqueEmail } from "./support/users";

/**
 * The hole of issue 14: a page on another port of the same host is "same-site", so the browser
 * sends the SameSite=Lax session cookie with its form posts. Such a page must change nothing.
 */
let attacker: Server;
let attackerOrigin: string;
let pages: Record<string, string> = {};

test.beforeAll(async () => {
  attacker = createServer((req, res) => {
    if (req.url === "/favicon.ico") return void res.writeHead(204).end();
    const html = pages[req.url ?? ""];
    res.writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(html ?? "not found");
  });
  await new Promise<void>((resolve) => attacker.listen(0, "localhost", resolve));
  attackerOrigin = `http://localhost:${(attacker.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => attacker.close(resolve));
});

/** A text/plain form whose one field makes the body valid JSON: {"...":"=..."} — the classic trick. */
function jsonForm(action: string, fields: Record<string, string>): string {
  const json = JSON.stringify({ ...fields, pad: "" });
  const name = json.slice(0, -2); // everything up to the closing `"}` of the pad value
  return `<!doctype html><form id="f" method="POST" enctype="text/plain" action="${action}">
  <input type="hidden" name='${name.replace(/'/g, "&#39;")}' value='"}'></form>
  <script>document.getElementById("f").submit()</script>`;
}

test("a page on another port cannot mark notifications read or create an admin with the victim's cookie", async ({
  page,
  baseURL,
  consoleWatch,
}) => {
  // The refused requests below are logged by the browser on the attacker's page.
  consoleWatch.allow(
    /status of 403 \(Forbidden\) — http:\/\/localhost:\d+\/api\/(notifications|admin\/users):/,
    "the refused cross-origin requests",
  );
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  const before = await (await page.request.get("/api/notifications")).json();
  const email = uniqueEmail("csrf-admin");

  pages = {
    "/probe": `<!doctype html><script>fetch("${baseURL}/api/notifications", { mode: "no-cors", credentials: "include" })</script>`,
    "/navigate": `<!doctype html><script>location.href = "${baseURL}/"</script>`,
    "/fetch": `<!doctype html><script>
      fetch("${baseURL}/api/notifications", { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: '{"ids":[]}' });
    </script>`,
    "/notifications-form": jsonForm(`${baseURL}/api/notifications`, {}),
    "/users-form": jsonForm(`${baseURL}/api/admin/users`, {
      email,
      name: "Mallory",
      role: "admin",
      password: "a long enough passphrase",
    }),
  };

  const refused = async (path: string, target: string) => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${baseURL}${target}` && r.request().method() === "POST"),
      page.goto(`${attackerOrigin}${path}`),
    ]);
    expect(response.status(), path).toBe(403);
    if (path === "/fetch") return; // an opaque (no-cors) response keeps its body from the page and from us
    const { error } = await response.json();
    expect(error.code).toBe("forbidden");
    expect(error.message).toMatch(/did not come from Kiln's own pages/);
  };
  // Control: what the attacker's page starts does carry the victim's session cookie (a navigation
  // it starts lands in the signed-in console, not on sign-in), so the refusals below are the
  // Origin checks, not a missing cookie.
  await page.goto(`${attackerOrigin}/navigate`);
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByTestId("current-user")).toHaveText(DEMO.admin.name);
  // Even a read it starts is refused: reads started by another site never reach the guard.
  const [probe] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${baseURL}/api/notifications` && r.request().method() === "GET"),
    page.goto(`${attackerOrigin}/probe`),
  ]);
  expect(probe.status()).toBe(403);
  await refused("/fetch", "/api/notifications");
  await refused("/notifications-form", "/api/notifications");
  await refused("/users-form", "/api/admin/users");

  // Nothing changed.
  expect(await (await page.request.get("/api/notifications")).json()).toEqual(before);
  const users = (await (await page.request.get("/api/admin/users")).json()).users as { email: string }[];
  expect(users.map((u) => u.email)).not.toContain(email);

  // The app's own pages still post: same origin and JSON.
  await page.goto("/");
  const own = await page.evaluate(async () => {
    const res = await fetch("/api/notifications", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    return res.status;
  });
  expect(own).toBe(200);
});

test("pages and API responses carry the security headers; Next's scripts carry the page's nonce", async ({
  page,
  request,
}) => {
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  const response = await page.goto("/costs");
  const headers = response!.headers();
  const policy = headers["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  expect(nonce).toBeTruthy();
  expect(policy).toContain("'strict-dynamic'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toContain("'unsafe-eval'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["strict-transport-security"]).toBeUndefined(); // KILN_URL is http here
  const html = await response!.text();
  expect(html).toContain(`nonce="${nonce}"`);
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);

  const api = await page.request.get("/api/notifications");
  expect(api.headers()["content-security-policy"]).toBe(
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["x-frame-options"]).toBe("DENY");

  const signIn = await request.get("/sign-in");
  expect(signIn.headers()["content-security-policy"]).toContain("'strict-dynamic'");
});
