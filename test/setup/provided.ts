/** Where the shared test server is; filled in by test/setup/global-database.ts, read with inject(). */
export interface TestServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The local server's dataDir, or null when POOL_TEST_DATABASE_URL names an external server. */
  dataDir: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testServer: TestServer;
  }
}
