/** Node-only helpers: sf CLI login, file downloads to a path, CSV files as bulk input. */
export * from './sfCliLogin.js';
export * from './download.js';
export * from './bulkCsv.js';
export * from './files.js';
export * from './sync/index.js';
export * from '../sources/streaming/index.js';
