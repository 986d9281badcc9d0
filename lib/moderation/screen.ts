import { analyse, isTightGap, normaliseTerm, type NormalisedTerm } from "./normalise";

export type BannedTerm = { term: string; category: string };
export type MatchPass = "word" | "collapsed";
export type ScreenMatch = {
  term: string;
  category: string;
  /** The key of the text in a record, or its index as a string for an array. */
  field: string;
  index: number;
  /** "word": found as whole words; "collapsed": found only after undoing spacing tricks. */
  pass: MatchPass;
};
export type ScreenResult = { blocked: boolean; matches: ScreenMatch[] };

type Entry = BannedTerm & NormalisedTerm & { id: number };

/** Terms indexed for lookup; build once per banned-terms version and reuse for every row of a batch. */
export type CompiledTerms = {
  readonly kind: "compiled-terms";
  byFirstWord: Map<string, Entry[]>;
  byCollapsed: Map<string, Entry[]>;
  maxCollapsedLength: number;
};

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function compileTerms(terms: readonly BannedTerm[]): CompiledTerms {
  const compiled: CompiledTerms = {
    kind: "compiled-terms",
    byFirstWord: new Map(),
    byCollapsed: new Map(),
    maxCollapsedLength: 0,
  };
  terms.forEach((t, id) => {
    const normalised = normaliseTerm(t.term);
    // A term that normalises to nothing (only punctuation) could only ever match everything; skip it.
    if (normalised.words.length === 0) return;
    const entry: Entry = { ...t, ...normalised, id };
    push(compiled.byFirstWord, entry.words[0]!, entry);
    push(compiled.byCollapsed, entry.collapsed, entry);
    compiled.maxCollapsedLength = Math.max(compiled.maxCollapsedLength, entry.collapsed.length);
  });
  return compiled;
}

// Callers that pass the same array again (e.g. once per row) compile it only once.
const cache = new WeakMap<readonly BannedTerm[], CompiledTerms>();

function compiledFrom(terms: readonly BannedTerm[] | CompiledTerms): CompiledTerms {
  if (!Array.isArray(terms)) return terms as CompiledTerms;
  const list = terms as readonly BannedTerm[];
  let compiled = cache.get(list);
  if (!compiled) cache.set(list, (compiled = compileTerms(list)));
  return compiled;
}

function screenOne(compiled: CompiledTerms, text: string, record: (entry: Entry, pass: MatchPass) => void) {
  const { words, units } = analyse(text);
  for (let i = 0; i < words.length; i++) {
    for (const entry of compiled.byFirstWord.get(words[i]!) ?? []) {
      if (entry.words.every((w, k) => words[i + k] === w)) record(entry, "word");
    }
  }
  // Concatenate runs of units joined by tight gaps; a hit must cover two or more original tokens
  // (one token is the word pass's job) and starts and ends on unit boundaries by construction.
  for (let i = 0; i < units.length; i++) {
    let joined = "";
    let tokens = 0;
    for (let j = i; j < units.length; j++) {
      if (j > i && !isTightGap(units[j - 1]!, units[j]!)) break;
      joined += units[j]!.text;
      tokens += units[j]!.tokens;
      if (joined.length > compiled.maxCollapsedLength) break;
      if (tokens < 2) continue;
      for (const entry of compiled.byCollapsed.get(joined) ?? []) record(entry, "collapsed");
    }
  }
}

/**
 * Screens texts (rendered prompt, variable values) against banned terms. Reports each term at most
 * once per text, preferring the "word" pass; any match blocks.
 */
export function screenText(input: {
  terms: readonly BannedTerm[] | CompiledTerms;
  texts: readonly string[] | Readonly<Record<string, string>>;
}): ScreenResult {
  const compiled = compiledFrom(input.terms);
  const entries: [string, string][] = Array.isArray(input.texts)
    ? (input.texts as readonly string[]).map((t, i) => [String(i), t])
    : Object.entries(input.texts as Record<string, string>);
  const matches: ScreenMatch[] = [];
  entries.forEach(([field, text], index) => {
    const seen = new Set<number>();
    screenOne(compiled, text, (entry, pass) => {
      if (seen.has(entry.id)) return;
      seen.add(entry.id);
      matches.push({ term: entry.term, category: entry.category, field, index, pass });
    });
  });
  return { blocked: matches.length > 0, matches };
}
