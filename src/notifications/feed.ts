/**
 * The change feed for those without Kafka (DESIGN.md section 9): the same CloudEvents as the Kafka publisher,
 * in structured-mode JSON, from a position (exclusive), filtered by authority, regime and event type, either
 * up to the current end of the log or following it. The CLI follow mode and the SSE route both read this.
 */
import * as E from 'fp-ts/Either';
import { Authority, EVENT_TYPES, Regime, isEventType, type EventType } from '../../events';
import type { EventStore, Position, RecordedEvent } from '../store/event-store';
import { CloudEventMapper, eventTypeOf, type LedgerCloudEvent } from './cloud-event';
import { feedScheduler, type FeedScheduler } from './feed-scheduler';
import { mappedEvent, type MappedEvent, type MappedEvents } from './mapped-events';

export interface FeedFilter {
  /** Each list is "any of"; the lists are combined with "and". Absent or empty: no restriction. */
  readonly authority?: readonly string[];
  /** A resolution event matches if any of its regimes is listed. */
  readonly regime?: readonly string[];
  /** Event types, e.g. SubjectDesignated. */
  readonly type?: readonly string[];
}

export interface ChangeFeedOptions {
  /** Exclusive: the feed starts with the first event after this position. */
  readonly after?: Position;
  /** true: after the current end, wait for new events until `signal` aborts. */
  readonly follow: boolean;
  readonly filter?: FeedFilter;
  readonly signal?: AbortSignal;
  /** CloudEvents `source`. */
  readonly source?: string;
  readonly pageSize?: number;
  /** CloudEvents shared with other feeds of the same store and source (the SSE route's); absent: this feed maps its own. */
  readonly mapped?: MappedEvents;
  /** Whose time slices the feed works in; default the process's one scheduler (feed-scheduler.ts). */
  readonly scheduler?: FeedScheduler;
}

export interface FeedItem extends MappedEvent {
  readonly position: Position;
}

/** A feed request that cannot be served as asked (bad filter value or position): HTTP 400, CLI exit 2. */
export class FeedRequestError extends Error {
  override readonly name = 'FeedRequestError';
  constructor(
    /** The query parameter, header or CLI option at fault (`authority`, `Last-Event-ID`, ...). */
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

export async function* changeFeed(store: EventStore, options: ChangeFeedOptions): AsyncGenerator<FeedItem, void, undefined> {
  const map = mapping(store, options);
  const scheduler = options.scheduler ?? feedScheduler;
  const filter = options.filter ?? {};
  const types = new Set(filter.type ?? []);
  for await (const recorded of recordedEvents(store, options)) {
    // Between two events, not two pages: a page of costly events must not hold the loop either.
    const pause = scheduler.pause();
    if (pause !== undefined) await pause;
    // Cheap test first: most filtered feeds skip most events.
    if (types.size > 0 && !types.has(recorded.type)) continue;
    const mapped = await map(recorded);
    if (matches(filter, mapped.cloudEvent)) yield { position: recorded.position, ...mapped };
  }
}

function mapping(store: EventStore, options: ChangeFeedOptions): (recorded: RecordedEvent) => Promise<MappedEvent> {
  if (options.mapped !== undefined) return (recorded) => options.mapped!.get(recorded);
  const mapper = new CloudEventMapper(store, options.source);
  return async (recorded) => mappedEvent(recorded.position, await mapper.map(recorded));
}

async function* recordedEvents(store: EventStore, options: ChangeFeedOptions): AsyncGenerator<RecordedEvent, void, undefined> {
  const { signal } = options;
  // Small pages: between two of them the event loop serves other requests, so many catching-up readers share it.
  const pageSize = options.pageSize ?? 100;
  if (options.follow) {
    for await (const item of store.subscribeToAll({ after: options.after, signal, batchSize: pageSize })) {
      if (item.kind === 'event') yield item.event;
    }
    return;
  }
  let after = options.after;
  while (!signal?.aborted) {
    const page = await store.readAll({ after, maxCount: pageSize });
    for (const event of page) {
      yield event;
      if (signal?.aborted) return;
    }
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.position;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export function matches(filter: FeedFilter, event: LedgerCloudEvent): boolean {
  if (filter.authority?.length && !filter.authority.includes(event.authority)) return false;
  if (filter.type?.length && !filter.type.includes(eventTypeOf(event.type) ?? '')) return false;
  if (filter.regime?.length) {
    const regimes = event.regime?.split(',') ?? [];
    if (!regimes.some((r) => filter.regime!.includes(r))) return false;
  }
  return true;
}

type RawValues = string | readonly string[] | undefined;

/** Repeated parameters and comma-separated lists both work: `?regime=EU:RUS&regime=UN:DPRK`, `--type A,B`. */
function values(raw: RawValues): string[] {
  const list = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  return list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** Validates filter values from a query string or the command line; unknown values are refused, not ignored. */
export function parseFeedFilter(raw: { authority?: RawValues; regime?: RawValues; type?: RawValues }): FeedFilter {
  const authority = values(raw.authority).map((a) => a.toUpperCase());
  for (const a of authority) {
    if (E.isLeft(Authority.decode(a))) {
      throw new FeedRequestError('authority', `unknown authority "${a}": expected one of ${Object.keys(Authority.keys).join(', ')}`);
    }
  }
  const regime = values(raw.regime).map((r) => r.toUpperCase());
  for (const r of regime) {
    if (E.isLeft(Regime.decode(r))) {
      throw new FeedRequestError('regime', `invalid regime "${r}": expected AUTHORITY:PROGRAMME, e.g. EU:RUS or UN:DPRK`);
    }
  }
  const type = values(raw.type).map((t): EventType => {
    const name = eventTypeOf(t) ?? t; // the CloudEvents type is accepted too
    if (!isEventType(name)) throw new FeedRequestError('type', `unknown event type "${t}": expected one of ${EVENT_TYPES.join(', ')}`);
    return name;
  });
  return {
    ...(authority.length ? { authority } : {}),
    ...(regime.length ? { regime } : {}),
    ...(type.length ? { type } : {}),
  };
}

/**
 * Refuses a position the store cannot read from (it is opaque, but each store knows its own format), and one past
 * the head of the log: a client there would wait for events that were never recorded (or were lost with a store
 * that was replaced), silently, for ever. `parameter` names where the position came from, for the message.
 */
export async function checkPosition(store: EventStore, after: string | undefined, parameter = 'after'): Promise<Position | undefined> {
  if (after === undefined || after === '') return undefined;
  let next: RecordedEvent[];
  try {
    next = await store.readAll({ after: after as Position, maxCount: 1 });
  } catch (error) {
    throw new FeedRequestError(parameter, `invalid position "${after}": ${error instanceof Error ? error.message : String(error)}`);
  }
  // An event after it: the position is inside the log. Otherwise it must be the head itself.
  if (next.length === 0 && store.headPosition !== undefined) {
    const head = await store.headPosition();
    if (head === undefined || comparablePosition(after) !== head) {
      const where = head === undefined ? 'the log is empty (start without a position)' : `the head of the log is ${head}`;
      throw new FeedRequestError(parameter, `${parameter} "${after}" is past the head of the log: ${where}`);
    }
  }
  return after as Position;
}

/** Positions are fixed-width strings; a store may also accept a short form ("42"), which is the same place. */
function comparablePosition(position: string): string {
  return /^\d{1,16}$/.test(position) ? position.padStart(16, '0') : position;
}
