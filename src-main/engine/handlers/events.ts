// Pages of a dataset's events (the events table).
import type { DomainHandlers } from './context';

export const eventsHandlers = {
  'events.page': (query, ctx) => ctx.onCase('page', query),
} satisfies DomainHandlers;
