/** Declarations of scripts/package-entries.js, for the specs that check package.json against it. */
export declare const ENTRIES: Record<string, string>;
/** The modules of src/ (no extension) that act when imported. */
export declare const SIDE_EFFECTS: string[];
export interface Build { types: string; default: string }
export declare function packageEntries(entries?: Record<string, string>): {
  main: string; types: string; exports: Record<string, { import: Build; require: Build } | string>;
};
/** package.json's `browser` field: each module of `src` (default src/) with a `.browser.ts` twin, in both builds. */
export declare function browserField(src?: string): Record<string, string>;
/** package.json's `sideEffects`: `modules` (default SIDE_EFFECTS) in both builds. */
export declare function sideEffectsField(modules?: string[]): string[];
export declare function entriesDrift(pkg: Record<string, unknown>, entries?: Record<string, string>): string[];
