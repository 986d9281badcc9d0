import { expect, fromApp, test } from "./support/test";
import { SignInPage } from "./pages/sign-in-page";
import { DEMO } from "./support/users";

test("a designer cannot reach admin pages and gets 403 from admin APIs", async ({ page, consoleWatch }) => {
  consoleWatch.allow(
    /status of 403 \(Forbidden\) — http:\/\/[^/]+\/admin\/(users|audit):/,
    "the deliberate visits to admin pages",
  );
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);

  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "This area is not for your role" })).toBeVisible();
  expect((await page.goto("/admin/audit"))?.status()).toBe(403);

  const list = await page.request.get("/api/admin/users");
  expect(list.status()).toBe(403);
  expect((await list.json()).error.code).toBe("forbidden");

  const create = await page.request.post("/api/admin/users", {
    headers: fromApp(page),
    data: { email: "sneaky@example.test", name: "Sneaky", role: "admin", password: "a long enough passphrase" },
  });
  expect(create.status()).toBe(403);
});

test("signed-out requests are refused: pages redirect, APIs answer 401", async ({ page, request }) => {
  const api = await request.get("/api/admin/users");
  expect(api.status()).toBe(401);
  expect((await request.get("/api/uploads")).status()).toBe(401);
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin%2Fusers/);
});

test("a forged session cookie is not a session", async ({ page, context, baseURL }) => {
  const host = new URL(baseURL!).hostname;
  await context.addCookies([
    {
      name: "authjs.session-token",
      value: "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0.forged.role.admin.x",
      domain: host,
      path: "/",
    },
  ]);
  expect((await page.request.get("/api/admin/users")).status()).toBe(401);
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the sign-in endpoint refuses a missing or forged CSRF token and audits it", async ({ page, request }) => {
  for (const csrfToken of [undefined, "forged-token"]) {
    const res = await request.post("/api/auth/callback/credentials", {
      form: { email: DEMO.admin.email, password: DEMO.admin.password, ...(csrfToken ? { csrfToken } : {}) },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(302);
    expect(res.headers()["location"]).toContain("error=MissingCSRF");
    expect(res.headers()["set-cookie"] ?? "").not.toContain("authjs.session-token");
  }
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.goto("/admin/audit?action=auth.csrf");
  await expect(page.getByText("auth.csrf_rejected", { exact: true }).first()).toBeVisible();
});
