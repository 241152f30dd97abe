/**
 * A minimal forward proxy for tests: plain-HTTP requests in absolute form are forwarded, CONNECT is tunnelled.
 * It records what it carried so a test can tell that traffic really went through it.
 */
import * as http from 'http';
import * as net from 'net';

export interface ProxiedRequest {
  readonly method: string;
  /** The absolute URL for forwarded requests, host:port for CONNECT. */
  readonly target: string;
  readonly proxyAuthorization?: string;
}

export class ForwardProxy {
  readonly seen: ProxiedRequest[] = [];
  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(): Promise<ForwardProxy> {
    let proxy: ForwardProxy | undefined;
    const server = http.createServer((req, res) => {
      proxy?.seen.push({ method: req.method ?? 'GET', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] });
      const target = new URL(req.url ?? '');
      const headers = { ...req.headers };
      delete headers['proxy-authorization'];
      delete headers['proxy-connection'];
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      proxy?.seen.push({ method: 'CONNECT', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] });
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new ForwardProxy(server, `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    return proxy;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
