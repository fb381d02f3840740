/**
 * Writes the demo org's seed CSV files (accounts, contacts, opportunities) with a fixed PRNG, so the files are the
 * same on every run. Run once with `node --import tsx data/seed/generate.ts`; the output is committed.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

const ACCOUNTS = 400;
const CONTACTS_PER_ACCOUNT = 3;
const OPPORTUNITIES_PER_ACCOUNT = 2;

let state = 20240611;
/** mulberry32: small, fast, and the same sequence everywhere. */
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

const PREFIXES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent',
  'Hooli', 'Vandelay', 'Pied Piper', 'Aperture', 'Black Mesa', 'Massive Dynamic', 'Oscorp', 'Gringotts', 'Monarch',
  'Nakatomi', 'Zorg', 'Dunder Mifflin', 'Bluth', 'Sterling Cooper', 'Prestige', 'Gekko', 'Duff', 'Krusty', 'Ollivander'];
const SUFFIXES = ['Inc.', 'LLC', 'Group', 'Holdings', 'Industries', 'Labs', 'Systems', 'GmbH', 'S.A.', 'Ltd', 'Partners'];
const INDUSTRIES = ['Technology', 'Energy', 'Banking', 'Healthcare', 'Retail', 'Manufacturing', 'Media', 'Education',
  'Transportation', 'Insurance', 'Consulting', 'Telecommunications'];
const TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Technology Partner'];
const CITIES: [string, string, string][] = [['San Francisco', 'CA', 'USA'], ['New York', 'NY', 'USA'],
  ['Austin', 'TX', 'USA'], ['Chicago', 'IL', 'USA'], ['London', '', 'United Kingdom'], ['Paris', '', 'France'],
  ['München', 'Bayern', 'Germany'], ['São Paulo', 'SP', 'Brazil'], ['Tokyo', '', 'Japan'], ['Toronto', 'ON', 'Canada'],
  ['Sydney', 'NSW', 'Australia'], ['Zürich', 'ZH', 'Switzerland']];
const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Tim', 'Radia',
  'Edsger', 'Hedy', 'Donald', 'Katherine', 'John', 'Sophie', 'Björn', 'Zoë', 'José', 'Chloé', 'Søren', 'Ana'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen',
  'Berners-Lee', 'Perlman', 'Dijkstra', 'Lamarr', 'Knuth', 'Johnson', 'McCarthy', "O'Brien", 'Müller', 'García'];
const TITLES = ['CEO', 'CTO', 'VP Sales', 'Head of IT', 'Procurement Manager', 'Engineer', 'CFO', 'Buyer'];
const STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Proposal/Price Quote',
  'Negotiation/Review', 'Closed Won', 'Closed Lost'];
const PRODUCTS = ['Platform licence', 'Support renewal', 'Onboarding', 'Data migration', 'Expansion', 'Pilot'];

const day = (offset: number) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
const here = new URL('./', import.meta.url);

const accounts = Array.from({ length: ACCOUNTS }, (_, i) => {
  const [city, st, country] = pick(CITIES);
  const name = `${pick(PREFIXES)} ${pick(SUFFIXES)} ${i + 1}`;
  return {
    External_Id__c: `ACC-${String(i + 1).padStart(5, '0')}`, Name: name, Industry: pick(INDUSTRIES), Type: pick(TYPES),
    BillingCity: city, BillingState: st, BillingCountry: country, Phone: `+1 555 ${String(int(0, 9999)).padStart(4, '0')}`,
    NumberOfEmployees: String(int(5, 50_000)), AnnualRevenue: String(int(1, 5000) * 10_000),
    Website: `https://www.${name.split(' ')[0]!.toLowerCase()}${i + 1}.example.com`,
    Description: i % 25 === 0 ? `Key account, "${city}" office;\nrenewal due, Q${int(1, 4)}` : '',
  };
});
const contacts = accounts.flatMap(a => Array.from({ length: CONTACTS_PER_ACCOUNT }, () => {
  const first = pick(FIRST);
  const last = pick(LAST);
  return {
    'Account.External_Id__c': a.External_Id__c, FirstName: first, LastName: last, Title: pick(TITLES),
    Email: `${first}.${last}.${int(1, 99_999)}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
    Phone: `+1 555 ${String(int(0, 9999)).padStart(4, '0')}`, MailingCity: a.BillingCity, MailingCountry: a.BillingCountry,
  };
}));
const opportunities = accounts.flatMap(a => Array.from({ length: OPPORTUNITIES_PER_ACCOUNT }, () => ({
  'Account.External_Id__c': a.External_Id__c, Name: `${a.Name.split(' ')[0]} — ${pick(PRODUCTS)}`,
  StageName: pick(STAGES), Amount: String(int(5, 500) * 1000), CloseDate: day(int(0, 540)),
})));

for (const [file, rows] of [['accounts.csv', accounts], ['contacts.csv', contacts], ['opportunities.csv', opportunities]] as const) {
  writeFileSync(new URL(file, here), stringify(rows as Record<string, string>[], { header: true }));
  console.log(`${file}: ${rows.length} rows`);
}
