/**
 * The worked example of DESIGN.md section 4, from a news report of December 2024. It is EXAMPLE DATA, not an
 * authoritative list: every event's source says so (`exampleData: true`), and the EU and US acts are named
 * descriptively rather than by official numbers we have not checked against the journals.
 */
import type { CommandInput } from '../commands/command-handler';

const source = {
  publisher: 'Worked example (DESIGN.md section 4), after a news report of December 2024',
  documentRef: 'example data: not an authoritative list',
  exampleData: true,
} as const;

export const SEED_ACTOR = { id: 'seed:worked-example', kind: 'service' } as const;

export interface SeedCommand {
  readonly commandId: string;
  readonly command: CommandInput;
}

const unsc = (number: number, adoptedOn: string, title: string, measures: string[]): CommandInput => ({
  type: 'AdoptResolution',
  data: {
    resolutionId: `UNSC-${number}`,
    authority: 'UN',
    regimes: ['UN:DPRK'],
    kind: 'security-council-resolution',
    reference: `S/RES/${number} (${adoptedOn.slice(0, 4)})`,
    title,
    adoptedOn,
    inForceFrom: adoptedOn,
    measures,
    sourceUrl: `https://undocs.org/S/RES/${number}(${adoptedOn.slice(0, 4)})`,
  },
});

const person = (subjectId: string, primary: string, aliases: string[], hangul: string, position: string) => ({
  subjectId,
  kind: 'person',
  identity: {
    names: [
      { name: primary, quality: 'primary', script: 'Latn' },
      ...aliases.map((name) => ({ name, quality: 'alias', script: 'Latn' })),
      { name: hangul, quality: 'original-script', script: 'Hang' },
    ],
    nationalities: ['KP'],
    positions: [position],
  },
});

const ro = person('ro-kwang-chol', 'RO Kwang Chol', ['NO Kwang-chol'], '로광철', 'Minister of Defence of the DPRK');
const kim = person('kim-yong-bok', 'KIM Yong Bok', [], '김영복', 'First Deputy Chief of the General Staff of the Korean People’s Army');
const troopsReason = 'Involved in the deployment of DPRK troops to Russia for its war of aggression against Ukraine (example data).';

const euListing = (subject: typeof ro): CommandInput => ({
  type: 'DesignateSubject',
  data: {
    ...subject,
    regime: 'EU:RUS',
    measures: ['asset-freeze', 'travel-ban'],
    legalBasis: ['EU-RUS-PACKAGE-15'],
    effectiveFrom: '2024-12-16',
    publishedOn: '2024-12-16',
    reasons: troopsReason,
  },
});

const usListing = (subject: typeof ro): CommandInput => ({
  type: 'DesignateSubject',
  data: {
    ...subject,
    regime: 'US:RUSSIA-EO14024',
    measures: ['asset-freeze'],
    legalBasis: ['US-TREASURY-2024-12-16'],
    effectiveFrom: '2024-12-16',
    publishedOn: '2024-12-16',
    reasons: troopsReason,
  },
});

const commands: CommandInput[] = [
  unsc(1718, '2006-10-14', 'Non-proliferation/Democratic People’s Republic of Korea', ['arms-embargo', 'asset-freeze', 'travel-ban']),
  unsc(2375, '2017-09-11', 'Non-proliferation/DPRK: cap on refined petroleum imports', ['import-cap', 'trade-restriction']),
  unsc(2397, '2017-12-22', 'Non-proliferation/DPRK: further cap on petroleum imports', ['import-cap', 'trade-restriction']),
  {
    type: 'AdoptResolution',
    data: {
      resolutionId: 'EU-RUS-PACKAGE-15',
      authority: 'EU',
      regimes: ['EU:RUS'],
      kind: 'implementing-regulation',
      reference: 'EU 15th sanctions package against Russia (example data)',
      title: 'Restrictive measures in view of Russia’s actions destabilising Ukraine: 15th package, listings of 54 individuals and 30 entities',
      adoptedOn: '2024-12-16',
      inForceFrom: '2024-12-16',
      measures: ['asset-freeze', 'travel-ban', 'trade-restriction'],
    },
  } as CommandInput,
  {
    type: 'AdoptResolution',
    data: {
      resolutionId: 'US-TREASURY-2024-12-16',
      authority: 'US',
      regimes: ['US:RUSSIA-EO14024'],
      kind: 'designation-action',
      reference: 'US Treasury designation action of 2024-12-16 (example data)',
      title: 'Designation of 19 individuals and entities supporting the DPRK troop deployment to Russia',
      adoptedOn: '2024-12-16',
      inForceFrom: '2024-12-16',
      measures: ['asset-freeze'],
    },
  } as CommandInput,
  euListing(ro),
  euListing(kim),
  usListing(ro),
  usListing(kim),
];

/** Stable command ids make seeding idempotent: a second seed appends nothing. */
export const WORKED_EXAMPLE: readonly SeedCommand[] = commands.map((command, index) => ({
  commandId: `seed:worked-example:${index + 1}`,
  command,
}));

export const WORKED_EXAMPLE_SOURCE = source;
