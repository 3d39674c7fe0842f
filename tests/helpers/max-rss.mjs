// Loaded with `node --import` into a process under test: prints the process's peak resident set
// size as the last stderr line when it exits. It reads VmHWM from /proc/self/status (Linux): the
// high-water mark of this program's own memory. getrusage's maxrss is no use here, because Linux
// carries it over from the (large) test runner that forked the process before exec.
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'NaN';
  process.stderr.write(`\nFLINT_TEST_MAXRSS_KIB=${kib}\n`);
});
