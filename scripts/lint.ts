import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintFile } from './lint-rules.ts';

// npm run lint: the house rules of scripts/lint-rules.ts over every TypeScript file of the project.

const ROOTS = ['workers', 'web', 'db', 'emails', 'tests', 'bench', 'scripts'];

function sourceFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

const findings = ROOTS.flatMap(sourceFiles).flatMap((path) => lintFile(path, readFileSync(path, 'utf8')));
for (const finding of findings) console.error(`${finding.path}:${finding.line}  ${finding.rule}`);
console.log(findings.length ? `lint: ${findings.length} finding(s)` : 'lint: clean');
process.exitCode = findings.length ? 1 : 0;
