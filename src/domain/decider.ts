/**
 * The Decider pattern (Emmett): pure `decide(command, state) -> events` and `evolve(state, event) -> state`
 * from an `initialState()`. Refusals are values (fp-ts Either), never exceptions.
 */
import * as E from 'fp-ts/Either';

export interface RuleViolation {
  readonly kind: 'rule-violation';
  /** A stable, kebab-case rule name, e.g. `overlapping-designation`. */
  readonly rule: string;
  /** The command field the rule is about, as a path: `effectiveFrom`, `identity.names`. */
  readonly field: string;
  readonly message: string;
}

export interface Decider<Command, Event, State> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State) => E.Either<RuleViolation, readonly Event[]>;
}

export function refuse(rule: string, field: string, message: string): E.Either<RuleViolation, never> {
  return E.left({ kind: 'rule-violation', rule, field, message });
}

export function accept<Event>(...events: Event[]): E.Either<never, readonly Event[]> {
  return E.right(events);
}

/** Folds a stream's events into the decider's state. */
export function foldEvents<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}
