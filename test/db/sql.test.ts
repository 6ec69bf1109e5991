import { Sql } from '../../src/db/sql';
import { startTestApp, type TestApp } from '../setup/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('Sql', () => {
  it('prepares at most its limit of distinct statements and runs the rest unprepared', async () => {
    const sql = new Sql(t.app.dataSource, null, true, null, 2);
    for (let round = 0; round < 2; round++) {
      for (let n = 1; n <= 4; n++) {
        const rows = await sql.rows<{ n: number }>(`SELECT $1::int + ${n} AS "n"`, [10]);
        expect(rows).toEqual([{ n: 10 + n }]);
      }
    }
    expect(sql.preparedCount).toBe(2);
  });
});
