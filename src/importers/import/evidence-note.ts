/**
 * Why a new designation starts later than the listing date the publisher prints (the evidence rule, DESIGN.md
 * section 11; effective-dates.ts). The note is appended to the designation's `reasons` - the only free-text
 * field the SubjectDesignated codec has - so an auditor reading the event sees why its effectiveFrom differs
 * from the file. It is the ledger's words, not the list's, so the diff ignores it when comparing an entry's
 * remarks with the ledger's (otherwise every later import would "amend" the remark back).
 */
const MARK = '[ledger, evidence rule] ';
const SEPARATOR = '\n\n';

export interface EvidenceDelay {
  /** The listing date the file prints. */
  readonly printed: string;
  /** The publication date of the earlier import of the list that lacked the entry. */
  readonly absentOn: string;
  /** The date the designation takes effect instead. */
  readonly effectiveFrom: string;
}

export function evidenceNote(list: string, delay: EvidenceDelay): string {
  return (
    `${MARK}In force from ${delay.effectiveFrom}, not from the printed listing date ${delay.printed}: the ${list} list ` +
    `published ${delay.absentOn}, imported earlier, did not contain this entry, so it was not in force on that date.`
  );
}

/** The entry's remarks followed by the note. */
export const withEvidenceNote = (remarks: string | undefined, note: string): string => (remarks === undefined || remarks === '' ? note : `${remarks}${SEPARATOR}${note}`);

/** The remarks as the list gave them, without a note the importer added. */
export function withoutEvidenceNote(reasons: unknown): unknown {
  if (typeof reasons !== 'string') return reasons;
  const at = reasons.startsWith(MARK) ? 0 : reasons.indexOf(`${SEPARATOR}${MARK}`);
  return at < 0 ? reasons : reasons.slice(0, at);
}
