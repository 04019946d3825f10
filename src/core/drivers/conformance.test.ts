// The conformance suite every driver model runs: identity and sources, layout and layerdb, read-only purity,
// deletion form, volume bypass, errno behaviour, determinism, and commit → re-apply round trips.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DRIVER_MODELS } from './driver-catalog.ts';
import { DRIVER_NAMES, type Basis, type DriverModel } from './driver-model.ts';
import { renderLayout } from './layout-tree.ts';
import { checkImageDepth } from './limits.ts';
import { computeDiskUsage } from './disk-usage.ts';
import { digestHex, type DiffId } from '../oci/digest.ts';
import { createTeachingImage, teachingChangesets } from '../cow/teaching-image.ts';
import { createLowerViewFromChangesets, type ChangesetEntry } from '../cow/changeset-lower-view.ts';
import { parseSimulatorOptions, type SimulatorOptions } from '../cow/options.ts';
import { simulateContainer, type SimulationRun } from '../cow/simulator.ts';
import { buildSimulationReport } from '../cow/report.ts';
import { containerDelta } from '../cow/container-size.ts';
import { commitContainer } from '../cow/commit.ts';
import { lstatNode } from '../cow/container-lookup.ts';

const image = createTeachingImage();
assert.ok(image.ok);
const view = image.value;
const SOURCES = new Set(Array.from({ length: 40 }, (_, i) => `S${i + 1}`));

function options(items: string[] = []): SimulatorOptions {
  const o = parseSimulatorOptions(items);
  assert.ok(o.ok);
  return o.value;
}

function simulateWith(driver: DriverModel, commands: string[], items: string[] = []): SimulationRun {
  const r = simulateContainer({ view, driver, options: options(items), commands });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function checkBasis(where: string, b: Basis): void {
  assert.ok(['documented', 'derived', 'not-verified'].includes(b.confidence), where);
  for (const s of b.sources) assert.ok(SOURCES.has(s), `${where}: unknown source ${s}`);
  if (b.confidence !== 'not-verified') assert.ok(b.sources.length > 0, `${where}: a ${b.confidence} rule cites a source`);
}

const BATTERY = [
  'cat /usr/lib/libfoo.so', 'echo -n x >> /srv/big.bin', 'dd if=/dev/zero of=/usr/bin/python3 bs=4K count=1 seek=3 conv=notrunc',
  ': <> /etc/passwd', ': > /etc/os-release', 'truncate -s 10 /usr/share/doc/curl/README', 'chmod 600 /etc/passwd', 'chown 1000:1000 /bin/busybox',
  'rm /etc/motd', 'rm -rf /opt/app && mkdir /opt/app && echo x > /opt/app/new', 'touch /etc/new.conf', 'mv /etc/new.conf /etc/renamed.conf',
  'mv /usr/share/doc /usr/share/doc2', 'echo -n x >> /bin/a', 'ln /usr/bin/python3 /root/py', 'ln -s /srv/www /www', 'exec 3< /etc/passwd',
  'exec 4<> /etc/passwd', 'echo y >&4', 'cat <&3', 'exec 3>&-', 'mkdir -p /var/log/app', 'echo x > /tmp/x', 'rm /tmp/x', 'rmdir /var/log/app',
];

/** Every driver with Docker's defaults, plus the option variants that change a model's behaviour. */
const VARIANTS: [typeof DRIVER_NAMES[number], string[]][] = [
  ...DRIVER_NAMES.map((n): [typeof n, string[]] => [n, []]),
  ['devicemapper', ['lvm=direct']], ['overlay2', ['redirect_dir=on']], ['overlay2', ['metacopy=on']], ['vfs', ['reflink=yes']],
];

for (const [name, variant] of VARIANTS) {
  const driver = DRIVER_MODELS[name];
  const simulate = (d: DriverModel, commands: string[], items: string[] = []): SimulationRun => simulateWith(d, commands, [...variant, ...items]);
  describe(`driver model ${name}${variant.length > 0 ? ` (${variant.join(',')})` : ''}`, () => {
    test('names itself, its history and its limits, and cites drivers.md sources for every fact', () => {
      assert.equal(driver.name, name);
      assert.ok(driver.title.length > 0 && driver.history.added.length > 0);
      assert.equal(driver.limits.layerStore, 125);
      checkBasis('pageCache', driver.pageCache);
      checkBasis('cowUnit', driver.cowUnit(options()));
      if (driver.limits.driverDepth) checkBasis('driverDepth', driver.limits.driverDepth);
      for (const [rule, b] of Object.entries(driver.rules)) checkBasis(rule, b!);
    });

    test('backs every rule the simulator applies to it with its own basis', () => {
      for (const items of [[], ['reflink=yes'], variant.includes('metacopy=on') ? [] : ['kernel=4.18']]) {
        const report = buildSimulationReport(simulate(driver, BATTERY, items));
        for (const step of report.steps) {
          for (const r of step.rules) assert.ok(driver.rules[r.rule], `${step.command}: rule ${r.rule} has no basis`);
        }
      }
    });

    test('lays out /var/lib/docker with its own dirs and image/<driver>/layerdb for each ChainID', () => {
      const run = simulate(driver, ['rm /etc/motd', 'touch /etc/new.conf']);
      const delta = containerDelta(run.state);
      const layout = driver.buildLayout({ view, options: run.options, container: delta });
      assert.equal(layout.driver, name);
      assert.equal(layout.idsIllustrative, true);
      const text = renderLayout(layout, view, { expand: false });
      assert.match(text, new RegExp(`^  ${name}/$`, 'm'), 'a top-level dir named after the driver');
      assert.match(text, new RegExp(`^  image/\\n    ${name}/\\n      layerdb/`, 'm'));
      for (const [i, layer] of view.layers.entries()) {
        const at = text.indexOf(`${digestHex(layer.chainId)}/`);
        assert.ok(at > 0, `layerdb dir of layer ${i}`);
        const block = text.slice(at, text.indexOf('tar-split.json.gz', at));
        assert.match(block, /cache-id = "[0-9a-f]{64}"/);
        assert.ok(block.includes(`diff = "${layer.diffId}"`));
        assert.ok(block.includes(`size = "${layer.size}"`));
        assert.equal(block.includes('parent = '), i > 0);
        const cacheId = /cache-id = "([0-9a-f]{64})"/.exec(block)![1]!;
        assert.ok(text.split(cacheId).length - 1 >= 2, `cache-id of layer ${i} names something in the ${name} area`);
      }
      assert.ok(text.includes(`mount-id = "${delta.mountId}"`) && text.includes(`init-id = "${delta.initId}"`));
      assert.equal(renderLayout(driver.buildLayout({ view, options: run.options, container: delta }), view), renderLayout(layout, view), 'deterministic');
    });

    test('reads change nothing: no copy-up, no diff, an empty container layer', () => {
      const report = buildSimulationReport(simulate(driver, ['cat /usr/lib/libfoo.so', 'cat /bin/sh', 'cat /etc/passwd', 'exec 3< /srv/big.bin', 'cat <&3']));
      assert.ok(report.steps.every((s) => s.ok && s.copiedBytes === 0 && s.allocatedBytes === 0 && s.copiedUp.length === 0));
      assert.equal(report.steps[1]!.servedFromLayer, name === 'vfs' ? 'container' : 'L0', 'cat follows the /bin/sh symlink');
      assert.deepEqual(report.diff, []);
      assert.equal(report.containerLayerBytes, 0);
    });

    test('deletes in its own whiteout form and then reports the path as gone', () => {
      const report = buildSimulationReport(simulate(driver, ['rm /etc/motd', 'cat /etc/motd']));
      const [rm, cat] = report.steps;
      const form = driver.whiteoutForm;
      assert.deepEqual(rm!.whiteouts, form === 'char-device' ? ['/etc/motd'] : form === 'aufs-wh-file' ? ['/etc/.wh.motd'] : []);
      assert.deepEqual(rm!.deleted, form === 'deletion' ? ['/etc/motd'] : []);
      assert.equal(cat!.errno, 'ENOENT');
    });

    test('writes below a volume bypass the container layer', () => {
      const report = buildSimulationReport(simulate(driver, ['echo hello > /data/f', 'cat /data/f', 'echo x > /etc/hosts'], ['volume=/data']));
      assert.deepEqual(report.diff.map((d) => `${d.kind} ${d.path}`), ['A /data'], 'only the mount point Docker creates in the rw layer');
      assert.equal(report.steps[1]!.servedFromLayer, 'mount:/data');
      assert.equal(report.containerLayerBytes, 0);
    });

    test('returns the errno a real shell would see', () => {
      const cases: [string, string][] = [
        ['cat /nope', 'ENOENT'], ['mkdir /etc', 'EEXIST'], ['rm /etc', 'EISDIR'], ['rmdir /etc', 'ENOTEMPTY'], ['ln /etc /x', 'EPERM'],
        ['echo x > /etc', 'EISDIR'], ['mv /etc /etc/sub', 'EINVAL'], ['cat /etc/motd/x', 'ENOTDIR'], ['cat <&7', 'EBADF'], ['mkdir /a/b', 'ENOENT'],
      ];
      const report = buildSimulationReport(simulate(driver, cases.map(([c]) => c)));
      assert.deepEqual(report.steps.map((s) => s.errno), cases.map(([, e]) => e));
      const chain = buildSimulationReport(simulate(driver, ['cat /nope && touch /x', 'touch /y']));
      assert.deepEqual(chain.steps.map((s) => [s.ok, s.skipped]), [[false, false], [false, true], [true, false]]);
    });

    test('is deterministic: the same commands give the same report', () => {
      const a = JSON.stringify(buildSimulationReport(simulate(driver, BATTERY)));
      assert.equal(JSON.stringify(buildSimulationReport(simulate(driver, BATTERY))), a);
    });

    test('commits a layer that, applied on the image, reproduces the container\'s view of every changed path', () => {
      const run = simulate(driver, BATTERY);
      const commit = commitContainer(run);
      assert.ok(commit.ok);
      const layer: ChangesetEntry[] = commit.value.entries.map((e) => ({
        path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime,
        size: e.body ? (e.body.kind === 'bytes' ? e.body.bytes.length : e.body.size) : 0,
        ...(e.linkTarget === undefined ? {} : { linkTarget: e.linkTarget }),
      }));
      const applied = createLowerViewFromChangesets([...teachingChangesets(), { entries: layer, diffId: `sha256:${'0'.repeat(64)}` as DiffId }]);
      assert.ok(applied.ok, applied.ok ? '' : applied.error.message);
      for (const change of buildSimulationReport(run).diff) {
        const mine = lstatNode(run.state, change.path, true);
        const theirs = applied.value.lookup(change.path);
        assert.equal(theirs.kind === 'found', mine !== undefined, `${change.kind} ${change.path}`);
        if (mine && theirs.kind === 'found' && mine.where !== 'mount') {
          const type = mine.where === 'lower' ? mine.entry.type : mine.inode.type;
          assert.equal(theirs.entry.type === 'hardlink' ? 'file' : theirs.entry.type, type === 'hardlink' ? 'file' : type, change.path);
          if (type === 'file') assert.equal(theirs.entry.size, mine.where === 'lower' ? mine.entry.size : mine.inode.size, change.path);
        }
      }
    });

    test('estimates disk use and refuses images deeper than the layer store allows', () => {
      const usage = computeDiskUsage(view, driver, options(variant));
      assert.equal(usage.layerBytes.length, view.layers.length);
      assert.ok(usage.imageBytes >= view.layers.reduce((a, l) => a + l.size, 0) || name === 'devicemapper');
      checkBasis('disk usage', usage.basis);
      assert.equal(checkImageDepth(driver, 125).filter((v) => v.limit === 'layer-store').length, 0);
      assert.equal(checkImageDepth(driver, 126).filter((v) => v.limit === 'layer-store').length, 1);
    });
  });
}
