export const writer = {
  actor: { id: 'analyst@example.org', kind: 'person' },
  source: { publisher: 'Official Journal of the European Union', documentRef: 'OJ L, 2024/3187', url: 'https://eur-lex.europa.eu/eli/reg_impl/2024/3187/oj' },
} as const;

export const withCommandId = (commandId: string) => ({ ...writer, commandId });
