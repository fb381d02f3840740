/** The identity URL (`/id/{orgId}/{userId}`) and OpenID `userinfo`, which clients call after login. */
import type { IncomingMessage } from 'node:http';
import { LATEST_VERSION, type Core } from '../core.js';
import { formatDatetime } from '../dates.js';
import { errorBody } from '../http.js';
import type { OrgUser } from '../org.js';
import type { Reply } from '../reply.js';
import { SfHttpError } from '../types.js';
import { bearer } from './sessions.js';

function sessionUser(core: Core, req: IncomingMessage): OrgUser | undefined {
  const token = bearer(req.headers.authorization);
  const info = token ? core.sessions.use(token, false) : undefined;
  return info && core.sessions.userOf(info);
}

function urls(base: string, orgId: string, userId: string): Record<string, string> {
  const v = LATEST_VERSION;
  return {
    enterprise: `${base}/services/Soap/c/{version}/${orgId.slice(0, 15)}`,
    metadata: `${base}/services/Soap/m/{version}/${orgId.slice(0, 15)}`,
    partner: `${base}/services/Soap/u/{version}/${orgId.slice(0, 15)}`,
    rest: `${base}/services/data/v{version}/`, sobjects: `${base}/services/data/v{version}/sobjects/`,
    search: `${base}/services/data/v{version}/search/`, query: `${base}/services/data/v{version}/query/`,
    recent: `${base}/services/data/v{version}/recent/`, tooling_soap: `${base}/services/Soap/T/{version}/${orgId.slice(0, 15)}`,
    tooling_rest: `${base}/services/data/v{version}/tooling/`, profile: `${base}/${userId}`,
    feeds: `${base}/services/data/v{version}/chatter/feeds`, groups: `${base}/services/data/v{version}/chatter/groups`,
    users: `${base}/services/data/v{version}/chatter/users`,
    feed_items: `${base}/services/data/v{version}/chatter/feed-items`,
    feed_elements: `${base}/services/data/v{version}/chatter/feed-elements`, custom_domain: base,
    latest_version: v,
  };
}

function unauthorized(reply: Reply): void {
  reply.json(401, errorBody(new SfHttpError(401, 'INVALID_SESSION_ID', 'Session expired or invalid')));
}

export function handleIdentity(core: Core, req: IncomingMessage, path: string, reply: Reply): void {
  const user = sessionUser(core, req);
  const [, , orgId, userId] = path.split('/');
  if (!user) return unauthorized(reply);
  if (orgId !== core.org.orgId || userId !== user.userId) {
    reply.json(403, 'Bad_Id');
    return;
  }
  const base = core.baseUrl(req);
  reply.json(200, {
    id: `${base}/id/${orgId}/${userId}`, asserted_user: true, user_id: userId, organization_id: orgId,
    username: user.username, nick_name: user.username.split('@')[0], display_name: `${user.firstName} ${user.lastName}`,
    email: user.email, email_verified: true, first_name: user.firstName, last_name: user.lastName,
    timezone: 'America/Los_Angeles', photos: { picture: `${base}/profilephoto/005/F`, thumbnail: `${base}/profilephoto/005/T` },
    addr_street: null, addr_city: null, addr_state: null, addr_country: null, addr_zip: null, mobile_phone: null,
    mobile_phone_verified: false, is_lightning_login_user: false,
    status: { created_date: null, body: null }, urls: urls(base, orgId, userId), active: true, user_type: 'STANDARD',
    language: 'en_US', locale: 'en_US', utcOffset: -28800000, last_modified_date: formatDatetime(core.startedAt),
    is_app_installed: true,
  });
}

export function handleUserinfo(core: Core, req: IncomingMessage, reply: Reply): void {
  const user = sessionUser(core, req);
  if (!user) return unauthorized(reply);
  const base = core.baseUrl(req);
  const orgId = core.org.orgId;
  reply.json(200, {
    sub: `${base}/id/${orgId}/${user.userId}`, user_id: user.userId, organization_id: orgId,
    preferred_username: user.username, nickname: user.username.split('@')[0],
    name: `${user.firstName} ${user.lastName}`, email: user.email, email_verified: true, given_name: user.firstName,
    family_name: user.lastName, zoneinfo: 'America/Los_Angeles', photos: { picture: `${base}/profilephoto/005/F`,
      thumbnail: `${base}/profilephoto/005/T` }, profile: `${base}/${user.userId}`, picture: `${base}/profilephoto/005/F`,
    address: {}, is_salesforce_integration_user: false, urls: urls(base, orgId, user.userId), active: true,
    user_type: 'STANDARD', language: 'en_US', locale: 'en_US', utcOffset: -28800000,
    updated_at: new Date(core.startedAt).toISOString().replace(/\.\d+Z$/, 'Z'), is_app_installed: true,
  });
}
