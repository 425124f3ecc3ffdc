// Opening and creating cases.
import path from 'node:path';
import { err, ok } from '../../../src-shared/result';
import type { DomainHandlers } from './context';

export const caseHandlers = {
  'case.info': (_p, ctx) => {
    const info = ctx.current();
    return info ? ok(info) : err('NO_CASE', 'no case is open');
  },
  'case.open': (p, ctx) => ctx.switchCase(path.resolve(p.path), { readOnly: p.readOnly === true }),
  'case.create': (p, ctx) => ctx.switchCase(path.resolve(p.path), { create: true }),
  'dataset.columns': ({ datasetId }, ctx) => ctx.onCase('columns', datasetId),
  'dataset.mapping': ({ datasetId }, ctx) => ctx.onCase('datasetMapping', datasetId),
} satisfies DomainHandlers;
