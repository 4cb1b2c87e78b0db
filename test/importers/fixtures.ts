/**
 * Shared helpers for the importer tests: where the real list files are (read-only, outside the project),
 * a parse cache so each real file is parsed once per test file, and a temp dir for generated hostile inputs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSnapshot } from '../../src/importers/parse';
import type { Format, ListSnapshot, ParseOptions } from '../../src/importers/listing';

export const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/lists');

export const data = (...parts: string[]): string => join(DATA, ...parts);

export const OFAC_2019 = ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'].map((f) => data('ofac/2019-01_watchman', f));
export const OFAC_2025 = ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'].map((f) => data('ofac/excerpt_2025-05_watchman-ofactest', f));
export const OFAC_CONS = ['cons_prim.csv', 'cons_add.csv', 'cons_alt.csv', 'cons_comments.csv'].map((f) => data('ofac-consolidated/2018-05_perchrh', f));

const cache = new Map<string, Promise<ListSnapshot>>();

/** Parses once per (format, files) within a test file; tests must not mutate the result. */
export function parsed(format: Format, files: string[], options?: ParseOptions): Promise<ListSnapshot> {
  const key = JSON.stringify([format, files, options?.publishedOn]);
  let p = cache.get(key);
  if (p === undefined) {
    p = parseSnapshot(format, files, options);
    cache.set(key, p);
  }
  return p;
}

export function byRef(snapshot: ListSnapshot, ref: string) {
  const e = snapshot.entries.find((x) => x.authorityReference === ref);
  if (e === undefined) throw new Error(`${ref} not in ${snapshot.list} ${snapshot.publishedOn}`);
  return e;
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

let tmp: string | undefined;
/** Writes a generated input into a per-run temp dir (name may hold sub-dirs) and returns its path. */
export function tmpFile(name: string, content: string | Buffer): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'importers-test-'));
  const path = join(tmp, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** Removes the temp dir made by tmpFile (call from afterAll). */
export function cleanupTmp(): void {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

/**
 * The "billion laughs" DOCTYPE for a root element: ten levels of entities, each ten of the one below, so that
 * one reference to lol9 would expand to 10^9 "lol"s. A parser that expanded it would not come back.
 */
export function billionLaughsDoctype(root: string): string {
  const levels = Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`);
  return [`<!DOCTYPE ${root} [`, ' <!ENTITY lol "lol">', ...levels, ']>'].join('\n');
}

/** A UN document whose DOCTYPE is the billion laughs and whose first name references lol9 (line 13). */
export const BILLION_LAUGHS_UN = [
  '<?xml version="1.0"?>',
  billionLaughsDoctype('lolz'),
  '<CONSOLIDATED_LIST dateGenerated="2017-06-30"><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol9;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>',
].join('\n');
