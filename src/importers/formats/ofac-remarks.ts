/**
 * Reads the identity facts OFAC encodes in the free-text Remarks of its legacy CSV
 * ("DOB 12 Mar 1964; POB Baghdad, Iraq; nationality Iraq; Passport A123 (Iraq) issued 01 Jan 2000; a.k.a. 'X'").
 * The remark text itself is kept verbatim in the listing, so anything not understood here is still recorded;
 * this pass only lifts out what screening needs as structured data.
 */
import { parseLooseDate, parseLooseRange } from '../normalize/dates';
import type { IdentityBuilder } from '../normalize/identity-builder';
import { clean } from '../normalize/text';

/** Labels OFAC puts before an identifying number (taken from the published files), longest first when matching. */
const ID_TYPES = [
  'Passport', 'Diplomatic Passport', 'Passport Booklet', 'British National Overseas Passport', 'Stateless Person Passport',
  'National ID No.', 'Cedula No.', 'NIT #', 'RUC #', 'D.N.I.', 'Tax ID No.', 'Registration ID', 'Registration Number',
  'Company Number', 'UK Company Number', 'Identification Number', 'SSN', "Driver's License No.", 'Folio Mercantil No.',
  'Matricula Mercantil No', 'Business Registration Document #', 'Business Registration Number', 'Business Number',
  'Commercial Registry Number', 'RIF #', 'Government Gazette Number', 'Public Registration Number', 'Trade License No.',
  'C.U.R.P. #', 'C.U.R.P.', 'R.F.C. #', 'R.F.C.', 'RFC', 'Electoral Registry No.', 'Credencial electoral',
  'Personal ID Card', 'Legal Entity Number', 'LE Number', 'D-U-N-S Number', 'SWIFT/BIC', 'V.A.T. Number',
  'Italian Fiscal Code', 'Fiscal Code', 'C.R. No.', 'Cartilla de Servicio Militar Nacional', 'US FEIN', 'BIK (RU)', 'RTN',
  'National Foreign ID Number', 'I.F.E.', 'Registered Charity No.', 'Chinese Commercial Code', 'Birth Certificate Number',
  'Chamber of Commerce Number', 'Certificate of Incorporation Number', 'C.U.I.P.', 'C.U.I.T.', 'C.I.F.', 'N.I.E.',
  'Numero de Identidad', 'Travel Document Number', 'Residency Number', "Citizen's Card Number", 'Kenyan ID No.',
  'Tazkira National ID Card', 'Refugee ID Card', 'Stateless Person ID Card', 'Immigration No.', 'Pilot License Number',
  'Enterprise Number', 'Afghan Money Service Provider License Number', 'Turkish Identificiation Number',
  'Bosnian Personal ID No.', 'Moroccan Personal ID No.', 'Numero Unico de Identificacao Tributaria (NUIT)',
  'Vessel Registration Identification', 'MMSI', 'Former Vessel Flag', 'Vessel Year of Build', 'Other Vessel Flag',
  'Other Vessel Call Sign', 'Other Vessel Type', 'Vessel Type',
  "Aircraft Manufacturer's Serial Number (MSN)", 'Aircraft Construction Number (also called L/N or S/N or F/N)',
  'Aircraft Mode S Transponder Code', 'Aircraft Tail Number', 'Previous Aircraft Tail Number', 'Aircraft Model',
  'Aircraft Manufacture Date', 'Aircraft Operator',
  'Email Address', 'Website', 'Telephone', 'Telephone No.', 'Phone Number', 'Phone No.', 'Fax', 'Fax No.',
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ID_PATTERN = new RegExp(
  `^(${[...ID_TYPES].sort((a, b) => b.length - a.length).map(escape).join('|')}|Digital Currency Address - [A-Z0-9]+):?\\s+(.+)$`,
  'i',
);
const CANONICAL_TYPE = new Map(ID_TYPES.map((t) => [t.toLowerCase(), t]));

/** Splits remarks at ';' outside parentheses: "Passport 1 (Egypt); DOB 1960" -> two facts. */
export function remarkSegments(remarks: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < remarks.length; i++) {
    const c = remarks[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) {
      out.push(remarks.slice(start, i));
      start = i + 1;
    }
  }
  out.push(remarks.slice(start));
  return out
    .map((s) => clean(s.replace(/^\s*alt\.\s+/i, '').replace(/\.\s*$/, '')))
    .filter((s): s is string => s !== undefined);
}

export function applyRemarks(remarks: string | undefined, id: IdentityBuilder): void {
  if (remarks === undefined) return;
  for (const seg of remarkSegments(remarks)) {
    let m: RegExpExecArray | null;
    if ((m = /^DOB\s+(.+)$/.exec(seg))) {
      const one = parseLooseDate(m[1]);
      (one !== undefined ? [one] : (parseLooseRange(m[1]!) ?? [])).forEach((d) => id.addBirthDate(d));
    } else if ((m = /^POB\s+(.+)$/.exec(seg))) {
      id.addBirthPlace(m[1]);
    } else if ((m = /^(?:nationality|citizen)\s+(.+)$/i.exec(seg))) {
      id.addNationality(m[1]);
    } else if ((m = /^Gender\s+(.+)$/.exec(seg))) {
      id.setGender(m[1]);
    } else if ((m = /^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.+)'$/.exec(seg))) {
      // Remarks carry OFAC's WEAK aliases (strong ones are in alt.csv).
      id.addName(m[2], m[1] === 'f.k.a.' ? 'former-name' : 'weak-alias');
    } else if ((m = ID_PATTERN.exec(seg))) {
      const type = CANONICAL_TYPE.get(m[1]!.toLowerCase()) ?? m[1]!;
      const { value, country, note } = splitIdValue(m[2]!);
      id.addIdentifier(type, value, country, note);
    }
  }
}

/** "G737411 (Tunisia) issued 24 Oct 1990 expires 20 Sep 1997" -> value, country, note. */
export function splitIdValue(raw: string): { value: string | undefined; country: string | undefined; note: string | undefined } {
  let rest = raw.trim();
  const notes: string[] = [];
  const dates = /\s+((?:issued|expires)\s+.+)$/i.exec(rest);
  if (dates) {
    notes.push(dates[1]!.replace(/\s+(expires)\s+/i, '; $1 '));
    rest = rest.slice(0, dates.index);
  }
  let country: string | undefined;
  const paren = /\s*\(([^()]+)\)$/.exec(rest);
  if (paren && paren.index > 0) {
    country = paren[1];
    rest = rest.slice(0, paren.index);
  }
  return { value: clean(rest.replace(/^:\s*/, '')), country: clean(country), note: clean(notes.join('; ')) };
}
