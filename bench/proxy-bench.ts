// Proxy throughput benchmark (node; a program, not a test): serves a 512 MB blob from a local http server and reads
// it directly and through createProxy, printing MB/s for each and the proxied/direct ratio (goal ≥ 90 %).
// Blob server, proxy and reader run as separate processes, as deployed. A raw TCP relay (no HTTP, read + write only)
// is measured too: it is the ceiling for any user-space proxy on this machine, where every loopback byte costs CPU.
// Then the same size as one blob in a real docker-registry (sending CORS headers), read by a Node client and by
// headless Chromium's fetch() (the proxy's real client): directly (cross-origin) and through strata serve's /proxy,
// alternating in each round. --baseline <dir>/server/proxy/create-proxy.ts adds another proxy built from that copy
// (e.g. `git archive HEAD server/proxy | tar -x -C <dir>`), measured in the same rounds: a same-run before/after.
// Run: node --import tsx bench/proxy-bench.ts [sizeMB] [rounds] [--baseline <create-proxy.ts>] [--no-browser]
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { createProxy as CreateProxy } from '../server/proxy/create-proxy.ts';
import { startServer } from '../server/serve.ts';
import type { RealRegistry } from '../src/testing/real-registry.ts';
import { launchBenchBrowser, pushPatternBlob, startCorsRegistry, type BenchPage, type BrowserRead } from './proxy-bench-registry.ts';
import { readThreadCpu } from './thread-cpu.ts';

const role = process.argv[2] === '--role' ? process.argv[3] : undefined;
const argv = role === undefined ? process.argv.slice(2) : process.argv.slice(4);
const baselineIndex = argv.indexOf('--baseline');
const baselineModule = baselineIndex >= 0 ? argv[baselineIndex + 1] : undefined;
const withBrowser = !argv.includes('--no-browser');
const args = argv.filter((a, i) => !a.startsWith('--') && (baselineIndex < 0 || i !== baselineIndex + 1));
const sizeMB = Number(args[0] ?? 512);
const rounds = Number(args[1] ?? 3);
const SIZE = sizeMB * 1_000_000;
const CHUNK = Buffer.alloc(1024 * 1024, 0x62);
const DIGEST = `sha256:${'d'.repeat(64)}`;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/**
 * The blob server: writes SIZE bytes from one reused buffer, honouring backpressure; `?rate=N` paces it to N MB/s, a
 * registry behind a link of that speed (loopback otherwise makes every byte a CPU cost on the same 2 cores).
 */
function serveBlob(req: http.IncomingMessage, res: http.ServerResponse): void {
  const rate = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('rate') ?? 0);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE, 'access-control-allow-origin': '*' });
  let sent = 0;
  const t0 = performance.now();
  const pump = (): void => {
    while (sent < SIZE) {
      const ahead = rate > 0 ? sent / (rate * 1000) - (performance.now() - t0) : 0;
      if (ahead > 1) {
        setTimeout(pump, ahead);
        return;
      }
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
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
    child.once('exit', (code) => reject(new Error(`${childRole} exited with ${code}`)));
  });
}

async function runChild(): Promise<void> {
  // The parent asks for this process's CPU time over IPC (any message): milliseconds, user + system.
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.((user + system) / 1000);
  });
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
  const allowHosts = [`127.0.0.1:${blobPort}`, ...(args[2] ? [args[2]] : [])];
  if (role === 'serve') {
    const server = await startServer({ port: 0, host: '127.0.0.1', demoDir: false, allowHosts, log: () => undefined });
    console.log(server.port);
    return;
  }
  // role 'proxy': createProxy from this checkout or from the --baseline copy, alone behind an http server.
  const module = (await import(pathToFileURL(resolvePath(args[3] ?? new URL('../server/proxy/create-proxy.ts', import.meta.url).pathname)).href)) as { createProxy: typeof CreateProxy };
  const proxy = module.createProxy({ allowHosts, rateLimit: { requests: 1_000_000, perMs: 60_000 } });
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/proxy/')) return proxy.handle(req, res);
    res.end('strata proxy bench\n'); // a page here gets the proxy's origin
  });
  console.log(await listen(server));
}

/** CPU milliseconds a child has used so far. */
function childCpuMs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (ms) => resolve(Number(ms)));
    child.send('cpu');
  });
}

type Child = { child: ChildProcess; port: number };

/** One measured path: MB/s per round and, for a proxy, its CPU ms per MB per round. */
type Series = { readonly label: string; readonly mbps: number[]; readonly cpuPerMB: Map<string, number[]> };

const series = (label: string): Series => ({ label, mbps: [], cpuPerMB: new Map() });

/** A process whose CPU time (ms so far) is sampled around each read. */
type Probe = { readonly name: string; readonly cpuMs: () => Promise<number> | number };

const proxyProbe = (c: Child): Probe => ({ name: 'proxy', cpuMs: () => childCpuMs(c.child) });

/** CPU ms of one process from /proc (10 ms ticks). */
function procCpuMs(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

const cpuOf = (s: Series, name: string): number => median(s.cpuPerMB.get(name) ?? []);

function show(s: Series, against?: Series): void {
  const m = median(s.mbps);
  const ratio = against === undefined ? '' : `  ${((m / median(against.mbps)) * 100).toFixed(1).padStart(5)} % of ${against.label}`;
  const cpu = s.cpuPerMB.size > 0 ? `  CPU ms/MB: ${[...s.cpuPerMB.keys()].map((k) => `${k} ${cpuOf(s, k).toFixed(2)}`).join(', ')}` : '';
  console.log(`${s.label.padEnd(34)} ${m.toFixed(0).padStart(6)} MB/s   [${s.mbps.map((v) => v.toFixed(0)).join(', ')}]${ratio}${cpu}`);
}

/** Runs `read` once, adding MB/s (and the CPU each probe used meanwhile, per MB) to `into`. */
async function timed(into: Series, probes: readonly Probe[], read: () => Promise<number>): Promise<void> {
  const before = await Promise.all(probes.map((p) => p.cpuMs()));
  into.mbps.push(await read());
  const after = await Promise.all(probes.map((p) => p.cpuMs()));
  probes.forEach((p, i) => {
    const list = into.cpuPerMB.get(p.name) ?? [];
    list.push(((after[i] ?? 0) - (before[i] ?? 0)) / sizeMB);
    into.cpuPerMB.set(p.name, list);
  });
}

/** MB/s of a browser read, checked for status and length. */
function browserRate(r: BrowserRead): number {
  if (r.status !== 200 || r.bytes !== SIZE) throw new Error(`chromium read ${r.bytes} of ${SIZE} bytes (status ${r.status})`);
  return SIZE / 1e6 / (r.ms / 1000);
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const children: ChildProcess[] = [];
  const start = async (childRole: string, extra: string[]): Promise<Child> => {
    const c = await startChild(childRole, extra);
    children.push(c.child);
    return c;
  };
  const registry = withBrowser ? await startCorsRegistry() : undefined;
  try {
    const blob = await start('blob', []);
    const proxy = await start('proxy', [String(blob.port), registry?.host ?? '']);
    const relay = await start('relay', [String(blob.port)]);
    const baseline = baselineModule === undefined ? undefined : await start('proxy', [String(blob.port), registry?.host ?? '', resolvePath(baselineModule)]);
    const agent = new http.Agent({ keepAlive: true });
    const path = `/v2/bench/blob/blobs/${DIGEST}`;
    const proxiedPath = `/proxy/127.0.0.1:${blob.port}${path}`;

    await measure(blob.port, path, agent); // warm-up
    await measure(proxy.port, proxiedPath, agent);
    await measure(relay.port, path, agent);
    if (baseline) await measure(baseline.port, proxiedPath, agent);
    const direct = series('direct');
    const relayed = series('raw TCP relay');
    const proxied = series('strata proxy');
    const before = series('baseline proxy (--baseline)');
    for (let i = 0; i < rounds; i++) {
      await timed(direct, [], () => measure(blob.port, path, agent));
      await timed(relayed, [], () => measure(relay.port, path, agent));
      await timed(proxied, [proxyProbe(proxy)], () => measure(proxy.port, proxiedPath, agent));
      if (baseline) await timed(before, [proxyProbe(baseline)], () => measure(baseline.port, proxiedPath, agent));
    }
    const d = median(direct.mbps);
    const r = median(relayed.mbps);
    const p = median(proxied.mbps);
    const line = (label: string, s: Series): void => {
      console.log(`${label.padEnd(18)} ${median(s.mbps).toFixed(0).padStart(6)} MB/s   [${s.mbps.map((v) => v.toFixed(0)).join(', ')}]`);
    };
    console.log(`blob ${sizeMB} MB over loopback, median of ${rounds} rounds; blob server, proxy/relay and reader are separate processes`);
    line('direct', direct);
    line('raw TCP relay', relayed);
    line('strata proxy', proxied);
    if (baseline) line('baseline proxy', before);
    console.log(`proxied / direct   ${((p / d) * 100).toFixed(1)} %  (goal ≥ 90 %)`);
    console.log(`relay / direct     ${((r / d) * 100).toFixed(1)} %  (ceiling for any user-space proxy here)`);
    console.log(`proxied / relay    ${((p / r) * 100).toFixed(1)} %`);
    const cpu = cpuOf(proxied, 'proxy');
    console.log(`proxy CPU ${cpu.toFixed(2)} ms per MB → the proxy alone could move ~${(1000 / cpu).toFixed(0)} MB/s per core`);
    if (baseline) {
      console.log(`baseline / direct  ${((median(before.mbps) / d) * 100).toFixed(1)} %`);
      console.log(`baseline proxy CPU ${cpuOf(before, 'proxy').toFixed(2)} ms per MB`);
    }
    if (registry) await runRegistryPart(registry, blob.port, baseline, start, agent);
    if (withBrowser && registry) await runLinkPart(blob.port, registry.host, start);
    agent.destroy();
  } finally {
    for (const child of children) child.kill();
    await registry?.stop();
  }
  console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs (shared machine: compare ratios from the same run)`);
}

/** docker-registry part: Node client and Chromium, direct vs strata serve /proxy (vs the baseline proxy), alternating. */
async function runRegistryPart(registry: RealRegistry, blobPort: number, baseline: Child | undefined, start: (role: string, extra: string[]) => Promise<Child>, agent: http.Agent): Promise<void> {
  const registryHost = registry.host;
  const t = performance.now();
  const digest = await pushPatternBlob(registryHost, 'bench/proxy', SIZE);
  console.log(`\npushed a ${sizeMB} MB blob to docker-registry ${registryHost} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const serve = await start('serve', [String(blobPort), registryHost]);
  const registryPort = Number(registryHost.split(':')[1]);
  const path = `/v2/bench/proxy/blobs/${digest}`;
  const proxiedPath = `/proxy/${registryHost}${path}`;
  const marker = `--strata-proxy-bench=${process.pid}`;
  const browser = await launchBenchBrowser(marker);
  const chromiumProbe: Probe = { name: 'chromium', cpuMs: () => [...readThreadCpu(marker).values()].reduce((sum, t) => sum + t.secs * 1000, 0) };
  const registryProbe: Probe = { name: 'registry', cpuMs: () => procCpuMs(registry.pid) };
  try {
    // One page on strata serve's origin reads both ways (the direct read is cross-origin: CORS); the baseline proxy
    // needs a page on its own origin.
    const servePage = await browser.pageAt(`http://127.0.0.1:${serve.port}/api/config`);
    const baselinePage: BenchPage | undefined = baseline === undefined ? undefined : await browser.pageAt(`http://127.0.0.1:${baseline.port}/`);
    const directUrl = `http://${registryHost}${path}`;
    await measure(registryPort, path, agent); // warm-up (page cache, connections)
    await measure(serve.port, proxiedPath, agent);
    browserRate(await servePage.read(directUrl));
    browserRate(await servePage.read(proxiedPath));
    const node = { direct: series('node: direct'), serve: series('node: strata serve /proxy'), baseline: series('node: baseline proxy') };
    const page = { direct: series('chromium: direct (CORS)'), serve: series('chromium: strata serve /proxy'), baseline: series('chromium: baseline proxy') };
    for (let i = 0; i < rounds; i++) {
      await timed(node.direct, [registryProbe], () => measure(registryPort, path, agent));
      await timed(node.serve, [proxyProbe(serve), registryProbe], () => measure(serve.port, proxiedPath, agent));
      if (baseline) await timed(node.baseline, [proxyProbe(baseline), registryProbe], () => measure(baseline.port, proxiedPath, agent));
      await timed(page.direct, [chromiumProbe, registryProbe], async () => browserRate(await servePage.read(directUrl)));
      await timed(page.serve, [proxyProbe(serve), chromiumProbe, registryProbe], async () => browserRate(await servePage.read(proxiedPath)));
      if (baselinePage && baseline) await timed(page.baseline, [proxyProbe(baseline), chromiumProbe, registryProbe], async () => browserRate(await baselinePage.read(proxiedPath)));
    }
    console.log(`blob ${sizeMB} MB from docker-registry (CORS headers on), median of ${rounds} alternating rounds; Chromium ${browser.version} fetch() read to the end`);
    show(node.direct);
    show(node.serve, node.direct);
    if (baseline) show(node.baseline, node.direct);
    show(page.direct);
    show(page.serve, page.direct);
    if (baseline) show(page.baseline, page.direct);
  } finally {
    await browser.close();
  }
}

/** A registry behind a link of LINK_MBPS (the blob server paced): Chromium direct (CORS) vs through strata serve. */
const LINK_MBPS = [100, 200];
async function runLinkPart(blobPort: number, registryHost: string, start: (role: string, extra: string[]) => Promise<Child>): Promise<void> {
  const serve = await start('serve', [String(blobPort), registryHost]);
  const browser = await launchBenchBrowser(`--strata-proxy-bench-link=${process.pid}`);
  try {
    const page = await browser.pageAt(`http://127.0.0.1:${serve.port}/api/config`);
    const path = `/v2/bench/blob/blobs/${DIGEST}`;
    console.log(`\nblob ${sizeMB} MB from a server paced to a link speed, median of ${rounds} alternating rounds; Chromium fetch() read to the end`);
    for (const mbps of LINK_MBPS) {
      const direct = series(`chromium direct, ${mbps} MB/s link`);
      const proxied = series(`chromium via /proxy, ${mbps} MB/s link`);
      for (let i = 0; i < rounds; i++) {
        await timed(direct, [], async () => browserRate(await page.read(`http://127.0.0.1:${blobPort}${path}?rate=${mbps}`)));
        await timed(proxied, [], async () => browserRate(await page.read(`/proxy/127.0.0.1:${blobPort}${path}?rate=${mbps}`)));
      }
      show(direct);
      show(proxied, direct);
    }
  } finally {
    await browser.close();
  }
}

if (role === undefined) await main();
else await runChild();
