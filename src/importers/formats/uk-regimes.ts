/**
 * UK regime names -> ledger regime codes and measures, shared by the OFSI ConList CSV (short names such as
 * "North Korea (Democratic People's Republic of Korea)") and the FCDO UK Sanctions List XML (statutory names
 * such as "The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019"), so both map to
 * the same code ('UK:DPRK').
 *
 * Codes: a few explicit aliases below; otherwise the name with "The", "(Sanctions)", "(EU Exit)",
 * "(United Nations Sanctions)" and "Regulations <year>" removed, upper-cased ('UK:AFGHANISTAN', 'UK:RUSSIA',
 * 'UK:GLOBAL-HUMAN-RIGHTS'). Legal basis is the regime name exactly as published.
 *
 * Measures (CSV, which states none): asset-freeze for everyone (the ConList is the asset-freeze list), plus
 * travel-ban for individuals, except under regimes that are asset-freeze only (Terrorism and Terrorist Financing, the
 * misappropriation regimes, UK freezing orders, Iraq). The XML states its measures per designation and is used as is.
 */
import type { Regime } from '../../../events/primitives';
import { regimeCode } from '../normalize/listing-builder';

const ALIASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/isil|da.?esh|al-?qa.?ida|al-?qaeda/i, 'ISIL-AL-QAIDA'],
  [/north korea|democratic people.?s republic of korea/i, 'DPRK'],
  [/central african republic/i, 'CAR'],
  [/democratic republic of the congo/i, 'DRC'],
  [/iran.*nuclear/i, 'IRAN-NUCLEAR'],
  [/iran.*human rights/i, 'IRAN-HUMAN-RIGHTS'],
  [/burma|myanmar/i, 'MYANMAR'],
  [/guinea-bissau/i, 'GUINEA-BISSAU'],
  [/^(the )?republic of guinea$/i, 'GUINEA'],
  [/ukraine.*misappropriation/i, 'UKRAINE-MISAPPROPRIATION'],
  [/ukraine.*sovereignty/i, 'UKRAINE-SOVEREIGNTY'],
  [/freezing orders/i, 'FREEZING-ORDERS'],
];

const ASSET_FREEZE_ONLY = new Set([
  'UK:TERRORISM-AND-TERRORIST-FINANCING',
  'UK:FREEZING-ORDERS',
  'UK:UKRAINE-MISAPPROPRIATION',
  'UK:EGYPT',
  'UK:TUNISIA',
  'UK:IRAQ',
]);

export function ukRegime(name: string): Regime {
  const alias = ALIASES.find(([re]) => re.test(name));
  if (alias) return regimeCode('UK', alias[1]);
  const core = name
    .replace(/^the\s+/i, '')
    .replace(/\((?:sanctions|eu exit|united nations sanctions)\)/gi, ' ')
    .replace(/\bregulations\s+\d{4}\b/i, ' ')
    .replace(/\bsanctions\b/i, ' ');
  return regimeCode('UK', core);
}

export function ukTravelBanApplies(regime: Regime): boolean {
  return !ASSET_FREEZE_ONLY.has(regime);
}
