import type { SObjectModel } from '../../model/index.js';

/** What `query$` accepts besides a SOQL string: a builder that renders SOQL and may know its model. */
export interface QueryBuilderLike {
  /** The model the query selects from; its records are revived through it. */
  readonly model?: SObjectModel<any>;
  toSoql(): string;
}

/** A SOQL string or a builder. */
export type QueryInput = string | QueryBuilderLike;

export function soqlOf(q: QueryInput): string {
  return typeof q === 'string' ? q : q.toSoql();
}

export function modelOf(q: QueryInput): SObjectModel<any> | undefined {
  return typeof q === 'string' ? undefined : q.model;
}
