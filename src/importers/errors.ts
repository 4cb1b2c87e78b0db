/**
 * The single error type every importer throws for bad input, so a caller can tell "this file is unusable"
 * (report it, keep the previous snapshot) from a programming error (crash loudly).
 */
import { basename } from 'node:path';

export interface ListParseErrorDetails {
  /** Path or name of the offending file; only its base name is kept (messages must not leak local paths). */
  file: string;
  /** 1-based line of the problem; 0 when the problem concerns the whole file (e.g. a missing option). */
  line: number;
  /** Authority reference (e.g. 'QDi.168') or row number of the record, when the problem is inside one. */
  record?: string;
  /** The problem, e.g. 'INDIVIDUAL QDi.168 LISTED_ON "2001-02-30" is not a real date'. */
  problem: string;
  cause?: unknown;
}

export class ListParseError extends Error {
  readonly file: string;
  readonly line: number;
  readonly record: string | undefined;

  constructor(details: ListParseErrorDetails) {
    const file = basename(details.file);
    // One line, whatever the input held: values quoted from a hostile file must not forge log lines, nor reach
    // a terminal as escape sequences (ESC[2J...): other control characters are shown escaped.
    const problem = details.problem
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    super(details.line > 0 ? `${file} line ${details.line}: ${problem}` : `${file}: ${problem}`, { cause: details.cause });
    this.name = 'ListParseError';
    this.file = file;
    this.line = details.line;
    this.record = details.record;
  }
}

/** Quotes a value from the file for an error message: short, one line, visibly delimited. */
export function quote(value: string, max = 60): string {
  const flat = value.replace(/\s+/g, ' ');
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}
