import { describe, expect, it } from 'vitest';
import { type Access, guardFor, jsonRoute, routeArea } from '../../workers/lib/route';
import { requireDpoSecondFactor } from '../../workers/lib/session';

describe('a route declaration', () => {
  it('cannot be written without an access rule (typecheck fails on each of these, and the helper throws)', () => {
    const area = routeArea();
    // @ts-expect-error a page route without a rule
    expect(() => area.get('/no-rule', (c) => c.text('x'))).toThrow();
    // @ts-expect-error a rule that does not exist
    expect(() => area.get('/unknown-rule', 'everyone', (c) => c.text('x'))).toThrow(/access rules/);
    // @ts-expect-error a JSON route without a rule
    jsonRoute({ method: 'get', path: '/no-rule', operationId: 'noRule', responses: { 204: { description: 'x' } } });
    // @ts-expect-error a JSON route without an operationId
    jsonRoute({ method: 'get', path: '/no-id', access: 'public', responses: { 204: { description: 'x' } } });
  });

  it('records each route with its rule, in the order declared', () => {
    const area = routeArea();
    area.get('/a', 'therapist', (c) => c.text('a'));
    area.post('/b/:id', 'dpo', (c) => c.text('b'));
    expect(area.entries).toEqual([
      { method: 'GET', path: '/a', access: 'therapist' },
      { method: 'POST', path: '/b/:id', access: 'dpo' },
    ]);
  });

  it.each<[Access, number]>([
    ['public', 0],
    ['client-link', 0],
    ['subject-link', 0],
    ['call', 0],
    ['signed-in', 1],
    ['therapist', 1],
    ['dpo', 2],
    ['local', 1],
  ])('derives the guard of a %s route from its rule (%i middleware)', (access, count) => {
    expect(guardFor(access)).toHaveLength(count);
  });

  it('asks the DPO for the second factor wherever the rule is dpo', () => {
    expect(guardFor('dpo')).toContain(requireDpoSecondFactor);
  });
});
