import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTeachingImage } from './teaching-image.ts';
import { simulateToReport } from './report.ts';

const image = createTeachingImage();
assert.ok(image.ok);

test('prints the CLI JSON shape: driver, steps with the documented fields, containerLayerBytes and diff', () => {
  const r = simulateToReport(image.value, 'overlay2', ['redirect_dir=on', 'lvm=direct'], ['cat /etc/passwd', 'rm /etc/motd']);
  assert.ok(r.ok);
  const json = JSON.parse(JSON.stringify(r.value)) as Record<string, unknown>;
  assert.equal(json.driver, 'overlay2');
  assert.equal(typeof json.containerLayerBytes, 'number');
  assert.deepEqual(json.diff, [{ kind: 'C', path: '/etc' }, { kind: 'D', path: '/etc/motd' }]);
  const steps = json.steps as Record<string, unknown>[];
  for (const key of ['command', 'ok', 'errno', 'servedFromLayer', 'lookupDepth', 'copiedBytes', 'allocatedBytes', 'whiteouts', 'opaqueDirs', 'brokenHardlinks', 'confidence', 'sources']) {
    assert.ok(key in steps[0]!, key);
  }
  assert.deepEqual(
    [steps[0]!.command, steps[0]!.ok, steps[0]!.errno, steps[0]!.servedFromLayer, steps[0]!.lookupDepth],
    ['cat /etc/passwd', true, null, 'L0', 5],
  );
  assert.deepEqual(steps[1]!.whiteouts, ['/etc/motd']);
  assert.deepEqual(json.options, { kernel: '6.1', reflink: 'no', redirect_dir: 'on', metacopy: 'off', index: 'off' });
  assert.ok((json.notes as string[]).includes('option lvm has no effect on overlay2'));
});

test('reports a bad option or command line as an error, not a partial report', () => {
  const bad = simulateToReport(image.value, 'overlay2', ['speed=fast'], []);
  assert.equal(bad.ok ? '' : bad.error.code, 'OPTION_UNKNOWN');
  const line = simulateToReport(image.value, 'overlay2', [], ['cat /a', 'cat /a | wc']);
  assert.match(line.ok ? '' : line.error.message, /^command 2: .*pipes/);
  const driver = simulateToReport(image.value, 'ext4', [], []);
  assert.equal(driver.ok ? '' : driver.error.code, 'DRIVER_UNKNOWN');
});
