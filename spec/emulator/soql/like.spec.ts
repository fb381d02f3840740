import { compileLike, EvaluationBudget } from '../../../src/emulator/soql/like.js';
import { unquote } from '../../../src/emulator/soql/literals.js';
import { compileQuery } from '../../../src/emulator/soql/engine.js';
import { Registry } from '../../../src/emulator/schema/registry.js';
import { Store } from '../../../src/emulator/store.js';
import { SfHttpError } from '../../../src/emulator/types.js';
import { Api, longestProbeWhile } from '../core/helpers.js';

/** The backtracking RegExp the matcher replaces: the reference for what LIKE means on small inputs. */
function reference(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\u0000') { source += (pattern[++i] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); continue; }
    source += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('emulator LIKE matcher', () => {
  it('agrees with an anchored case-insensitive RegExp on random patterns and values', () => {
    const random = lcg(7);
    const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const pattern = unquote(`'${pick('aAb%_', Math.floor(random() * 7))}'`, '', true);
      const value = pick('abAB\n', Math.floor(random() * 9));
      const like = compileLike(pattern);
      expect(like(value, new EvaluationBudget()))
        .withContext(`${JSON.stringify(pattern)} on ${JSON.stringify(value)}`)
        .toBe(reference(pattern).test(value));
    }
  });

  it('keeps escaped \\% and \\_ literal', () => {
    const like = compileLike(unquote(`'100\\%\\_%'`, '', true));
    const budget = new EvaluationBudget();
    expect(like('100%_ off', budget)).toBeTrue();
    expect(like('1000_ off', budget)).toBeFalse();
    expect(like('100%x off', budget)).toBeFalse();
  });

  it('answers a pattern that makes a RegExp backtrack for minutes in one pass', () => {
    const like = compileLike('%a%a%a%a%a%a%a%a%b');
    expect(like('a'.repeat(255), new EvaluationBudget())).toBeFalse();
    expect(like(`${'a'.repeat(254)}b`, new EvaluationBudget())).toBeTrue();
  });

  it('stops a statement that spends its budget with QUERY_TIMEOUT', () => {
    const store = new Store(new Registry({}), {});
    for (let i = 0; i < 50; i++) store.internalInsert('Account', { Name: 'a'.repeat(255) });
    const soql = `SELECT Id FROM Account WHERE Name LIKE '%${'a_'.repeat(60)}b%'`;
    const small = compileQuery(store, soql, { evaluationBudget: 10_000 });
    let error: unknown;
    try { small.execute(); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(SfHttpError);
    expect((error as SfHttpError).status).toBe(400);
    expect((error as SfHttpError).errorCode).toBe('QUERY_TIMEOUT');
    // the default allowance runs the same statement to its (empty) answer, and every run starts afresh
    const normal = compileQuery(store, soql);
    expect(normal.execute().totalSize).toBe(0);
    expect(normal.execute().totalSize).toBe(0);
  });
});

describe('emulator under pathological requests', () => {
  let api: Api;

  beforeAll(async () => { api = await Api.start(); });
  afterAll(async () => { await api.emu.stop(); });

  it('answers a backtracking LIKE over a long Name without stalling other requests', async () => {
    await api.create('Account', { Name: 'a'.repeat(255) });
    const soql = `SELECT Id FROM Account WHERE Name LIKE '%a%a%a%a%a%a%a%a%a%a%b'`;
    const { res, probeMs } = await longestProbeWhile(api, () => api.call('GET', `/query?q=${encodeURIComponent(soql)}`));
    expect(res.status).toBe(200);
    expect(res.json().totalSize).toBe(0);
    expect(probeMs).toBeLessThan(2000);
  });
});
