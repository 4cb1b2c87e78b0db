/**
 * Streams a CSV list file: bytes -> text in the publisher's single-byte encoding -> rows with line numbers.
 * Rows are validated by the caller (column counts differ per file).
 */
import iconv from 'iconv-lite';
import { ListParseError } from '../errors';
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer';
import type { SourceFile } from './source';

export interface CsvRow {
  fields: string[];
  /** Line on which the row starts (1-based). */
  line: number;
}

export interface CsvStreamOptions {
  /** Byte encoding of the file, e.g. 'windows-1252'. */
  encoding: string;
  onRow(row: CsvRow): void;
}

export async function streamCsv(source: SourceFile, options: CsvStreamOptions): Promise<void> {
  const decoder = iconv.getDecoder(options.encoding);
  const tokenizer = new CsvTokenizer((fields, line) => options.onRow({ fields, line }));
  try {
    for await (const chunk of source.chunks()) tokenizer.write(decoder.write(chunk));
    const tail = decoder.end();
    if (tail) tokenizer.write(tail);
    tokenizer.end();
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      throw new ListParseError({ file: source.name, line: err.line, problem: `invalid CSV: ${err.message}`, cause: err });
    }
    throw err;
  }
}
