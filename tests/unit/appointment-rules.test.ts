import { describe, expect, it } from 'vitest';
import { accessCodeFrom, newAccessCode, normaliseAccessCode } from '../../workers/domain/access-code';
import {
  appointmentEnd,
  canCancel,
  canChangeOnline,
  canMarkStatus,
  changeDeadline,
  processingBlocked,
  purposesToWithdraw,
  withdrawalCancels,
} from '../../workers/domain/appointment-rules';

const HOUR = 3_600_000;
// 2026-03-29 is the spring-forward day in Berlin and Copenhagen, 2026-10-25 the autumn one: the rules count elapsed
// time, so the notice before an appointment is the same number of real hours on those days.
const SPRING = Date.UTC(2026, 2, 29, 8, 0);
const AUTUMN = Date.UTC(2026, 9, 25, 8, 0);

describe('appointment rules', () => {
  it.each([
    [SPRING, 50, SPRING + 50 * 60_000],
    [AUTUMN, 90, AUTUMN + 90 * 60_000],
    [0, 480, 480 * 60_000],
  ])('ends an appointment starting at %i of %i minutes at %i', (start, durationMin, end) => {
    expect(appointmentEnd(start, { durationMin })).toBe(end);
  });

  it.each([
    [SPRING, 24, SPRING - 24 * HOUR],
    [AUTUMN, 24, AUTUMN - 24 * HOUR],
    [AUTUMN, 0, AUTUMN],
    [AUTUMN, 72, AUTUMN - 72 * HOUR],
  ])('closes online changes of %i with %i hours of notice at %i', (start, hours, deadline) => {
    expect(changeDeadline(start, hours)).toBe(deadline);
  });

  it.each([
    ['booked', SPRING - 25 * HOUR, true],
    ['booked', SPRING - 24 * HOUR, false],
    ['booked', SPRING - 23 * HOUR, false],
    ['cancelled', SPRING - 48 * HOUR, false],
    ['completed', SPRING - 48 * HOUR, false],
    ['no_show', SPRING - 48 * HOUR, false],
  ] as const)('lets a %s appointment be changed online at %i: %s', (status, now, allowed) => {
    expect(canChangeOnline({ status, startAt: SPRING }, 24, now)).toBe(allowed);
  });

  it.each([
    ['booked', true, true],
    ['cancelled', false, false],
    ['completed', false, true],
    ['no_show', false, true],
  ] as const)('a %s appointment: can be cancelled %s, can be marked %s', (status, cancel, mark) => {
    expect(canCancel(status)).toBe(cancel);
    expect(canMarkStatus(status)).toBe(mark);
  });

  it.each([
    [{ restrictedAt: null, objectedAt: null }, false],
    [{ restrictedAt: 1, objectedAt: null }, true],
    [{ restrictedAt: null, objectedAt: 1 }, true],
    [{ restrictedAt: 1, objectedAt: 2 }, true],
  ])('blocks processing of %j: %s', (client, blocked) => {
    expect(processingBlocked(client)).toBe(blocked);
  });

  it.each([
    [['booking', 'reminders'], 'all', ['booking', 'reminders']],
    [['booking', 'reminders'], 'reminders', ['reminders']],
    [['booking'], 'reminders', []],
    [[], 'all', []],
  ] as const)('withdraws from %j with scope %s: %j', (active, scope, withdrawn) => {
    expect(purposesToWithdraw(active, scope)).toEqual(withdrawn);
  });

  it.each([
    [['booking'], 'booked', SPRING + HOUR, true],
    [['booking', 'reminders'], 'booked', SPRING + HOUR, true],
    [['reminders'], 'booked', SPRING + HOUR, false],
    [['booking'], 'booked', SPRING - HOUR, false],
    [['booking'], 'booked', SPRING, false],
    [['booking'], 'cancelled', SPRING + HOUR, false],
    [['booking'], 'completed', SPRING + HOUR, false],
  ] as const)('withdrawing %j cancels a %s appointment at %i: %s', (purposes, status, startAt, cancels) => {
    expect(withdrawalCancels(purposes, { status, startAt }, SPRING)).toBe(cancels);
  });
});

describe('access codes', () => {
  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0, 0], 'AAA-AAA-AAA'],
    [[31, 32, 63, 255, 1, 2, 3, 4, 5], '9A9-9BC-DEF'],
  ])('reads bytes %j as the code %s', (bytes, code) => {
    expect(accessCodeFrom(new Uint8Array(bytes))).toBe(code);
  });

  it('makes codes of three groups of three without look-alike characters', () => {
    for (let i = 0; i < 200; i++) expect(newAccessCode()).toMatch(/^[A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3}$/);
  });

  it.each([
    ['abc-def-ghj', 'ABCDEFGHJ'],
    [' ab c d-e f ', 'ABCDEF'],
  ])('normalises %j to %s', (typed, normalised) => {
    expect(normaliseAccessCode(typed)).toBe(normalised);
  });
});
