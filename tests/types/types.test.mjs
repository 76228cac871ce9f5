// The package's types, checked on what a user installs (tests/node_modules/asyntai-edge, from the
// packed tarball): a strict usage file type-checks under two resolutions, no `any` (written or
// implicit) in the public .d.ts, the declared value exports are the runtime's, and publint and
// @arethetypeswrong/cli pass on the tarball.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const BIN = join(ROOT, 'tools', 'node_modules', '.bin');
const PKG = join(HERE, '..', 'node_modules', 'asyntai-edge');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'pkg-template', 'package.json'), 'utf8')).version;
const TARBALL = join(ROOT, 'pkg', `asyntai-edge-${VERSION}.tgz`);
const ts = createRequire(join(ROOT, 'tools', 'package.json'))('typescript');

/** Runs a tool; on failure the assertion message is its output. */
function run(cmd, args) {
  try {
    return execFileSync(join(BIN, cmd), args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  } catch (err) {
    assert.fail(`${cmd} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

describe('types', () => {
  it('usage.ts type-checks strictly (node16 resolution), every @ts-expect-error meets an error', () => {
    run('tsc', ['--noEmit', '-p', join(HERE, 'tsconfig.json')]);
  });

  it('usage.ts type-checks with bundler resolution and the workerd condition', () => {
    run('tsc', ['--noEmit', '-p', join(HERE, 'tsconfig.bundler.json')]);
  });

  it('no `any` in the public .d.ts, written or implicit', () => {
    const found = [];
    const dir = join(PKG, 'types');
    const files = readdirSync(dir).filter((f) => f.endsWith('.d.ts'));
    assert.ok(files.length >= 4, `the package's .d.ts files: ${files}`);
    for (const f of files) {
      const sf = ts.createSourceFile(f, readFileSync(join(dir, f), 'utf8'), ts.ScriptTarget.Latest, true);
      const where = (node) => `${f}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const visit = (node) => {
        if (node.kind === ts.SyntaxKind.AnyKeyword) found.push(`${where(node)} any`);
        // Declarations without a type annotation are implicitly `any` in a .d.ts.
        const untyped =
          (ts.isParameter(node) && !node.type && !ts.isSetAccessor(node.parent)) ||
          ((ts.isPropertySignature(node) || ts.isPropertyDeclaration(node) || ts.isVariableDeclaration(node)) && !node.type) ||
          ((ts.isMethodSignature(node) || ts.isMethodDeclaration(node) || ts.isFunctionDeclaration(node) ||
            ts.isGetAccessor(node) || ts.isCallSignatureDeclaration(node)) && !node.type);
        if (untyped) found.push(`${where(node)} untyped ${node.name?.getText(sf) ?? ts.SyntaxKind[node.kind]}`);
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    assert.deepEqual(found, []);
  });

  for (const [entry, dts] of [['asyntai-edge', 'index'], ['asyntai-edge/webhooks', 'webhooks'], ['asyntai-edge/testing', 'testing']]) {
    it(`${entry}: the values its .d.ts declares are the ones it exports at run time`, async () => {
      const file = join(PKG, 'types', `${dts}.d.ts`);
      const program = ts.createProgram([file], { strict: true, noEmit: true, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] });
      const checker = program.getTypeChecker();
      const declared = checker
        .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)))
        .filter((s) => {
          const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
          return (target.flags & ts.SymbolFlags.Value) !== 0;
        })
        .map((s) => s.escapedName)
        .sort();
      const runtime = Object.keys(await import(entry)).sort();
      assert.deepEqual(runtime, declared, 'run-time exports (actual) vs declared (expected)');
    });
  }

  it('publint passes on the tarball (warnings count as errors)', () => {
    const out = run('publint', ['run', TARBALL, '--strict']);
    assert.match(out, /All good!/, out);
  });

  it('@arethetypeswrong/cli passes on the tarball (profile esm-only: the package is ESM only)', () => {
    run('attw', [TARBALL, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii']);
  });
});
