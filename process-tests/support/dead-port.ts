/** A port where nothing listens (bound, then released): for a command pointed at no server. */
import { createServer } from 'node:net';

export const deadPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
