/**
 * Which date each imported change takes effect on (documented in ../README.md, "Effective dates").
 *
 * A list file is evidence of the state on its publication date, so nothing it implies may take effect LATER
 * than that date (the state asOf the publication date must then match the file). Earlier is fine when the file
 * itself says so: a listing date, or an update date the ledger had not seen in an earlier file.
 */
import type { Listing } from '../listing';

export interface DateContext {
  /** The snapshot's publication date. */
  readonly publishedOn: string;
  /** The publication date of the latest earlier import of the same list, if any (looked up when first needed). */
  readonly previousPublishedOn: () => string | undefined;
}

const max = (a: string, b: string | undefined): string => (b !== undefined && b > a ? b : a);
const min = (a: string, b: string) => (b < a ? b : a);

/**
 * A new entry: the list's own listing date (UN LISTED_ON, EU designation/entry-into-force date, UK date
 * designated), else the publication date (OFAC gives none); never after the publication date.
 */
export function listingDate(listing: Listing, ctx: DateContext): string {
  return min(listing.listedOn ?? ctx.publishedOn, ctx.publishedOn);
}

/**
 * A change to an entry the ledger already holds (amendment, or a regime added): the publication date, unless the
 * entry's latest update date is after the previous import's publication date (then the change is dated when the
 * publisher says it happened, which the previous file could not show). An update date on or before the previous
 * file's date is old news already reflected in that file, so it cannot date a change seen only now.
 */
export function changeDate(listing: Listing, ctx: DateContext): string {
  const updated = listing.lastUpdated?.reduce<string | undefined>((latest, d) => max(d, latest), undefined);
  if (updated === undefined) return ctx.publishedOn;
  const previous = ctx.previousPublishedOn();
  if (previous === undefined || updated <= previous) return ctx.publishedOn;
  return min(updated, ctx.publishedOn);
}

const dayAfter = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** A start date moved later by the evidence rule: `absentOn` is the earlier file that lacked the designation. */
export interface EvidenceDated {
  readonly effectiveFrom: string;
  readonly absentOn?: string;
}

/**
 * The evidence rule (DESIGN.md section 11): a file is evidence of the whole list on its publication date, so a
 * designation the previous import of the list did not show (`heldOnPrevious` false: a new entry, an entry back
 * after a delisting, a regime added) cannot have been in force on that date, whatever listing date the publisher
 * prints now (lists are re-issued with ORIGINAL listing dates: the UN's Iran entries, terminated in 2016 and
 * reinstated in September 2025, carry 2006-2010). It starts no earlier than the day after that import; a later
 * printed date stands. The first import of a list has no earlier evidence: the printed date stands. Never after
 * the file's own date (a second file of the same date wins over the first for that date).
 */
export function evidenceDate(date: string, ctx: DateContext, heldOnPrevious: (previous: string) => boolean): EvidenceDated {
  const previous = ctx.previousPublishedOn();
  if (previous === undefined || date > previous || heldOnPrevious(previous)) return { effectiveFrom: date };
  return { effectiveFrom: min(dayAfter(previous), ctx.publishedOn), absentOn: previous };
}

/**
 * A relisting: the subject's designation under this regime ended on `lastEnd` (the publication date of the file
 * where it went missing, for an imported delisting). A date from the file on or after that end stands (a new
 * listing date); an earlier one is the ORIGINAL listing date, which the publisher keeps: the relisting then
 * happened some time after the end, and the first file showing the entry again dates it, its publication date.
 * That keeps the gap in force the earlier file showed, and never overlaps the ended designation.
 */
export function relistingDate(date: string, lastEnd: string | undefined, ctx: DateContext): string {
  return lastEnd === undefined || date >= lastEnd ? date : ctx.publishedOn;
}

/** An amendment: the change date, but never before its designation took effect (it must be in force then). */
export function amendmentDate(listing: Listing, designationFrom: string, ctx: DateContext): string {
  return max(changeDate(listing, ctx), designationFrom);
}

/** An entry (or one of its regimes) absent from the file ends on the publication date of that first file. */
export const delistingDate = (ctx: DateContext) => ctx.publishedOn;
