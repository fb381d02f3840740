/**
 * LIKE matching without backtracking. A pattern is split at `%` into segments of literal characters and `_`
 * wildcards; the first segment is anchored at the start, the last at the end, and each one between is matched at its
 * leftmost position after the previous one (leftmost placement never loses a match, so nothing is ever retried). The
 * work is at most text length × pattern length, and every comparison is charged to the evaluation's budget.
 */
import { SfHttpError } from '../types.js';

/** A wildcard `_`: any one character. */
const ANY = -1;

type Segment = number[];

/** Comparisons one SOQL evaluation may spend on LIKE before Salesforce-style QUERY_TIMEOUT (about 50 ms of work). */
export const DEFAULT_EVALUATION_BUDGET = 20_000_000;

/** Work allowed to one SOQL evaluation; shared by every LIKE condition of the statement and its semi-joins. */
export class EvaluationBudget {
  private left: number;

  constructor(private readonly limit = DEFAULT_EVALUATION_BUDGET) {
    this.left = limit;
  }

  /** A fresh allowance for the next run of the same compiled statement. */
  reset(): void {
    this.left = this.limit;
  }

  /** Spends `n` steps, or throws 400 QUERY_TIMEOUT when the statement has used its allowance. */
  charge(n: number): void {
    this.left -= n;
    if (this.left < 0) {
      // Salesforce stops a statement that runs too long with QUERY_TIMEOUT (message wording unconfirmed)
      throw new SfHttpError(400, 'QUERY_TIMEOUT', 'Your query request was running for too long.');
    }
  }
}

/** Case folding of one UTF-16 unit, as a case-insensitive RegExp without the `u` flag compares them. */
function fold(code: number): number {
  const ch = String.fromCharCode(code);
  const lower = ch.toLowerCase();
  if (lower.length === 1) return lower.charCodeAt(0);
  const upper = ch.toUpperCase();
  return upper.length === 1 ? upper.toLowerCase().charCodeAt(0) : code;
}

function foldAll(text: string): number[] {
  const out = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) out[i] = fold(text.charCodeAt(i));
  return out;
}

/**
 * Compiles an unquoted LIKE pattern (`%` any run, `_` one character, `\u0000%` and `\u0000_` the literal characters,
 * as `unquote(…, like = true)` leaves them) into a case-insensitive whole-value matcher.
 */
export function compileLike(pattern: string): (value: string, budget: EvaluationBudget) => boolean {
  const segments: Segment[] = [[]];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    const current = segments[segments.length - 1] as Segment;
    if (ch === '\u0000' && i + 1 < pattern.length) current.push(fold(pattern.charCodeAt(++i)));
    else if (ch === '%') segments.push([]);
    else if (ch === '_') current.push(ANY);
    else current.push(fold(pattern.charCodeAt(i)));
  }
  const first = segments[0] as Segment;
  const last = segments[segments.length - 1] as Segment;
  const middle = segments.slice(1, -1).filter(s => s.length > 0);
  const exact = segments.length === 1;
  const minLength = segments.reduce((n, s) => n + s.length, 0);

  return (value, budget) => {
    if (value.length < minLength || (exact && value.length !== minLength)) return false;
    const text = foldAll(value);
    budget.charge(text.length);
    if (!matchesAt(text, first, 0, budget)) return false;
    if (exact) return true;
    const end = text.length - last.length;
    if (!matchesAt(text, last, end, budget)) return false;
    let from = first.length;
    for (const seg of middle) {
      const at = leftmost(text, seg, from, end, budget);
      if (at < 0) return false;
      from = at + seg.length;
    }
    return true;
  };
}

function matchesAt(text: number[], seg: Segment, at: number, budget: EvaluationBudget): boolean {
  budget.charge(seg.length);
  for (let j = 0; j < seg.length; j++) {
    const want = seg[j] as number;
    if (want !== ANY && text[at + j] !== want) return false;
  }
  return true;
}

/** The first position in `[from, end - seg.length]` where `seg` matches, or -1. */
function leftmost(text: number[], seg: Segment, from: number, end: number, budget: EvaluationBudget): number {
  for (let at = from; at + seg.length <= end; at++) {
    if (matchesAt(text, seg, at, budget)) return at;
  }
  return -1;
}
