/**
 * A list cannot be published after it is imported: a file dated in the future (a typo in `--published-on`, one
 * digit changed in `dateGenerated`) would record changes effective then, and lock the list, since every real
 * file is older and refused as such. Pure: the caller passes the import's instant.
 *
 * Tolerance: ONE calendar day after the import's UTC date. Publishers date files in their own time zone, and
 * local dates run at most one day ahead of UTC (UTC+14, Kiribati, is 14 hours ahead): a file dated "tomorrow"
 * in UTC can be genuine, one dated two days ahead cannot.
 */
import { ListParseError } from '../errors';
import type { ListSnapshot } from '../listing';

/** Days a publication date may be after the import's UTC date (see above). */
export const PUBLICATION_DATE_TOLERANCE_DAYS = 1;

/** The latest publication date an import at `now` accepts (YYYY-MM-DD). */
export function latestAcceptedPublicationDate(now: Date): string {
  return new Date(now.getTime() + PUBLICATION_DATE_TOLERANCE_DAYS * 86_400_000).toISOString().slice(0, 10);
}

/** Throws a ListParseError naming the file and the date when the snapshot is dated after `now` + tolerance. */
export function checkPublicationDate(snapshot: Pick<ListSnapshot, 'list' | 'publishedOn' | 'files'>, now: Date): void {
  const latest = latestAcceptedPublicationDate(now);
  if (snapshot.publishedOn <= latest) return;
  throw new ListParseError({
    file: snapshot.files[0]?.name ?? snapshot.list,
    line: 0,
    problem:
      `publication date ${snapshot.publishedOn} is in the future (this import runs on ${now.toISOString().slice(0, 10)} UTC; ` +
      `at most ${PUBLICATION_DATE_TOLERANCE_DAYS} day ahead is accepted, i.e. up to ${latest}): check the file's date or --published-on; nothing appended`,
  });
}
