/** Replication sinks and checkpoint files for Node. */
export { sqliteSink, sqliteType, type SqliteSinkOptions } from './sqliteSink.js';
export { jsonFileCheckpointStore } from './jsonFileStore.js';
export { MissingPeerError } from './peer.js';
export { postgresSink, postgresType, type PostgresSinkOptions } from './postgresSink.js';
export { changeDataCapture, changeEventChannel, type ChangeDataCaptureOptions } from './changeDataCapture.js';
