/** SOSL search (`/search`) and parameterized search (`/parameterizedSearch`). */
export { search$, search, type SearchRecord, type SearchResult } from './search.js';
export { parameterizedSearch$, parameterizedSearch, type ParameterizedObject, type ParameterizedSearchOptions } from './parameterizedSearch.js';
