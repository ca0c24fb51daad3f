import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { chunksOf, MAX_BOUND_PARAMETERS, rowChunks } from '../../db/bound-parameters';
import { incidentNotices, workingHours } from '../../db/schema';

describe('statements under D1’s 100 bound parameters', () => {
  it('splits a list into runs of at most the given size, keeping every item in order', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf([], 3)).toEqual([]);
    expect(() => chunksOf([1], 0)).toThrow();
  });

  it('splits rows so that no INSERT binds more than 100 values, whatever the table', () => {
    for (const table of [workingHours, incidentNotices]) {
      const columns = Object.keys(getTableColumns(table)).length;
      const rows = Array.from({ length: 1000 }, (_, i) => i);
      const chunks = rowChunks(table, rows);
      expect(chunks.flat()).toEqual(rows);
      for (const chunk of chunks) expect(chunk.length * columns).toBeLessThanOrEqual(MAX_BOUND_PARAMETERS);
      expect(rowChunks(table, rows, 10).every((chunk) => chunk.length * columns <= MAX_BOUND_PARAMETERS - 10)).toBe(true);
    }
  });
});
