/**
 * Which characters the text fields that become grouping keys and table columns may hold
 * (`region` of orders, the ticker symbols of the trade and quote jobs).
 *
 * The sinks bind every value as a statement parameter, so no text can change a statement; these
 * rules are about what a label is. Quotes, semicolons, `=`, `*`, brackets, backslashes, control and
 * format characters (NUL, the bidi overrides, zero-width joiners) and lone surrogates never occur
 * in a region or a ticker: a record holding them comes from a broken or hostile producer, and
 * aggregating it would create a junk row that every reader of the table — reports, CSV exports,
 * SQL built by hand downstream — then has to survive. Such records are dead letters naming the
 * first offending character.
 */
export interface LabelRule {
  /** One allowed character (the `u` flag: one code point). */
  readonly char: RegExp;
  /** The whole text made of allowed characters (the fast path for valid records). */
  readonly whole: RegExp;
  /** The allowed characters, as the dead letter's detail lists them. */
  readonly allowed: string;
  /** Whether a leading or trailing space is refused (it would make " TW" a group apart from "TW"). */
  readonly trimmed: boolean;
}

/**
 * Region: Unicode letters and combining marks (names in any script, "São Paulo"), decimal digits,
 * space and `- _ . /` ("US-CA", "APAC/SEA"); no space at either end. Names with an apostrophe
 * ("Côte d'Ivoire") go by their code ("CI").
 */
export const REGION_RULE: LabelRule = {
  char: /^[\p{L}\p{M}\p{Nd} ._/-]$/u,
  whole: /^[\p{L}\p{M}\p{Nd} ._/-]+$/u,
  allowed: "letters, digits, space, '-', '_', '.', '/'",
  trimmed: true,
};

/**
 * Ticker symbol: ASCII letters and digits and `. - _ / : ^ =`, which cover the forms exchanges and
 * data vendors use: "BRK.B", "BF-B", "RDS_A", "BTC/USD", "NASDAQ:AAPL", "^GSPC", "EURUSD=X".
 */
export const SYMBOL_RULE: LabelRule = {
  char: /^[A-Za-z0-9._/:^=-]$/u,
  whole: /^[A-Za-z0-9._/:^=-]+$/u,
  allowed: "ASCII letters, digits, '.', '-', '_', '/', ':', '^', '='",
  trimmed: true,
};

/** Why `text` (of field `field`) breaks `rule`, naming the first offending character; or undefined. */
export function labelError(field: string, text: string, rule: LabelRule): string | undefined {
  if (!rule.whole.test(text)) {
    let position = 0;
    for (const ch of text) {
      position++;
      if (!rule.char.test(ch))
        return `${field} contains ${showChar(ch)} at character ${position}; allowed: ${rule.allowed}`;
    }
  }
  if (rule.trimmed && (text.startsWith(' ') || text.endsWith(' '))) return `${field} starts or ends with a space`;
  return undefined;
}

/** `';' (U+003B)` for a visible character, `U+0000` for one that is not (control, format, surrogate, unassigned). */
export function showChar(ch: string): string {
  const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]$/u.test(ch) ? `'${ch}' (${code})` : code;
}
