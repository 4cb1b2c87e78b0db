/** The shapes of the service's answers the pages read (see the OpenAPI document at /docs). */
export interface Name { name: string; quality: string; script?: string }
export interface Identity { names?: Name[]; identifiers?: Array<{ type: string; value: string; country?: string }>; [k: string]: unknown }
export interface DesignationView {
  subjectId: string; designationId: string; subjectKind: string; authority: string; regime: string; primaryName: string;
  measures: string[]; legalBasis: string[]; effectiveFrom: string; effectiveTo?: string; recordedAt: string;
  identity?: Identity; reasons?: string;
}
export interface SubjectResult { subjectId: string; kind: string; asOf: string; knownAt: string; designations: DesignationView[] }
export interface StateResult { asOf: string; knownAt: string; total: number; designations: DesignationView[] }
export interface DiffResult { from: string; to: string; knownAt: string; started: DesignationView[]; ended: DesignationView[]; changed: Array<{ before: DesignationView; after: DesignationView }> }
export interface HistoryEntry {
  revision: number; position: string; eventId: string; type: string; effectiveFrom?: string; recordedAt: string;
  actor: { id: string; kind: string }; source: Record<string, unknown>; commandId?: string; hash: string; data: Record<string, unknown>;
}
export interface ScreeningMatch {
  subjectId: string; designationId: string; kind: string; authority: string; regime: string; primaryName: string;
  name: string; nameQuality: string; score: number; why: { method: string; tokens?: Array<{ query: string; listed: string; similarity: number; how: string }>; features?: Array<Record<string, unknown>> };
}
export interface Receipt { basis: { asOf: string; knownAt: string }; matches: ScreeningMatch[]; sha256: string; [k: string]: unknown }
