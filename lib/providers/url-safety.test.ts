import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { assertSafeProviderUrl, classifyAddress } from "./url-safety";

/** A fake resolver, so the tests never touch real DNS. */
const resolver =
  (table: Record<string, string[]>) =>
  async (host: string): Promise<{ address: string; family: number }[]> => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

const dns = resolver({
  "gpu.example.com": ["203.0.113.10", "2001:db8::10"],
  "sneaky.example.com": ["203.0.113.11", "10.0.0.5"],
  "rebind.example.com": ["169.254.169.254"],
  "lan-gpu.corp": ["192.168.1.20"],
  localhost: ["127.0.0.1", "::1"],
});

async function refusal(url: string, allowPrivate = false): Promise<AppError> {
  const error = await assertSafeProviderUrl(url, { allowPrivate, lookup: dns }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, url).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("invalid_input");
  return error as AppError;
}

describe("assertSafeProviderUrl", () => {
  it("accepts public http(s) endpoints and checks every resolved address", async () => {
    await expect(assertSafeProviderUrl("https://gpu.example.com:7860/", { lookup: dns })).resolves.toBeInstanceOf(URL);
    await expect(assertSafeProviderUrl("http://203.0.113.10:7860", { lookup: dns })).resolves.toBeInstanceOf(URL);
    expect((await refusal("https://sneaky.example.com")).message).toMatch(
      /private network address: sneaky\.example\.com \(10\.0\.0\.5\)/,
    );
  });

  it("refuses other schemes, credentials in the URL and garbage", async () => {
    expect((await refusal("ftp://gpu.example.com")).message).toMatch(/Only http and https/);
    expect((await refusal("file:///etc/passwd")).message).toMatch(/Only http and https/);
    expect((await refusal("https://admin:hunter2@gpu.example.com")).message).toMatch(/user name and password/);
    expect((await refusal("not a url")).message).toMatch(/not a valid URL/);
    expect((await refusal("https://nowhere.invalid")).message).toMatch(/could not be resolved/);
  });

  it("never allows link-local, metadata or unspecified addresses, even with allowPrivate", async () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://169.254.10.1",
      "http://[fe80::1]:7860",
      "http://[fd00:ec2::254]",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://metadata.google.internal./",
      "http://rebind.example.com",
      "http://0.0.0.0:7860",
      "http://[::]:7860",
      "http://[::ffff:169.254.169.254]",
      "http://224.0.0.1",
    ]) {
      await refusal(url, true);
    }
  });

  it("allows loopback and private ranges only with allowPrivate (the simulator's case)", async () => {
    for (const url of [
      "http://127.0.0.1:7860",
      "http://localhost:7860",
      "http://[::1]:7860",
      "http://10.1.2.3",
      "http://172.20.0.1",
      "http://lan-gpu.corp:7860",
      "http://[fd12::1]",
    ]) {
      expect((await refusal(url)).message).toMatch(/allow private network/);
      await expect(assertSafeProviderUrl(url, { allowPrivate: true, lookup: dns })).resolves.toBeInstanceOf(URL);
    }
  });

  it("sees through alternative spellings of internal IPv4 addresses", async () => {
    // WHATWG URL normalises these to 127.0.0.1 / 169.254.169.254 before the check.
    await refusal("http://2130706433:7860");
    await refusal("http://0x7f.1:7860");
    await refusal("http://[::ffff:127.0.0.1]:7860");
    await refusal("http://0xA9FEA9FE/", true);
  });
});

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["100.64.0.1", "private"],
    ["172.32.0.1", "public"],
    ["127.8.8.8", "loopback"],
    ["169.254.170.2", "metadata"],
    ["255.255.255.255", "reserved"],
    ["2001:4860::8888", "public"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:c0a8:0101::1", "private"],
    ["::ffff:7f00:1", "loopback"],
    ["fe80::abcd%eth0", "link-local"],
  ])("%s is %s", (ip, verdict) => {
    expect(classifyAddress(ip)).toBe(verdict);
  });
});
