/**
 * A small CSV reader for fleet manifests (RFC 4180: comma separated, fields optionally in double
 * quotes, `""` a quote inside quotes, a quoted field may span lines; CRLF or LF). Each record keeps
 * the line it starts on, so every problem in a manifest can name its line. A record whose first
 * character is `#` is a comment, and blank lines are skipped, as spreadsheets export neither.
 */

/** One record of a CSV file: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A syntax problem of the CSV text (an unclosed quote, text after a closing quote). */
export interface CsvSyntaxError {
  line: number;
  code: 'FLEET_CSV_UNCLOSED_QUOTE' | 'FLEET_CSV_TEXT_AFTER_QUOTE' | 'FLEET_CSV_STRAY_QUOTE';
  message: string;
}

/** Reads `text` into records; syntax problems are returned beside them (a bad record is dropped). */
export function readCsv(text: string): { records: CsvRecord[]; errors: CsvSyntaxError[] } {
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxError[] = [];
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text; // spreadsheets write a BOM
  let i = 0;
  let line = 1;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let bad: Pick<CsvSyntaxError, 'code' | 'message'> | null = null;
    let quotedField = false;
    // one record: fields until an unquoted line break or the end
    for (;;) {
      if (i >= s.length) {
        fields.push(field);
        break;
      }
      const c = s[i];
      if (c === '"' && field === '' && !quotedField) {
        quotedField = true;
        i++;
        let closed = false;
        while (i < s.length) {
          if (s[i] === '"') {
            if (s[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (s[i] === '\n') line++;
          field += s[i++];
        }
        if (!closed) {
          bad ??= { code: 'FLEET_CSV_UNCLOSED_QUOTE', message: `a quoted field opened on line ${start} is never closed` };
          fields.push(field);
          break;
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          bad ??= { code: 'FLEET_CSV_TEXT_AFTER_QUOTE', message: 'text after a closing quote (write a quote inside quotes as "")' };
          while (i < s.length && s[i] !== ',' && s[i] !== '\n') field += s[i++];
        }
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        quotedField = false;
        i++;
        continue;
      }
      if (c === '\r' && s[i + 1] === '\n') {
        i++;
        continue;
      }
      if (c === '\n') {
        fields.push(field);
        i++;
        line++;
        break;
      }
      if (c === '"') {
        bad ??= {
          code: 'FLEET_CSV_STRAY_QUOTE',
          message: 'a quote inside an unquoted field (quote the whole field and write the quote as "")',
        };
      }
      field += c;
      i++;
    }
    if (bad) {
      errors.push({ line: start, ...bad });
      continue;
    }
    const blank = fields.every((f) => f.trim() === '');
    if (blank || fields[0]!.trimStart().startsWith('#')) continue;
    records.push({ line: start, fields });
  }
  return { records, errors };
}
