// A real 3-node Galera cluster on loopback for the cluster tests and the bench: Debian's
// mariadb-server with galera-4's provider library, each node a LocalDatabaseServer in its own
// temp dir. No state transfer is ever needed: node 1 is bootstrapped once and stopped cleanly,
// its data directory (grastate.dat with the cluster's UUID and seqno) is copied to nodes 2 and 3,
// and then all three start as one cluster whose members are already at the same position.
// (rsync SST fails as root, its daemon drops to nobody; mariabackup SST needs mariadb-backup and
// credentials; a clone needs neither.) A node stopped and started again catches up by IST.
import fs from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { findServerBinary, freePort, LocalDatabaseServer, type ServerBinary } from '../../src/core/sandbox/local-server.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';
import { findGaleraProvider, GALERA_PROVIDER_PATHS } from '../setup/prerequisites.js';
import { makeTempDir, sweepOrphanedTempDirs } from './temp-dirs.js';

interface NodePorts {
  sql: number;
  /** gcomm group communication */
  group: number;
  ist: number;
  sst: number;
}

const SYNC_TIMEOUT_MS = 120_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class GaleraNode {
  constructor(
    readonly index: number,
    readonly dir: string,
    readonly ports: NodePorts,
    private readonly args: (bootstrap: boolean) => string[],
    private readonly binary: ServerBinary,
  ) {}

  private handle(bootstrap: boolean): LocalDatabaseServer {
    return new LocalDatabaseServer({ dataDir: this.dir, port: this.ports.sql, binary: this.binary, extraArgs: this.args(bootstrap) });
  }

  profile(database: string): ConnectionProfile {
    return { host: '127.0.0.1', port: this.ports.sql, user: 'root', password: '', database };
  }

  async start(bootstrap = false): Promise<void> {
    await this.handle(bootstrap).start();
  }

  /** Graceful: the node leaves the cluster and saves its position in grastate.dat. */
  async stop(): Promise<void> {
    await this.handle(false).stop();
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  async status(): Promise<Record<string, string>> {
    const connection = await mysql.createConnection({ host: '127.0.0.1', port: this.ports.sql, user: 'root', password: '', connectTimeout: 5_000 });
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'wsrep%'");
      return Object.fromEntries(rows.map((row) => [String(row.Variable_name), String(row.Value)]));
    } finally {
      await connection.end();
    }
  }

  /** Waits until this node is Synced in a Primary component of `size` nodes. */
  async waitSynced(size: number, timeoutMs = SYNC_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      try {
        const status = await this.status();
        last = `size ${status.wsrep_cluster_size}, ${status.wsrep_local_state_comment}, ${status.wsrep_cluster_status}`;
        if (Number(status.wsrep_cluster_size) === size && status.wsrep_local_state_comment === 'Synced' && status.wsrep_cluster_status === 'Primary' && status.wsrep_ready === 'ON') return;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(200);
    }
    throw new Error(`Galera node ${this.index} (port ${this.ports.sql}) not Synced in a cluster of ${size} within ${timeoutMs / 1000} s: ${last}. Log: ${path.join(this.dir, 'err.log')}`);
  }
}

export class GaleraCluster {
  private constructor(
    readonly root: string,
    readonly nodes: GaleraNode[],
  ) {}

  /** Starts a cluster of `size` nodes on loopback; `stop()` it when done (also on failure here). */
  static async start(size = 3): Promise<GaleraCluster> {
    const binary = findServerBinary();
    if (!binary || binary.flavour !== 'mariadb') throw new Error('Galera tests need MariaDB (apt-get install -y mariadb-server, which brings galera-4).');
    const provider = findGaleraProvider();
    if (!provider) throw new Error(`No Galera provider library (looked in ${GALERA_PROVIDER_PATHS.join(', ')}; POOL_GALERA_PROVIDER names another): apt-get install -y galera-4.`);

    await sweepOrphanedTempDirs();
    const root = await makeTempDir();
    const ports: NodePorts[] = [];
    for (let i = 0; i < size; i += 1) ports.push({ sql: await freePort(), group: await freePort(), ist: await freePort(), sst: await freePort() });
    const address = `gcomm://${ports.map((p) => `127.0.0.1:${p.group}`).join(',')}`;
    const nodes = ports.map(
      (p, i) =>
        new GaleraNode(
          i + 1,
          path.join(root, `node${i + 1}`),
          p,
          (bootstrap) => [
            '--wsrep-on=ON',
            `--wsrep-provider=${provider}`,
            `--wsrep-cluster-address=${bootstrap ? 'gcomm://' : address}`,
            '--wsrep-cluster-name=pool_console_test',
            `--wsrep-node-name=node${i + 1}`,
            '--wsrep-node-address=127.0.0.1',
            `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${p.group};ist.recv_addr=127.0.0.1:${p.ist};gcache.size=64M;cert.log_conflicts=yes`,
            `--wsrep-sst-receive-address=127.0.0.1:${p.sst}`,
            // the clone below makes a state transfer unnecessary; were one asked for, mariabackup
            // would fail loudly without credentials rather than rsync failing obscurely as root
            '--wsrep-sst-method=mariabackup',
            '--wsrep-log-conflicts=ON',
            '--binlog-format=ROW',
            '--default-storage-engine=InnoDB',
            '--innodb-autoinc-lock-mode=2',
            '--innodb-flush-log-at-trx-commit=2',
            '--innodb-buffer-pool-size=64M',
            ...(bootstrap ? ['--wsrep-new-cluster'] : []),
          ],
          binary,
        ),
    );
    const cluster = new GaleraCluster(root, nodes);
    try {
      const [first, ...others] = nodes as [GaleraNode, ...GaleraNode[]];
      // bootstrap once to give the cluster its UUID, stop cleanly, clone the position to the others
      await first.start(true);
      await first.waitSynced(1);
      await first.stop();
      for (const node of others) {
        await fs.mkdir(node.dir, { recursive: true });
        await fs.cp(first.dataDir, node.dataDir, { recursive: true });
        // only the node that bootstraps may do so
        const grastate = path.join(node.dataDir, 'grastate.dat');
        await fs.writeFile(grastate, (await fs.readFile(grastate, 'utf8')).replace(/safe_to_bootstrap:\s*1/, 'safe_to_bootstrap: 0'));
      }
      await first.start(true);
      await first.waitSynced(1);
      for (const node of others) await node.start();
      for (const node of nodes) await node.waitSynced(size);
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Stops every node (in reverse, the bootstrap node last) and deletes the cluster's files. */
  async stop(): Promise<void> {
    for (const node of [...this.nodes].reverse()) await node.stop();
    await fs.rm(this.root, { recursive: true, force: true });
  }

  node(index: number): GaleraNode {
    const node = this.nodes[index - 1];
    if (!node) throw new Error(`No Galera node ${index} in a cluster of ${this.nodes.length}`);
    return node;
  }

  /** Creates `database` (DDL replicates to every node) and returns one profile per node. */
  async createDatabase(database: string): Promise<ConnectionProfile[]> {
    const connection = await mysql.createConnection({ ...this.node(1).profile(''), database: undefined });
    try {
      await connection.query(`CREATE DATABASE \`${database}\``);
    } finally {
      await connection.end();
    }
    return this.nodes.map((node) => node.profile(database));
  }
}
