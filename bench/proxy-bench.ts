// Proxy throughput benchmark (node; a program, not a test): serves a 512 MB blob from a local http server and reads
// it directly and through createProxy, printing MB/s for each and the proxied/direct ratio (goal ≥ 90 %).
// Blob server, proxy and reader run as separate processes, as deployed. A raw TCP relay (no HTTP, read + write only)
// is measured too: it is the ceiling for any user-space proxy on this machine, where every loopback byte costs CPU.
// Run: node --import tsx bench/proxy-bench.ts [sizeMB] [rounds]
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createProxy } from '../server/proxy/create-proxy.ts';

const role = process.argv[2] === '--role' ? process.argv[3] : undefined;
const args = role === undefined ? process.argv.slice(2) : process.argv.slice(4);
const sizeMB = Number(args[0] ?? 512);
const rounds = Number(args[1] ?? 3);
const SIZE = sizeMB * 1_000_000;
const CHUNK = Buffer.alloc(1024 * 1024, 0x62);
const DIGEST = `sha256:${'d'.repeat(64)}`;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** The blob server: writes SIZE bytes from one reused buffer, honouring backpressure. */
function serveBlob(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE });
  let sent = 0;
  const pump = (): void => {
    while (sent < SIZE) {
      const piece = SIZE - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, SIZE - sent);
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

/** Reads one URL to the end; returns MB/s. */
function measure(port: number, path: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', () => {
        if (bytes !== SIZE) return reject(new Error(`read ${bytes} of ${SIZE} bytes (status ${res.statusCode})`));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve(SIZE / 1e6 / seconds);
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Starts this file in another process in `childRole`; resolves with the port it prints. */
function startChild(childRole: string, extra: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--role', childRole, String(sizeMB), ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
    child.once('exit', (code) => reject(new Error(`${childRole} exited with ${code}`)));
  });
}

async function runChild(): Promise<void> {
  if (role === 'blob') {
    const server = http.createServer(serveBlob);
    console.log(await listen(server));
    return;
  }
  const blobPort = Number(args[1]);
  if (role === 'relay') {
    const relay = net.createServer((client) => {
      const upstream = net.connect(blobPort, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    console.log(await listen(relay));
    return;
  }
  const proxy = createProxy({ allowHosts: [`127.0.0.1:${blobPort}`], rateLimit: { requests: 1_000_000, perMs: 60_000 } });
  const server = http.createServer((req, res) => {
    if (req.url !== '/__cpu') return proxy.handle(req, res);
    const { user, system } = process.cpuUsage();
    res.end(String((user + system) / 1000));
  });
  console.log(await listen(server));
}

/** CPU milliseconds the proxy process has used so far. */
function proxyCpuMs(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/__cpu', agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve(Number(text)));
    }).on('error', reject);
  });
}

async function main(): Promise<void> {
  const blob = await startChild('blob', []);
  const proxy = await startChild('proxy', [String(blob.port)]);
  const relay = await startChild('relay', [String(blob.port)]);
  const agent = new http.Agent({ keepAlive: true });
  const path = `/v2/bench/blob/blobs/${DIGEST}`;
  const proxiedPath = `/proxy/127.0.0.1:${blob.port}${path}`;

  await measure(blob.port, path, agent); // warm-up
  await measure(proxy.port, proxiedPath, agent);
  await measure(relay.port, path, agent);
  const direct: number[] = [];
  const relayed: number[] = [];
  const proxied: number[] = [];
  const cpuPerMB: number[] = [];
  for (let i = 0; i < rounds; i++) {
    direct.push(await measure(blob.port, path, agent));
    relayed.push(await measure(relay.port, path, agent));
    const cpuBefore = await proxyCpuMs(proxy.port);
    proxied.push(await measure(proxy.port, proxiedPath, agent));
    cpuPerMB.push(((await proxyCpuMs(proxy.port)) - cpuBefore) / sizeMB);
  }
  const d = median(direct);
  const r = median(relayed);
  const p = median(proxied);
  const show = (label: string, value: number, all: number[]): void => {
    console.log(`${label.padEnd(18)} ${value.toFixed(0).padStart(6)} MB/s   [${all.map((v) => v.toFixed(0)).join(', ')}]`);
  };
  console.log(`blob ${sizeMB} MB over loopback, median of ${rounds} rounds; blob server, proxy/relay and reader are separate processes`);
  show('direct', d, direct);
  show('raw TCP relay', r, relayed);
  show('strata proxy', p, proxied);
  console.log(`proxied / direct   ${((p / d) * 100).toFixed(1)} %  (goal ≥ 90 %)`);
  console.log(`relay / direct     ${((r / d) * 100).toFixed(1)} %  (ceiling for any user-space proxy here)`);
  console.log(`proxied / relay    ${((p / r) * 100).toFixed(1)} %`);
  const cpu = median(cpuPerMB);
  console.log(`proxy CPU ${cpu.toFixed(2)} ms per MB → the proxy alone could move ~${(1000 / cpu).toFixed(0)} MB/s per core`);
  agent.destroy();
  blob.child.kill();
  proxy.child.kill();
  relay.child.kill();
}

if (role === undefined) await main();
else await runChild();
