/** A seeded emulator store for SOQL specs: 10,000 accounts, contacts, tasks and users with deterministic values. */
import { Registry } from '../../../src/emulator/schema/registry.js';
import { Store } from '../../../src/emulator/store.js';
import type { StoredRecord } from '../../../src/emulator/types.js';

/** 2024-05-15T12:00:00Z, a Wednesday in Q2. */
export const NOW = Date.UTC(2024, 4, 15, 12, 0, 0);
const DAY = 86_400_000;
export const INDUSTRIES = ['Banking', 'Energy', 'Technology', 'Retail', null];
export const TAGS = ['a', 'b', 'c'];

export interface Seeded {
  store: Store;
  users: StoredRecord[];
  accounts: StoredRecord[];
  contacts: StoredRecord[];
  tasks: StoredRecord[];
}

const iso = (t: number): string => new Date(t).toISOString().replace('Z', '+0000');
const dateOnly = (t: number): string => new Date(t).toISOString().slice(0, 10);

export function seed(accountCount = 10_000): Seeded {
  const registry = new Registry({
    fields: {
      Account: [
        { name: 'Tags__c', type: 'multipicklist', picklistValues: TAGS },
        { name: 'Founded__c', type: 'date' },
        { name: 'Score__c', type: 'double', precision: 18, scale: 2 },
      ],
    },
  });
  const store = new Store(registry, { now: () => NOW });
  const users = [0, 1, 2].map(i => store.internalInsert('User', {
    Username: `user${i}@example.com`, LastName: `User${i}`, Name: `Test User${i}`, Email: `u${i}@example.com`,
    Alias: `u${i}`, IsActive: true,
  }));
  const accounts: StoredRecord[] = [];
  const contacts: StoredRecord[] = [];
  const tasks: StoredRecord[] = [];
  for (let i = 0; i < accountCount; i++) {
    const created = NOW - (i % 400) * DAY - (i % 24) * 3_600_000;
    const tags = TAGS.filter((_t, k) => (i >> k) & 1).join(';');
    accounts.push(store.internalInsert('Account', {
      Name: i % 97 === 0 ? `Acme_${i}%` : `Account ${String(i).padStart(5, '0')}`,
      Industry: INDUSTRIES[i % INDUSTRIES.length], AnnualRevenue: i % 7 === 0 ? null : (i % 50) * 1000,
      NumberOfEmployees: i % 300, Tags__c: tags === '' ? null : tags, Founded__c: dateOnly(created),
      Score__c: (i % 10) / 4, External_Id__c: `EXT-${i}`, OwnerId: (users[i % 3] as StoredRecord).Id,
      ParentId: i > 0 && i % 10 === 0 ? (accounts[i - 10] as StoredRecord).Id : null,
      CreatedDate: iso(created), IsDeleted: i % 50 === 49,
    }));
  }
  for (let i = 0; i < accountCount; i += 4) {
    const count = i === 0 ? 450 : i % 3;
    for (let k = 0; k < count; k++) {
      contacts.push(store.internalInsert('Contact', {
        LastName: `Last${k}`, FirstName: k % 2 ? `First${i}` : null, Name: `First${i} Last${k}`,
        AccountId: (accounts[i] as StoredRecord).Id, Email: `c${i}_${k}@example.com`,
        OwnerId: (users[k % 3] as StoredRecord).Id, IsDeleted: k === 1 && i % 8 === 0,
      }));
    }
  }
  for (let i = 0; i < 30; i++) {
    tasks.push(store.internalInsert('Task', {
      Subject: `Task ${i}`, WhatId: (accounts[i] as StoredRecord).Id, Status: 'Not Started', Priority: 'Normal',
    }));
  }
  return { store, users, accounts, contacts, tasks };
}

/** Sorted ids, to compare result sets regardless of order. */
export function ids(recs: Array<{ Id?: unknown }>): string[] {
  return recs.map(r => String(r.Id)).sort();
}
