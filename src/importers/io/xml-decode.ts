/**
 * Turns the bytes of an XML file into text for saxes (which only accepts strings), honouring the byte-order
 * mark or the encoding declared in the XML declaration. UTF-8 is decoded strictly: a file that claims UTF-8
 * but holds other bytes is refused rather than silently filled with U+FFFD.
 */
import iconv from 'iconv-lite';
import { ListParseError, quote } from '../errors';

interface TextDecoderLike {
  write(chunk: Buffer): string;
  end(): string;
}

const SNIFF_BYTES = 1024;

export class XmlDecoder {
  private decoder: TextDecoderLike | undefined;
  private head: Buffer[] = [];
  /** Line on which the text decoded so far ends; places decoding errors. */
  private lines = 1;

  constructor(private readonly file: string) {}

  write(chunk: Buffer): string {
    if (this.decoder === undefined) {
      // Hold bytes back until the XML declaration is complete (or cannot be), then pick the decoder.
      this.head.push(chunk);
      const head = Buffer.concat(this.head);
      if (!declarationSettled(head)) {
        this.head = [head];
        return '';
      }
      this.head = [];
      this.decoder = this.open(head);
      return this.count(this.decode(() => this.decoder!.write(head), head));
    }
    return this.count(this.decode(() => this.decoder!.write(chunk), chunk));
  }

  end(): string {
    if (this.decoder === undefined) {
      const head = Buffer.concat(this.head);
      this.head = [];
      this.decoder = this.open(head);
      return this.count(this.decode(() => this.decoder!.write(head) + this.decoder!.end(), head));
    }
    return this.count(this.decode(() => this.decoder!.end()));
  }

  private count(text: string): string {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lines++;
    return text;
  }

  private decode(run: () => string, chunk?: Buffer): string {
    try {
      return run();
    } catch (cause) {
      throw new ListParseError({
        file: this.file,
        line: this.lines + (chunk === undefined ? 0 : linesBeforeBadByte(chunk)),
        problem: 'bytes are not valid in the declared encoding (file is not what its XML declaration says)',
        cause,
      });
    }
  }

  private open(head: Buffer): TextDecoderLike {
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return utf8();
    if (head[0] === 0xff && head[1] === 0xfe) return iconvDecoder('utf-16le');
    if (head[0] === 0xfe && head[1] === 0xff) return iconvDecoder('utf-16be');
    const declaration = /^<\?xml\s[^>]*?encoding\s*=\s*(["'])([^"']*)\1/.exec(head.subarray(0, SNIFF_BYTES).toString('latin1'));
    const label = declaration?.[2]?.trim().toLowerCase();
    if (label === undefined || label === 'utf-8' || label === 'utf8') return utf8();
    // ASCII is a subset of UTF-8; decoding it strictly as UTF-8 still refuses stray invalid bytes.
    if (label === 'us-ascii' || label === 'ascii') return utf8();
    if (!iconv.encodingExists(label)) {
      throw new ListParseError({ file: this.file, line: 1, problem: `XML declaration names unknown encoding ${quote(label)}` });
    }
    return iconvDecoder(label);
  }
}

/** Line feeds in the chunk before its first undecodable UTF-8 sequence (to place the error on its line). */
function linesBeforeBadByte(chunk: Buffer): number {
  const lenient = new TextDecoder('utf-8').decode(chunk);
  const bad = lenient.indexOf('\uFFFD');
  return (lenient.slice(0, bad < 0 ? lenient.length : bad).match(/\n/g) ?? []).length;
}

/** True once the head holds the whole XML declaration, or enough to know there is none. */
function declarationSettled(head: Buffer): boolean {
  if (head.length >= SNIFF_BYTES) return true;
  if (head.length < 5) return false;
  if (head[0] === 0xef || head[0] === 0xff || head[0] === 0xfe) return true; // byte-order mark decides
  if (head.subarray(0, 5).toString('latin1') !== '<?xml') return true;
  return head.includes('?>');
}

function utf8(): TextDecoderLike {
  const d = new TextDecoder('utf-8', { fatal: true });
  return {
    write: (chunk) => d.decode(chunk, { stream: true }),
    end: () => d.decode(),
  };
}

function iconvDecoder(label: string): TextDecoderLike {
  const d = iconv.getDecoder(label);
  return { write: (chunk) => d.write(chunk), end: () => d.end() ?? '' };
}
