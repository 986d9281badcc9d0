import Papa from "papaparse";
import { AppError } from "@/lib/errors";

/** Documented upload caps: a batch CSV is at most 5 MB and 10,000 data rows. */
export const CSV_LIMITS = { maxBytes: 5 * 1024 * 1024, maxRows: 10_000 } as const;
export const CSV_DELIMITERS = [",", ";", "\t", "|"] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export type CsvRow = {
  /** 1-based physical line where the row starts in the file (quoted fields may span several lines). */
  line: number;
  values: Record<string, string>;
  /** Structural problems (extra fields, stray quotes); validation reports them as row errors. */
  errors?: string[];
};
export type ParsedCsv = {
  headers: string[];
  rows: CsvRow[];
  delimiter: CsvDelimiter;
  encoding: "utf-8" | "windows-1252";
};
export type ParseCsvOptions = { maxBytes?: number; maxRows?: number };

const formatMb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "")} MB`;

function tooLarge(detail: string, maxBytes: number, maxRows: number): AppError {
  return new AppError(
    "payload_too_large",
    `${detail} A batch CSV may be at most ${formatMb(maxBytes)} and ${maxRows.toLocaleString("en-US")} rows; split it into several batches.`,
  );
}

function decode(input: string | Uint8Array): { text: string; encoding: ParsedCsv["encoding"] } {
  if (typeof input === "string") return { text: input.replace(/^\uFEFF/, ""), encoding: "utf-8" };
  try {
    // TextDecoder drops a UTF-8 BOM by default.
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(input), encoding: "utf-8" };
  } catch {
    // Excel's plain "CSV" export on Windows is Windows-1252; decoding it is kinder than refusing it.
    return { text: new TextDecoder("windows-1252").decode(input), encoding: "windows-1252" };
  }
}

/**
 * Picks the delimiter whose header has more than one column and whose next rows agree with it most
 * often (ties: more columns, then the order of CSV_DELIMITERS). papaparse's own guess is thrown off by
 * blank lines, so we score candidates ourselves on the first rows.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const sample = text.slice(0, 64 * 1024);
  const truncated = sample.length < text.length;
  let best: { delimiter: CsvDelimiter; agreement: number; columns: number } = {
    delimiter: ",",
    agreement: -1,
    columns: 1,
  };
  for (const delimiter of CSV_DELIMITERS) {
    const rows = Papa.parse<string[]>(sample, { delimiter, preview: 20, skipEmptyLines: "greedy" }).data;
    const columns = rows[0]?.length ?? 0;
    if (columns < 2) continue;
    const body = rows.slice(1, truncated && rows.length > 2 ? -1 : undefined);
    const agreement = body.length === 0 ? 1 : body.filter((r) => r.length === columns).length / body.length;
    if (agreement > best.agreement || (agreement === best.agreement && columns > best.columns))
      best = { delimiter, agreement, columns };
  }
  return best.delimiter;
}

/** Counts physical lines incrementally; offsets only move forward, so a whole file costs O(size). */
function lineCounter(text: string) {
  let offset = 0;
  let line = 1;
  return (to: number) => {
    for (let at = text.indexOf("\n", offset); at !== -1 && at < to; at = text.indexOf("\n", at + 1)) line++;
    offset = Math.max(offset, to);
    return line;
  };
}

function checkHeaders(fields: string[], line: number): string[] {
  const headers = fields.map((h) => h.trim());
  // Spreadsheet exports often end rows with empty cells; empty headers at the end are not columns.
  while (headers.length > 0 && headers[headers.length - 1] === "") headers.pop();
  if (headers.length === 0)
    throw new AppError("invalid_input", "The first line must be a header row naming the columns.");
  const seen = new Map<string, number>();
  headers.forEach((header, i) => {
    if (header === "")
      throw new AppError(
        "invalid_input",
        `Line ${line}: column ${i + 1} has an empty header. Give every column a name.`,
      );
    const first = seen.get(header.toLowerCase());
    if (first !== undefined)
      throw new AppError(
        "invalid_input",
        `Line ${line}: the header "${header}" appears twice (columns ${first + 1} and ${i + 1}). Column names must be unique.`,
      );
    seen.set(header.toLowerCase(), i);
  });
  return headers;
}

/** Parses an uploaded batch CSV (header row required). Throws AppError payload_too_large or invalid_input. */
export function parseCsv(input: string | Uint8Array, options: ParseCsvOptions = {}): ParsedCsv {
  const maxBytes = options.maxBytes ?? CSV_LIMITS.maxBytes;
  const maxRows = options.maxRows ?? CSV_LIMITS.maxRows;
  const bytes = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (bytes > maxBytes) throw tooLarge(`The file is ${formatMb(bytes)}.`, maxBytes, maxRows);

  const decoded = decode(input);
  // One line ending for the whole file: exports mix CRLF records with LF inside cells (Excel) or
  // switch part-way through (concatenated files); each CRLF, CR or LF is still one physical line.
  const text = decoded.text.replace(/\r\n?/g, "\n");
  const encoding = decoded.encoding;
  if (text.trim() === "")
    throw new AppError("invalid_input", "The file is empty. Upload a CSV with a header row and one row per item.");
  const delimiter = detectDelimiter(text);
  const lineAt = lineCounter(text);

  let headers: string[] | undefined;
  const rows: CsvRow[] = [];
  let cursor = 0;
  let failure: AppError | undefined;
  Papa.parse<string[]>(text, {
    delimiter,
    newline: "\n",
    step(result, parser) {
      const line = lineAt(cursor);
      cursor = result.meta.cursor;
      const fields = result.data;
      if (result.errors.some((e) => e.code === "MissingQuotes")) {
        failure = new AppError(
          "invalid_input",
          `Line ${line}: a quoted field is never closed, so the rest of the file would be swallowed. Check for a stray " character.`,
        );
        return parser.abort();
      }
      // Blank lines (or rows of empty cells) carry no item; skipping them loses nothing.
      if (fields.every((f) => f.trim() === "")) return;
      if (!headers) {
        try {
          headers = checkHeaders(fields, line);
        } catch (error) {
          failure = error as AppError;
          parser.abort();
        }
        return;
      }
      if (rows.length === maxRows) {
        failure = tooLarge(`The file has more than ${maxRows.toLocaleString("en-US")} rows.`, maxBytes, maxRows);
        return parser.abort();
      }
      const errors: string[] = [];
      const extra = fields.slice(headers.length).filter((f) => f.trim() !== "");
      if (extra.length > 0)
        errors.push(
          `This row has ${fields.length} fields but the header has ${headers.length} columns (a missing quote or delimiter?).`,
        );
      if (result.errors.length > 0) errors.push(`Malformed quotes: ${result.errors.map((e) => e.message).join("; ")}.`);
      const values = Object.fromEntries(headers.map((h, i) => [h, fields[i] ?? ""]));
      rows.push(errors.length ? { line, values, errors } : { line, values });
    },
  });
  if (failure) throw failure;
  if (!headers) throw new AppError("invalid_input", "The first line must be a header row naming the columns.");
  return { headers, rows, delimiter, encoding };
}
