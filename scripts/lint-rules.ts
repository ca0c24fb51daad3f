// House rules that the type checker cannot see (../shared/HOUSE_STYLE.md, "Habits" and "Avoid"), as pure functions
// over one file's path and text so they are table-tested in tests/unit/lint-rules.test.ts.

export type Finding = { path: string; line: number; rule: string };

type Rule = { name: string; applies: (path: string) => boolean; test: (line: string) => boolean };

const APP_CODE = /^(workers|web|db|emails)\//;
const GENERATED = /worker-configuration\.d\.ts$/;
const isApp = (path: string) => APP_CODE.test(path) && !GENERATED.test(path);

const RULES: Rule[] = [
  {
    // No `any` on data from outside: parse with zod instead.
    name: 'no any',
    applies: isApp,
    test: (line) => /(:\s*any\s*([;,)\]=|>]|$)|\bas\s+any\b|<any>)/.test(line),
  },
  {
    // Named exports everywhere but the entry file, so a rename cannot silently break an import.
    name: 'no default export outside workers/index.ts',
    applies: (path) => isApp(path) && path !== 'workers/index.ts' && !path.endsWith('.d.ts'),
    test: (line) => /^\s*export\s+default\b/.test(line),
  },
  {
    // Logs never carry personal data; console.log tends to print whole objects. console.error with a fixed text only.
    name: 'no console.log in app code',
    applies: isApp,
    test: (line) => /\bconsole\.(log|info|debug)\(/.test(line),
  },
  {
    // Every table goes through privateTable(), which refuses a column without its privacy annotation.
    name: 'tables through privateTable()',
    applies: (path) => path.startsWith('db/schema/'),
    test: (line) => /\bsqliteTable\s*\(/.test(line),
  },
  {
    // Request metadata that identifies a person is never read (Art. 5(1)(c) GDPR).
    name: 'no client address or user agent read',
    applies: isApp,
    test: (line) => /(cf-connecting-ip|x-forwarded-for|x-real-ip|true-client-ip|header\(\s*['"]user-agent['"])/i.test(line),
  },
];

/** Files longer than this fail; about 300 is the house style's aim, the margin is for message catalogues. */
export const MAX_LINES = 500;

/** Comment lines are prose: "any account", "the user agent". */
const COMMENT = /^\s*(\/\/|\/\*|\*)/;

export function lintFile(path: string, text: string): Finding[] {
  const lines = text.split('\n');
  const findings: Finding[] = [];
  for (const rule of RULES.filter((r) => r.applies(path))) {
    lines.forEach((line, index) => {
      if (!COMMENT.test(line) && rule.test(line)) findings.push({ path, line: index + 1, rule: rule.name });
    });
  }
  if (!GENERATED.test(path) && lines.length > MAX_LINES) findings.push({ path, line: lines.length, rule: `at most ${MAX_LINES} lines` });
  return findings;
}
