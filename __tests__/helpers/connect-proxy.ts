import * as http from 'node:http';
import * as net from 'node:net';

/**
 * A real HTTP CONNECT proxy on loopback (as squid or a corporate proxy answers CONNECT): it
 * records the `host:port` of every tunnel asked for and pipes bytes both ways. With
 * `upstream`, every tunnel leads there whatever host it names — as an /etc/hosts entry would,
 * for a program that has no endpoint setting (the benchmark's Go helper reaches the emulator
 * so, by the real AWS host names).
 */
export async function startConnectProxy(
  options: { upstream?: { host: string; port: number } } = {},
): Promise<{ url: string; tunnels: string[]; close: () => Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const separator = target.lastIndexOf(':');
    const port = options.upstream?.port ?? Number(target.slice(separator + 1));
    const upstream = net.connect(port, options.upstream?.host ?? target.slice(0, separator), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
