import http from 'node:http';
import { Pool } from 'pg';

/**
 * The popular list's baseline: a bare Node HTTP server that answers every request with one prepared statement reading
 * the table the popular list is ranked from (popularity_window: the top 10 of the 7-day window), as JSON. No GraphQL,
 * no article fields: the least any server could do per request against PostgreSQL. The gateway's uncached
 * popularArticles is compared with it in the same run.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });

const TOP = {
  name: 'bench_popular_top',
  text: `SELECT "article_id" AS "id", "views" FROM "popularity_window" WHERE "window" = $1 ORDER BY "views" DESC, "article_id" LIMIT $2`,
};

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    pool
      .query({ ...TOP, values: ['LAST_7_DAYS', 10] })
      .then(({ rows }) => {
        const body = JSON.stringify({ data: { popularArticles: rows.map((row, index) => ({ rank: index + 1, views: row.views, article: { id: row.id } })) } });
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        response.end(body);
      })
      .catch((error: Error) => {
        response.writeHead(500).end(error.message);
      });
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.send?.({ url: `http://127.0.0.1:${address.port}` });
});
process.on('message', (message: string) => {
  if (message === 'stop') void pool.end().then(() => process.exit(0));
});
