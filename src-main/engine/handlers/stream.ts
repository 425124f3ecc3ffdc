// The live stream (a service while it runs) and attacks launched into it.
import { err, ok } from '../../../src-shared/result';
import { LiveStreamService } from '../services/live-stream';
import type { DomainHandlers } from './context';

const serviceKey = (jobId: string) => `stream:${jobId}`;

export const streamHandlers = {
  'stream.start': ({ speed = 60, keys = 40, seed = 7 }, ctx) => {
    if (ctx.jobs.ofKind('stream').length)
      return err('BUSY', 'a live stream is already running: stop it first');
    const { jobId } = ctx.jobs.start('stream', `Live stream (×${speed})`, (job) => {
      const key = serviceKey(job.id);
      const stream = ctx.services.add(key, new LiveStreamService(job, { speed, keys, seed }, ctx.emit));
      return stream.done.finally(() => ctx.services.remove(key));
    });
    return ok({ jobId });
  },
  'stream.attack': ({ jobId, scenario }, ctx) => {
    const stream = ctx.services.get(serviceKey(jobId));
    return stream instanceof LiveStreamService
      ? stream.attack(scenario)
      : err('BAD_REQUEST', 'no live stream with that id is running');
  },
} satisfies DomainHandlers;
