// The few Node APIs the fetch-helper test uses to run a real HTTP server (the project carries no
// @types/node: the dashboard itself never runs in Node).
declare module 'node:http' {
  export type IncomingHttpHeaders = Record<string, string | undefined>;
  export interface IncomingMessage {
    method?: string;
    url?: string;
    headers: IncomingHttpHeaders;
  }
  export interface ServerResponse {
    writeHead(status: number, headers?: Record<string, string>): this;
    end(body?: string): void;
  }
  export interface Server {
    listen(port: number, host: string, cb: () => void): this;
    address(): unknown;
    close(cb: () => void): this;
  }
  export function createServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Server;
}
declare module 'node:net' {
  export interface AddressInfo {
    address: string;
    port: number;
  }
}
