/** Given/when/then for deciders (after Emmett's DeciderSpecification): no infrastructure, just events. */
import * as E from 'fp-ts/Either';
import { expect } from 'vitest';
import { foldEvents, type Decider } from '../../src/domain/decider';

export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return (...given: Event[]) => ({
    when: (command: Command) => {
      const result = decider.decide(command, foldEvents(decider, given));
      return {
        then: (...expected: Event[]) => {
          if (E.isLeft(result)) throw new Error(`expected events, got refusal: ${JSON.stringify(result.left)}`);
          expect(result.right).toEqual(expected);
        },
        thenMatches: (...expected: unknown[]) => {
          if (E.isLeft(result)) throw new Error(`expected events, got refusal: ${JSON.stringify(result.left)}`);
          expect(result.right).toMatchObject(expected);
        },
        thenRefuses: (rule: string, field: string) => {
          if (E.isRight(result)) throw new Error(`expected refusal ${rule}, got events: ${JSON.stringify(result.right)}`);
          expect({ rule: result.left.rule, field: result.left.field }).toEqual({ rule, field });
          expect(result.left.message.length).toBeGreaterThan(0);
        },
      };
    },
  });
}
