import { Sql } from '../../src/db/sql';
import { startTestApp, type TestApp } from '../setup/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('Sql', () => {
  it('prepares at most its budgets of distinct statements (its own, and client-shaped ones) and runs the rest unprepared', async () => {
    const sql = new Sql(t.app.dataSource, null, true, null, { own: 2, clientShaped: 1 });
    for (let round = 0; round < 2; round++) {
      for (let n = 1; n <= 4; n++) {
        expect(await sql.rows<{ n: number }>(`SELECT $1::int + ${n} AS "n"`, [10])).toEqual([{ n: 10 + n }]);
        expect(await sql.rows<{ n: number }>(`SELECT $1::int - ${n} AS "n"`, [10], { clientShaped: true })).toEqual([{ n: 10 - n }]);
      }
    }
    // Client-shaped texts past their budget did not take the application's.
    expect(sql.preparedCount).toEqual({ own: 2, clientShaped: 1 });
  });
});
