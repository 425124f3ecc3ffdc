// The workstation's state and its jobs.
import { ok } from '../../../src-shared/result';
import type { DomainHandlers } from './context';

export const appHandlers = {
  'app.state': (_p, ctx) => ok(ctx.state()),
  'job.cancel': ({ jobId }, ctx) => ok({ cancelled: ctx.jobs.cancel(jobId) }),
  'job.wait': ({ jobId }, ctx) => ctx.jobs.wait(jobId),
} satisfies DomainHandlers;
