/**
 * The official publications, as the publishers name them on their own pages (README "Keeping current" cites
 * each page). The EU's address needs the token the Commission shows on its FSF page; the one here is the
 * public token it printed, and a sources file can replace it.
 */
import { decodeSources, type Source } from './sources';

const OFAC = 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports';
const OFAC_PAGE = 'https://ofac.treasury.gov/sanctions-list-service';

export const DEFAULT_SOURCES: readonly Source[] = decodeSources({
  sources: [
    { name: 'un-consolidated', format: 'un-xml', list: 'UN', urls: ['https://scsanctions.un.org/resources/xml/en/consolidated.xml'], interval: '1h', staleAfter: '26h', publisherPage: 'https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list' },
    { name: 'ofac-sdn-xml', format: 'ofac-xml', list: 'OFAC-SDN', urls: [`${OFAC}/SDN.XML`], interval: '1h', staleAfter: '26h', publisherPage: OFAC_PAGE },
    { name: 'ofac-cons-xml', format: 'ofac-xml', list: 'OFAC-CONS', urls: [`${OFAC}/CONSOLIDATED.XML`], interval: '1h', staleAfter: '26h', publisherPage: OFAC_PAGE },
    { name: 'ofac-sdn-csv', format: 'ofac-csv', list: 'OFAC-SDN', urls: ['SDN.CSV', 'ADD.CSV', 'ALT.CSV', 'SDN_COMMENTS.CSV'].map((f) => `${OFAC}/${f}`), interval: '1h', staleAfter: '26h', publisherPage: OFAC_PAGE },
    { name: 'ofac-cons-csv', format: 'ofac-csv', list: 'OFAC-CONS', urls: ['CONS_PRIM.CSV', 'CONS_ADD.CSV', 'CONS_ALT.CSV', 'CONS_COMMENTS.CSV'].map((f) => `${OFAC}/${f}`), interval: '1h', staleAfter: '26h', publisherPage: OFAC_PAGE },
    {
      name: 'eu-fsf',
      format: 'eu-xml',
      list: 'EU-FSF',
      urls: ['https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw'],
      interval: '1h',
      staleAfter: '26h',
      publisherPage: 'https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions',
      note: 'the URL carries a token shown on the FSF page; replace it in a sources file if the Commission changes it',
    },
    { name: 'uk-sanctions-list', format: 'uk-xml', list: 'UK-SL', urls: ['https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml'], interval: '1h', staleAfter: '26h', publisherPage: 'https://www.gov.uk/government/publications/the-uk-sanctions-list' },
  ],
});
