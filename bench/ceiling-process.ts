import http from 'node:http';

/**
 * The ceiling: a bare Node HTTP server that reads each request body and answers with bytes the gateway produced
 * earlier, chosen by path. Nothing can answer the same requests faster on this machine, so the gateway's req/s is
 * reported as a fraction of this one's, measured in the same run.
 */
const responses = new Map<string, Buffer>();

process.on('message', (message: { path: string; body: string }) => {
  responses.set(message.path, Buffer.from(message.body, 'base64'));
  process.send?.({ stored: message.path });
});

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const body = responses.get(request.url ?? '');
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    response.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.send?.({ url: `http://127.0.0.1:${address.port}` });
});
