import * as net from 'node:net';

/** A server that accepts connections and never answers, listening as `listen` says; `close` ends it and every connection. */
async function listenSilently(
  listen: (server: net.Server, ready: () => void) => void,
): Promise<{ server: net.Server; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => listen(server, resolve));
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server on loopback that accepts connections and never answers: the worst peer. */
export async function startSilentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const { server, close } = await listenSilently((s, ready) => s.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close };
}

/**
 * A Unix socket at `socketPath` that accepts connections and never answers: a D-Bus peer (a
 * hung Secret Service) for `DBUS_SESSION_BUS_ADDRESS=unix:path=…`.
 */
export async function startSilentUnixSocket(socketPath: string): Promise<{ path: string; close: () => Promise<void> }> {
  const { close } = await listenSilently((s, ready) => s.listen(socketPath, ready));
  return { path: socketPath, close };
}

/**
 * An HTTP server that answers at a trickle: headers at once, then one byte of body a second,
 * never finishing. Each byte resets idle timeouts, so only an overall deadline ends the wait.
 */
export async function startTricklingServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const http = await import('node:http');
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '1000000' });
    const timer = setInterval(() => res.write(' '), 1000);
    timers.add(timer);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
