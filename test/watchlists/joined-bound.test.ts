/** Joined-key candidates are kept only when screening's joined reading could reach the floor (or an identifier links them). */
import { describe, expect, it } from 'vitest';
import { JoinedBound } from '../../src/watchlists/joined-bound';

const listed = [{ names: [{ name: 'RO Kwang Chol' }], identifiers: [{ value: 'PA-1234567' }] }];

describe('joined-key candidates of a batch', () => {
  it('given "RO Kwang Chol" listed, when an entry writes it "Rokwangchol", then it is kept (one word against three)', () => {
    expect(new JoinedBound(listed).keeps({ id: 'a', name: 'Rokwangchol' })).toBe(true);
  });

  it('given the same listing, when an entry only shares the first letters run together ("Rokas Smith"), then it is not kept', () => {
    expect(new JoinedBound(listed).keeps({ id: 'b', name: 'Rokas Smith' })).toBe(false);
  });

  it('given the same listing, when an entry has its three words in another order, then the joined reading does not count (same word count) and it is left to the token path', () => {
    expect(new JoinedBound(listed).keeps({ id: 'c', name: 'Kwang Chol Ro' })).toBe(false);
  });

  it('given the same listing, when an entry carries the listed passport (spaces and dashes aside), then it is kept whatever its name', () => {
    expect(new JoinedBound(listed).keeps({ id: 'd', name: 'Jane Doe', identifiers: [{ type: 'passport', value: 'PA 1234567' }] })).toBe(true);
  });
});
