import yauzl from "yauzl";

/** Every entry of a ZIP (for tests and the e2e check): name, compression method and bytes. */
export async function readZipEntries(zip: Buffer): Promise<{ name: string; method: number; data: Buffer }[]> {
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const out: { name: string; method: number; data: Buffer }[] = [];
  await new Promise<void>((resolve, reject) => {
    file.on("error", reject);
    file.on("end", () => resolve());
    file.on("entry", (entry: yauzl.Entry) => {
      file.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("error", reject);
        stream.on("end", () => {
          out.push({ name: entry.fileName, method: entry.compressionMethod, data: Buffer.concat(chunks) });
          file.readEntry();
        });
      });
    });
    file.readEntry();
  });
  return out;
}
