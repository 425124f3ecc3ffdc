// Everything the DB worker can be asked, by name: the domains' tables of operations merged.
// A new request on the case adds an operation to its domain's store; nothing here changes
// unless a domain is new.
import type { CaseInfo } from '../../../src-shared/domain';
import { scenarioOps } from '../scenarios/inject';
import { caseOps } from './case-store';
import { evaluationOps } from './evaluations-store';
import { eventOps } from './events-store';
import { featureOps } from './features-store';
import { feedOps } from './feed-store';
import { ingestOps } from './ingest-writer';
import { labelOps } from './labels-store';
import { layoutOps } from './layouts-store';
import { modelOps } from './models-store';
import { reviewOps } from './review-store';
import { ruleOps } from './rules-store';
import type { DbApiOf } from './session-ops';

export const DB_OPS = {
  ...caseOps,
  ...eventOps,
  ...ingestOps,
  ...layoutOps,
  ...featureOps,
  ...modelOps,
  ...evaluationOps,
  ...feedOps,
  ...labelOps,
  ...ruleOps,
  ...reviewOps,
  ...scenarioOps,
};

/** The operations that only read: they answer at once, within a time budget. */
export const READ_OPS: ReadonlySet<string> = new Set(
  Object.entries(DB_OPS)
    .filter(([, op]) => op.kind === 'read')
    .map(([name]) => name),
);

/** The DB worker's RPC API: the operations, plus opening and closing the case. */
export type DbApi = DbApiOf<typeof DB_OPS> & {
  open: { params: [path: string, create: boolean, readOnly?: boolean]; result: CaseInfo };
  close: { params: []; result: null };
};
