/** Access and refresh tokens: `00D…!…` opaque strings; expiry by request count or age, as configured. */
import { randomBase62 } from '../ids.js';
import type { OrgConfig, OrgUser } from '../org.js';
import type { SessionInfo } from '../types.js';

interface Session {
  user: OrgUser;
  issuedAt: number;
  requests: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, OrgUser>();

  constructor(private readonly org: OrgConfig, private readonly random: () => number,
    private readonly ttl: () => { requests: number; seconds: number }, private readonly now: () => number = Date.now) {}

  issue(user: OrgUser): string {
    const token = `${this.org.orgId.slice(0, 15)}!AQ${randomBase62(94, this.random)}`;
    this.sessions.set(token, { user, issuedAt: this.now(), requests: 0 });
    return token;
  }

  issueRefresh(user: OrgUser): string {
    const token = `5Aep${randomBase62(83, this.random)}`;
    this.refreshTokens.set(token, user);
    return token;
  }

  refreshUser(token: string): OrgUser | undefined {
    return this.refreshTokens.get(token);
  }

  /**
   * The session for an Authorization header value, counting one API request against its TTL, or undefined when it
   * is unknown or expired (expired sessions are forgotten, as on Salesforce).
   */
  use(token: string, count = true): SessionInfo | undefined {
    const s = this.sessions.get(token);
    if (!s) return undefined;
    const { requests, seconds } = this.ttl();
    if ((requests > 0 && s.requests >= requests) || (seconds > 0 && this.now() - s.issuedAt >= seconds * 1000)) {
      this.sessions.delete(token);
      return undefined;
    }
    if (count) s.requests++;
    return { userId: s.user.userId, orgId: this.org.orgId, username: s.user.username, accessToken: token };
  }

  revoke(token: string): boolean {
    return this.sessions.delete(token) || this.refreshTokens.delete(token);
  }

  userOf(info: SessionInfo): OrgUser | undefined {
    return this.org.users.find(u => u.userId === info.userId);
  }
}

/** The bearer token of a request (`Authorization: Bearer x` or the legacy `OAuth x`). */
export function bearer(header: string | undefined): string | undefined {
  const m = header ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header.trim()) : null;
  return m?.[1];
}
