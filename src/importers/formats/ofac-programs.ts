/**
 * OFAC program tag -> regime, legal basis and measures.
 *
 * Regime: 'US:' + the program tag as OFAC writes it, normalised to the codec's alphabet
 * ('SDGT' -> 'US:SDGT', 'UKRAINE-EO13662' -> 'US:UKRAINE-EO13662', 'CAATSA - RUSSIA' -> 'US:CAATSA-RUSSIA').
 * Legal basis: 'OFAC-' + the same code (the program tag names the executive order/statute bundle).
 * Measures:
 * - SDN list: every entry is blocked -> 'asset-freeze', whatever the program.
 * - Non-SDN consolidated list: the measure depends on the sub-list the program belongs to:
 *     SSI (UKRAINE-EO13662, RUSSIA-EO14024 directives)        -> 'sectoral-restriction'
 *     FSE-* (Foreign Sanctions Evaders: dealings prohibited)   -> 'trade-restriction'
 *     NS-PLC, 561List/561-Related (CAPTA: correspondent/payable-through accounts), CMIC
 *                                                               -> 'financial-restriction'
 *     IRAN (E.O. 13599 list: "must continue to block")         -> 'asset-freeze'
 *     anything else (NS-ISA/MBS menu-based sanctions...)       -> 'other'
 */
import type { Measure, Regime } from '../../../events/primitives';
import type { ListId } from '../listing';
import { regimeCode } from '../normalize/listing-builder';

export function ofacRegime(program: string): Regime {
  return regimeCode('US', program);
}

export function ofacLegalBasis(program: string): string {
  return `OFAC-${ofacRegime(program).slice(3)}`;
}

/**
 * Measures of an entry with these programs. On the consolidated list a sub-list program (FSE-SY) often comes
 * with its country program (SYRIA); the country tag adds no measure of its own, so 'other' is only kept when
 * no program says anything more specific.
 */
export function ofacMeasures(list: Extract<ListId, 'OFAC-SDN' | 'OFAC-CONS'>, programs: readonly string[]): Measure[] {
  const measures = new Set(programs.map((p) => ofacMeasure(list, p)));
  if (measures.size > 1) measures.delete('other');
  return [...measures];
}

export function ofacMeasure(list: Extract<ListId, 'OFAC-SDN' | 'OFAC-CONS'>, program: string): Measure {
  if (list === 'OFAC-SDN') return 'asset-freeze';
  const code = ofacRegime(program).slice(3);
  if (code === 'UKRAINE-EO13662' || code === 'RUSSIA-EO14024' || code === 'SSI') return 'sectoral-restriction';
  if (code.startsWith('FSE-') || code === 'FSE') return 'trade-restriction';
  if (code === 'NS-PLC' || code.startsWith('561') || code.includes('CMIC')) return 'financial-restriction';
  if (code === 'IRAN') return 'asset-freeze';
  return 'other';
}

/** Program tags of one entry; the CSV joins several as `SDGT] [IRGC`. */
export function splitPrograms(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(/\]\s*\[/)
    .map((p) => p.replace(/[[\]]/g, '').trim())
    .filter((p) => p !== '');
}
