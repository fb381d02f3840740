/**
 * Access and refresh tokens: `00D…!…` opaque strings; expiry by request count or idle time, as configured. Salesforce
 * ends a session after the org's timeout of inactivity (Session Settings → Timeout Value), and every request keeps it
 * alive, so the seconds count from the session's last use, not from its issue.
 */
import { randomBase62 } from '../ids.js';
import type { OrgConfig, OrgUser } from '../org.js';
import type { SessionInfo } from '../types.js';

interface Session {
  user: OrgUser;
  /** When the session was issued or last used (emulator clock, ms). */
  lastUsedAt: number;
  requests: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, OrgUser>();

  constructor(private readonly org: OrgConfig, private readonly random: () => number,
    private readonly ttl: () => { requests: number; seconds: number }, private readonly now: () => number = Date.now) {}

  issue(user: OrgUser): string {
    const token = `${this.org.orgId.slice(0, 15)}!AQ${randomBase62(94, this.random)}`;
    this.sessions.set(token, { user, lastUsedAt: this.now(), requests: 0 });
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
   * The session for an Authorization header value, counting one API request against its TTL and restarting its idle
   * timer, or undefined when it is unknown or expired (expired sessions are forgotten, as on Salesforce).
   */
  use(token: string, count = true): SessionInfo | undefined {
    const s = this.sessions.get(token);
    if (!s) return undefined;
    const { requests, seconds } = this.ttl();
    const now = this.now();
    if ((requests > 0 && s.requests >= requests) || (seconds > 0 && now - s.lastUsedAt >= seconds * 1000)) {
      this.sessions.delete(token);
      return undefined;
    }
    s.lastUsedAt = now;
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
