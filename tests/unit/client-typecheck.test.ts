import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CLIENT_ENTRIES } from '../../scripts/build-client.ts';

// The browser modules are checked by their own configuration (DOM types). These tests run that configuration the way
// `npm run typecheck` does, once on the real files and once with a type error put into one of them.
const CONFIG = resolve('web/client/tsconfig.json');

/** Diagnostics of the client configuration, with `replace` standing in for the named files' text. */
function clientDiagnostics(replace: Record<string, string> = {}): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(CONFIG, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) throw new Error('web/client/tsconfig.json could not be read');
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => replace[resolve(file)] ?? readFile(file);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('browser code is type-checked', () => {
  it('passes the client type check as it is', { timeout: 120_000 }, () => {
    expect(clientDiagnostics()).toEqual([]);
  });

  it('fails the client type check when a client module has a type error', { timeout: 120_000 }, () => {
    const file = resolve('web/client/call-room.ts');
    const broken = readFileSync(file, 'utf8').replace("send({ type: 'ping' });", "send({ type: 'pong' });");
    expect(broken).not.toBe(readFileSync(file, 'utf8'));
    const errors = clientDiagnostics({ [file]: broken });
    expect(errors.join('\n')).toMatch(/call-room\.ts: .*'"pong"'/);
  });

  it('covers every client module, and npm test runs that check before the tests', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(CONFIG, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    const modules = readdirSync('web/client').filter((name) => name.endsWith('.ts')).map((name) => resolve(join('web/client', name)));
    expect(parsed?.fileNames.map((name) => resolve(name)).sort()).toEqual(modules.sort());
    for (const entry of Object.values(CLIENT_ENTRIES)) expect(modules).toContain(resolve(entry));
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.test).toMatch(/^npm run typecheck && /);
    expect(scripts.typecheck).toContain('tsc --noEmit -p web/client/tsconfig.json');
    // The Worker's configuration leaves the browser modules out: they would not compile without DOM types.
    expect(readFileSync('tsconfig.json', 'utf8')).toMatch(/"exclude": \["web\/client"\]/);
  });
});
