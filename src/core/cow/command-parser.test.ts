import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, type Command } from './command-parser.ts';
import { tokenizeCommandLine } from './command-tokenizer.ts';
import { applyModeChange, parseChmod } from './command-operands.ts';

function one(line: string): Command {
  const r = parseCommandLine(line);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.length, 1);
  return r.value[0]!.command;
}

function failure(line: string): string {
  const r = parseCommandLine(line);
  assert.equal(r.ok, false, line);
  return r.ok ? '' : r.error.message;
}

test('tokenizes quotes, escapes, redirections with fd numbers and separators', () => {
  const t = tokenizeCommandLine(`echo 'a b' "c \\"d\\"" e\\ f >> /x && exec 3<> /y; cat <&3`);
  assert.ok(t.ok);
  assert.deepEqual(t.value.map((x) => (x.kind === 'word' ? x.value : x.kind === 'redirect' ? `${x.fd ?? ''}${x.op}` : x.op)), [
    'echo', 'a b', 'c "d"', 'e f', '>>', '/x', '&&', 'exec', '3<>', '/y', ';', 'cat', '<&', '3',
  ]);
});

test('parses every supported command into its typed form', () => {
  assert.deepEqual(one('cat /a /b'), { kind: 'cat', paths: ['/a', '/b'] });
  assert.deepEqual(one('echo hello world > /f'), { kind: 'write', text: 'hello world\n', target: { kind: 'path', path: '/f' }, append: false });
  assert.deepEqual(one('echo -n x >> /f'), { kind: 'write', text: 'x', target: { kind: 'path', path: '/f' }, append: true });
  assert.deepEqual(one('echo x >&4'), { kind: 'write', text: 'x\n', target: { kind: 'fd', fd: 4 }, append: false });
  assert.deepEqual(one('dd if=/dev/zero of=/f bs=4K count=2 seek=3 conv=notrunc'), { kind: 'dd', path: '/f', length: 8192, offset: 12288, truncate: false, append: false, zeros: true });
  assert.deepEqual(one('dd of=/f bs=1 count=5 seek=100 oflag=seek_bytes'), { kind: 'dd', path: '/f', length: 5, offset: 100, truncate: true, append: false, zeros: true });
  assert.deepEqual(one('truncate -s 100M /f'), { kind: 'truncate', paths: ['/f'], size: 100 * 1024 * 1024, relative: false, create: true });
  assert.deepEqual(one('truncate -c -s -1K /f'), { kind: 'truncate', paths: ['/f'], size: -1024, relative: true, create: false });
  assert.deepEqual(one(': > /f'), { kind: 'open', path: '/f', mode: 'write-trunc' });
  assert.deepEqual(one(': <> /f'), { kind: 'open', path: '/f', mode: 'read-write' });
  assert.deepEqual(one('exec 3< /f'), { kind: 'open', path: '/f', mode: 'read', fd: 3 });
  assert.deepEqual(one('exec 3>&-'), { kind: 'close', fd: 3 });
  assert.deepEqual(one('cat <&3'), { kind: 'cat', paths: [], fd: 3 });
  assert.deepEqual(one('touch -c /a'), { kind: 'touch', paths: ['/a'], create: false });
  assert.deepEqual(one('mkdir -p /a/b'), { kind: 'mkdir', paths: ['/a/b'], parents: true });
  assert.deepEqual(one('rm -rf /a'), { kind: 'rm', paths: ['/a'], recursive: true, force: true });
  assert.deepEqual(one('rmdir /a'), { kind: 'rmdir', paths: ['/a'] });
  assert.deepEqual(one('mv /a /b /dir'), { kind: 'mv', sources: ['/a', '/b'], dest: '/dir' });
  assert.deepEqual(one('chown 1000:50 /a'), { kind: 'chown', uid: 1000, gid: 50, paths: ['/a'] });
  assert.deepEqual(one('chown :nogroup /a'), { kind: 'chown', gid: 65534, paths: ['/a'] });
  assert.deepEqual(one('ln -s /t /l'), { kind: 'ln', target: '/t', linkPath: '/l', symbolic: true });
  assert.equal(one('chmod u+x,go-w /a').kind, 'chmod');
});

test('splits && and ; chains and keeps each command\'s own text', () => {
  const r = parseCommandLine('rm -rf /opt/app && mkdir /opt/app ; echo x > /opt/app/new');
  assert.ok(r.ok);
  assert.deepEqual(r.value.map((s) => [s.text, s.then]), [['rm -rf /opt/app', '&&'], ['mkdir /opt/app', ';'], ['echo x > /opt/app/new', 'end']]);
});

test('explains unsupported constructs and commands clearly', () => {
  assert.match(failure('cat /a | grep x'), /pipes/);
  assert.match(failure('rm /a/*'), /globs/);
  assert.match(failure('echo $HOME > /f'), /variables/);
  assert.match(failure('echo "unterminated'), /unterminated double quote/);
  assert.match(failure('ls /'), /"ls" is not a simulated command \(supported: cat, echo/);
  assert.match(failure('rm -i /a'), /option -i is not supported/);
  assert.match(failure('echo hi'), /echo needs one output redirection/);
  assert.match(failure('dd of=/f bs=1'), /count= is required/);
  assert.match(failure('dd if=/etc/passwd of=/f count=1'), /only if=\/dev\/zero/);
  assert.match(failure('truncate /f'), /needs -s SIZE/);
  assert.match(failure('truncate -s 1Q /f'), /not a size/);
  assert.match(failure('chmod 999 /f'), /not a mode/);
  assert.match(failure('chown alice /f'), /use a numeric id/);
  assert.match(failure('ln /a'), /exactly TARGET and LINK_NAME/);
  assert.match(failure('&& cat /a'), /nothing before "&&"/);
  assert.match(failure('exec 1< /f'), /fd number from 3 to 9/);
  assert.match(failure('cat /a > /b'), /output redirection is not simulated/);
  assert.match(failure(''), /empty command line/);
});

test('applies octal and symbolic chmod modes to the permission bits', () => {
  const mode = (spec: string, from: number) => {
    const c = parseChmod(spec);
    assert.ok(c.ok);
    return applyModeChange(from, c.value);
  };
  assert.equal(mode('600', 0o755), 0o600);
  assert.equal(mode('u+x', 0o644), 0o744);
  assert.equal(mode('go-w', 0o666), 0o644);
  assert.equal(mode('a=r', 0o777), 0o444);
  assert.equal(mode('+x', 0o644), 0o755);
  assert.equal(mode('u+s', 0o755), 0o4755);
});
