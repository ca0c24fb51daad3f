import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../workers/app';

// The README's route list is the route registry, rendered. `WRITE_README=1 npx vitest run --project node
// tests/unit/readme-routes.test.ts` rewrites it after a route was added, moved or given another rule.

const START = '<!-- route-list: generated from the route registry by tests/unit/readme-routes.test.ts -->';
const END = '<!-- /route-list -->';

function routeList(): string {
  const rows = createApp().registry.map((route) => `| ${route.method} | \`${route.path}\` | ${route.access} | ${route.operationId ?? ''} |`);
  return [START, '', '| Method | Path | Access | operationId |', '| --- | --- | --- | --- |', ...rows, '', END].join('\n');
}

describe('the README', () => {
  it('lists every route of the registry with its access rule', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    const current = start >= 0 && end > start ? readme.slice(start, end + END.length) : '';
    if (process.env.WRITE_README === '1' && current) writeFileSync('README.md', readme.replace(current, routeList()));
    else expect(current).toBe(routeList());
  });
});
