import Papa from "papaparse";

/**
 * CSV meant to be opened in a spreadsheet. Every cell goes through neutraliseCell, so text a user
 * controls (an email, a subject id, a prompt) cannot become a formula in Excel, LibreOffice or
 * Google Sheets (OWASP "CSV Injection"). Every text cell is quoted, so a separator inside it
 * cannot start a new cell even where the spreadsheet's list separator is ";" instead of ",".
 */
export type CsvCell = string | number | boolean | null | undefined | Date;
export type CsvOptions = {
  /** Prefix a UTF-8 byte order mark, so Excel reads the file as UTF-8 rather than the local code page. */
  bom?: boolean;
};

export const CSV_BOM = "\uFEFF";
export const CSV_NEWLINE = "\r\n";

/** The first characters a spreadsheet may read as the start of a formula (OWASP list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * What a cell becomes in the file: text starting with = + - @ tab or carriage return gets a leading
 * single quote, which spreadsheets show as text. Numbers and booleans are values, not text, and stay
 * as they are (-1 is a number; the string "-1+2" is escaped). Dates become ISO 8601 strings; null
 * and undefined become empty cells.
 */
export function neutraliseCell(value: CsvCell): string | number | boolean {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Rows (no header, no BOM), each ending with CRLF, so pieces made separately concatenate into one
 * file: a header from toCsv(header, []) followed by csvLines(page) for each page.
 */
export function csvLines(rows: readonly (readonly CsvCell[])[]): string {
  if (rows.length === 0) return "";
  const cells = rows.map((row) => row.map(neutraliseCell));
  const body = Papa.unparse(cells, {
    newline: CSV_NEWLINE,
    quotes: (value: unknown) => typeof value === "string",
    escapeFormulae: false, // neutraliseCell already did it, once
    header: false,
  });
  return `${body}${CSV_NEWLINE}`;
}

/** A whole CSV file: the header line, then the rows, each line ending with CRLF. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly CsvCell[])[],
  options: CsvOptions = {},
): string {
  rows.forEach((row, i) => {
    if (row.length !== header.length)
      throw new Error(`CSV row ${i + 1} has ${row.length} cells; the header has ${header.length}.`);
  });
  return `${options.bom ? CSV_BOM : ""}${csvLines([header, ...rows])}`;
}
