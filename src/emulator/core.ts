/** What the server's parts share: org identity, sessions, the store, faults, and the emulator's own URL. */
import type { IncomingMessage } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { Sessions } from './auth/sessions.js';
import type { Faults } from './faults.js';
import type { OrgConfig } from './org.js';
import type { Store } from './store.js';

/** A pending authorization code (web server flow with PKCE). */
export interface AuthCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  challenge?: string;
  method?: string;
  expires: number;
}

export interface Core {
  org: OrgConfig;
  sessions: Sessions;
  store: Store;
  faults: Faults;
  random: () => number;
  jwtKey?: KeyObject | CryptoKey | string;
  codes: Map<string, AuthCode>;
  /** `http://host:port` as the client reached it (instance_url, id URLs, nextRecordsUrl). */
  baseUrl(req: IncomingMessage): string;
  now(): number;
  /** When the schema was loaded (describe's Last-Modified). */
  schemaModified: number;
  startedAt: number;
}

export const API_VERSIONS: { version: string; label: string }[] = [
  ['50.0', "Winter '21"], ['51.0', "Spring '21"], ['52.0', "Summer '21"], ['53.0', "Winter '22"],
  ['54.0', "Spring '22"], ['55.0', "Summer '22"], ['56.0', "Winter '23"], ['57.0', "Spring '23"],
  ['58.0', "Summer '23"], ['59.0', "Winter '24"], ['60.0', "Spring '24"], ['61.0', "Summer '24"],
  ['62.0', "Winter '25"],
].map(([version, label]) => ({ version, label }));
export const LATEST_VERSION = '62.0';
