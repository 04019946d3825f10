// On-disk layouts rendered as text for a two-layer image and a container that ran `rm -rf /bin`,
// `echo hi > /etc/new.conf`, `mkdir /bin` (ids shortened to #n / @n in order of appearance; they are derived, not random).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLowerViewFromChangesets } from '../cow/changeset-lower-view.ts';
import { simulateContainer } from '../cow/simulator.ts';
import { containerDelta } from '../cow/container-size.ts';
import { DRIVER_MODELS } from './driver-catalog.ts';
import type { DriverName } from './driver-model.ts';
import { renderLayout } from './layout-tree.ts';

const image = createLowerViewFromChangesets([
  [{ path: 'etc', type: 'dir' }, { path: 'etc/motd', type: 'file', size: 6 }, { path: 'bin', type: 'dir' }, { path: 'bin/sh', type: 'file', size: 100, mode: 0o755 }],
  [{ path: 'etc', type: 'dir' }, { path: 'etc/.wh.motd', type: 'file' }, { path: 'etc/app.conf', type: 'file', size: 3 }],
]);
assert.ok(image.ok);
const view = image.value;

function shorten(text: string): string {
  const ids = new Map<string, string>();
  return text.replace(/[0-9a-f]{64}|\b[A-Z2-7]{26}\b/g, (m) => {
    if (!ids.has(m)) ids.set(m, `${m.length === 26 ? '@' : '#'}${ids.size + 1}`);
    return ids.get(m)!;
  });
}

function layoutOf(driver: DriverName): string {
  const run = simulateContainer({ view, driver, commands: ['rm -rf /bin', 'echo hi > /etc/new.conf', 'mkdir /bin'] });
  assert.ok(run.ok);
  return shorten(renderLayout(DRIVER_MODELS[driver].buildLayout({ view, options: run.value.options, container: containerDelta(run.value.state) }), view));
}

/** The driver's own area: everything except the shared image/ and containers/ subtrees. */
function driverArea(text: string): string {
  let show = true;
  return text.split('\n').filter((l) => {
    if (l === '  image/' || l === '  containers/') show = false;
    else if (l.startsWith('# ')) show = true;
    return show;
  }).join('\n');
}

test('renders overlay2: l/ short links, lower chains, char 0/0 whiteouts and an opaque upper dir', () => {
  assert.equal(driverArea(layoutOf('overlay2')), `# /var/lib/docker
/var/lib/docker/
  overlay2/
    l/
      @1 -> ../#2/diff
      @3 -> ../#4/diff
      @5 -> ../#4-init/diff
      @6 -> ../#7/diff
    #7/  # base layer: no lower, no work; mounting it returns diff/ directly
      diff/
        bin/
          sh (100 B)
        etc/
          motd (6 B)
      link = "@6"
      committed (0 B)  # written when a child layer is created (v20.10+)
    #2/
      diff/
        etc/
          app.conf (3 B)
          motd (char 0/0)  # whiteout
      link = "@1"
      lower = "l/@6"
      work/
      committed (0 B)  # written when a child layer is created (v20.10+)
    #4-init/  # init layer: /.dockerenv, /etc/hosts … and /dev, /proc, /sys mount points
      diff/
        .dockerenv (0 B)
        dev/
          console (0 B)
          pts/
          shm/
        etc/
          hostname (0 B)
          hosts (0 B)
          mtab -> /proc/mounts
          resolv.conf (0 B)
        proc/
        sys/
      link = "@5"
      lower = "l/@1:l/@6"
      work/
      committed (0 B)
    #4/
      diff/  # upperdir: the container layer
        bin/ [trusted.overlay.opaque=y]
        etc/
          new.conf (3 B)
      link = "@3"
      lower = "l/@5:l/@1:l/@6"
      merged/  # the container's rootfs (overlay mount) while it runs
      work/  # overlay workdir (must be empty, same fs as upper)
        work/`);
});

test('renders legacy overlay: a full hardlinked root/ per image layer, the init upper copied into the container upper', () => {
  assert.equal(driverArea(layoutOf('overlay')), `# /var/lib/docker
/var/lib/docker/
  overlay/
    #1/  # base layer: the tar applied into root/
      root/
        bin/
          sh (100 B)
        etc/
          motd (6 B)
    #2/  # parent root/ hardlink-copied (files shared, directories re-created), then the tar applied with real deletes
      root/
        bin/
          sh (100 B) [hardlink ../<parent>/root/bin/sh]
        etc/
          app.conf (3 B)
    #3-init/  # init layer: parent has root/, so upper + work + lower-id
      upper/
        .dockerenv (0 B)
        dev/
          console (0 B)
          pts/
          shm/
        etc/
          hostname (0 B)
          hosts (0 B)
          mtab -> /proc/mounts
          resolv.conf (0 B)
        proc/
        sys/
      work/
      lower-id = "#2"
    #3/
      upper/  # the parent (init) upper/ is copied in, then the container writes here
        .dockerenv (0 B)
        bin/ [trusted.overlay.opaque=y]
        dev/
          console (0 B)
          pts/
          shm/
        etc/
          hostname (0 B)
          hosts (0 B)
          mtab -> /proc/mounts
          new.conf (3 B)
          resolv.conf (0 B)
        proc/
        sys/
      work/
        work/
      merged/  # mount: lowerdir=#2/root (one lowerdir only)
      lower-id = "#2"`);
});

test('renders aufs: diff/ layers/ mnt/, .wh. whiteouts, the metadata entries of the rw branch and a .wh..wh..opq marker', () => {
  assert.equal(driverArea(layoutOf('aufs')), `# /var/lib/docker
/var/lib/docker/
  aufs/
    diff/
      #1/
        bin/
          sh (100 B)
        etc/
          motd (6 B)
      #2/
        etc/
          .wh.motd (0 B)
          app.conf (3 B)
      #3-init/
        .dockerenv (0 B)
        dev/
          console (0 B)
          pts/
          shm/
        etc/
          hostname (0 B)
          hosts (0 B)
          mtab -> /proc/mounts
          resolv.conf (0 B)
        proc/
        sys/
      #3/  # the rw branch
        .wh..wh.aufs (0 B)  # whiteout base: every whiteout is a hardlink of it
        .wh..wh.orph/  # step-parent dir for orphaned copy-ups
        .wh..wh.plnk/  # pseudo-links that keep hardlinks coherent after copy-up
        bin/
          .wh..wh..opq (0 B)  # opaque marker
        etc/
          new.conf (3 B)
    layers/
      #1 = ""  # base layer: no parents
      #2 = "#1"  # parent ids, nearest first
      #3-init = "#2\\n#1"  # parent ids, nearest first
      #3 = "#3-init\\n#2\\n#1"  # parent ids, nearest first
    mnt/
      #1/
      #2/
      #3-init/
      #3/  # union mount while running: br:<rw>=rw:<init>=ro+wh:<layers>=ro+wh,dio,xino=/dev/shm/aufs.xino`);
});

test('renders devicemapper: loop files, per-device metadata JSON, the mounted rootfs and the thin-device chain', () => {
  assert.equal(driverArea(layoutOf('devicemapper')), `# /var/lib/docker
/var/lib/docker/
  devicemapper/
    devicemapper/
      data (107374182400 B)  # sparse loop file (100 GiB); docs print /var/lib/docker/devicemapper/data (drivers.md §5 disagreement 3)
      metadata (2147483648 B)  # sparse loop file (2 GiB)
    metadata/
      base = "{\\"device_id\\":1,\\"size\\":10737418240,\\"transaction_id\\":1,\\"initialized\\":false,\\"deleted\\":false}"
      deviceset-metadata
      transaction-metadata
      #1 = "{\\"device_id\\":2,\\"size\\":10737418240,\\"transaction_id\\":2,\\"initialized\\":false,\\"deleted\\":false}"
      #2 = "{\\"device_id\\":3,\\"size\\":10737418240,\\"transaction_id\\":3,\\"initialized\\":false,\\"deleted\\":false}"
      #3-init = "{\\"device_id\\":4,\\"size\\":10737418240,\\"transaction_id\\":4,\\"initialized\\":false,\\"deleted\\":false}"
      #3 = "{\\"device_id\\":5,\\"size\\":10737418240,\\"transaction_id\\":5,\\"initialized\\":false,\\"deleted\\":false}"
    mnt/
      #3/
        rootfs/  # the container's thin device (ext4/xfs): the whole image, shown here as the changed objects only
          bin/
          etc/
            new.conf (3 B)
        id = "#3"
# thin devices (dmsetup ls)
/dev/mapper/
  docker-8:1-1234-pool (block device)  # thin pool over the loop files, 64 KiB chunks, skip_block_zeroing
  docker-8:1-1234-base (block device)  # base device: 10 GiB, xfs (or ext4); the maximum size of any container
  docker-8:1-1234-#1 (block device)  # thin snapshot of docker-8:1-1234-base
  docker-8:1-1234-#2 (block device)  # thin snapshot of docker-8:1-1234-#1
  docker-8:1-1234-#3-init (block device)  # thin snapshot of docker-8:1-1234-#2
  docker-8:1-1234-#3 (block device)  # thin snapshot of docker-8:1-1234-#3-init`);
});

test('renders btrfs: a full-rootfs subvolume per layer, each a snapshot of its parent', () => {
  assert.equal(driverArea(layoutOf('btrfs')), `# /var/lib/docker
/var/lib/docker/
  btrfs/
    subvolumes/
      #1/  # subvolume create
        bin/
          sh (100 B)
        etc/
          motd (6 B)
      #2/  # snapshot of #1
        bin/
          sh (100 B)
        etc/
          app.conf (3 B)
      #3-init/  # snapshot of the top image layer plus the init files
        .dockerenv (0 B)
        bin/
          sh (100 B)
        dev/
          console (0 B)
          pts/
          shm/
        etc/
          app.conf (3 B)
          hostname (0 B)
          hosts (0 B)
          mtab -> /proc/mounts
          resolv.conf (0 B)
        proc/
        sys/
      #3/  # snapshot of the init subvolume: the full rootfs; shown as the changed objects only
        bin/
        etc/
          new.conf (3 B)
# btrfs subvolume list /var/lib/docker
subvolumes/
  ID 256 path btrfs/subvolumes/#1  # parent uuid -
  ID 257 path btrfs/subvolumes/#2  # parent uuid = ID 256
  ID 258 path btrfs/subvolumes/#3-init
  ID 259 path btrfs/subvolumes/#3`);
});

test('renders zfs: a dataset per layer cloned from a snapshot of its parent; only the container is mounted', () => {
  assert.equal(driverArea(layoutOf('zfs')), `# /var/lib/docker
/var/lib/docker/
  zfs/
    graph/  # datasets are mounted here only while in use
      #1/  # mounted while the container runs: the full rootfs, shown as the changed objects only
        bin/
        etc/
          new.conf (3 B)
# zfs list -t all -o name,origin
tank/docker/
  tank/docker/#5/  # zfs create; mountpoint=legacy
  tank/docker/#6/  # clone of tank/docker/#5@369753738 (snapshot destroyed with deferred deletion)
  tank/docker/#1-init/  # clone of tank/docker/#6@198878694 (snapshot destroyed with deferred deletion)
  tank/docker/#1/  # clone of tank/docker/#1-init@284000764 (snapshot destroyed with deferred deletion)`);
});

test('renders vfs: a full deep copy per layer, init and container', () => {
  assert.equal(driverArea(layoutOf('vfs')), `# /var/lib/docker
/var/lib/docker/
  vfs/
    dir/
      #1/  # the tar applied into an empty dir
        bin/
          sh (100 B)
        etc/
          motd (6 B)
      #2/  # deep copy of the parent, then the tar applied
        bin/
          sh (100 B)
        etc/
          app.conf (3 B)
      #3-init/  # deep copy of the top image layer plus the init files
        .dockerenv (0 B)
        bin/
          sh (100 B)
        dev/
          console (0 B)
          pts/
          shm/
        etc/
          app.conf (3 B)
          hostname (0 B)
          hosts (0 B)
          mtab -> /proc/mounts
          resolv.conf (0 B)
        proc/
        sys/
      #3/  # deep copy of the init layer: the full rootfs, shown as the changed objects only
        bin/
        etc/
          new.conf (3 B)`);
});

test('renders image/<driver>/layerdb with diff, size, cache-id and parent per ChainID, and the container mount', () => {
  const text = layoutOf('overlay2');
  const start = text.indexOf('  image/');
  assert.equal(text.slice(start, text.indexOf('  containers/')).trimEnd(), `  image/
    overlay2/
      layerdb/
        mounts/
          #8/
            init-id = "#4-init"
            mount-id = "#4"
            parent = "sha256:#9"
        sha256/
          #10/
            cache-id = "#7"
            diff = "sha256:#10"
            size = "106"
            tar-split.json.gz  # original tar headers and padding, so the exact tar (and its DiffID) can be rebuilt
          #9/
            cache-id = "#2"
            diff = "sha256:#11"
            parent = "sha256:#10"
            size = "3"
            tar-split.json.gz  # original tar headers and padding, so the exact tar (and its DiffID) can be rebuilt
        tmp/`);
});
