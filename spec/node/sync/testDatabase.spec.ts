import pg from 'pg';
import { createTestDatabase } from '../../support/postgres.js';

describe('Postgres spec harness', () => {
  it('gives each spec an empty database of its own and drops it afterwards', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(tables.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
    await db.drop();
    const admin = new pg.Client({ connectionString: db.url.replace(`/${db.name}`, '/postgres') });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
      expect(found.rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
