/** Rows every org has: its users and its Organization record. */
import { formatDatetime } from './dates.js';
import { PROFILE_ID, type OrgConfig } from './org.js';
import type { Store } from './store.js';

export function seedOrg(store: Store, org: OrgConfig, now: number): void {
  const ts = formatDatetime(now);
  const admin = org.users[0].userId;
  const audit = { IsDeleted: false, CreatedDate: ts, CreatedById: admin, LastModifiedDate: ts, LastModifiedById: admin,
    SystemModstamp: ts };
  for (const u of org.users) {
    store.seedRecord({ Id: u.userId, ...audit, Username: u.username, FirstName: u.firstName, LastName: u.lastName,
      Name: `${u.firstName} ${u.lastName}`, Email: u.email, Alias: u.username.slice(0, 8), IsActive: true,
      CommunityNickname: u.username.split('@')[0], TimeZoneSidKey: 'America/Los_Angeles', LocaleSidKey: 'en_US',
      EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US', ProfileId: PROFILE_ID });
  }
  store.seedRecord({ Id: org.orgId, ...audit, Name: org.orgName, OrganizationType: 'Developer Edition', IsSandbox: false,
    InstanceName: 'EMU1', DefaultLocaleSidKey: 'en_US', TimeZoneSidKey: 'America/Los_Angeles', LanguageLocaleKey: 'en_US' });
}
