/** Hostile Butane configs, generated (never committed), for the expansion-limit tests. */

const HDR = 'variant: fcos\nversion: 1.5.0\n';

/** Files a0..aN where each a(i) merges a(i-1) twice: 2^N expansions when nothing is remembered. */
export function nestedMerges(depth: number): string {
  let s = `${HDR}storage:\n  files:\n    - &a0 {path: /etc/a0, mode: 420}\n`;
  for (let i = 1; i <= depth; i++) s += `    - &a${i} {<<: [*a${i - 1}, *a${i - 1}], path: /etc/a${i}}\n`;
  return s;
}

/** One file with `fan` appended resources, listed `fan` times through an alias: fan² resources. */
export function aliasFanOut(fan: number): string {
  return (
    `${HDR}storage:\n  files:\n    - &f {path: /etc/a, append: [${Array(fan).fill('{inline: x}').join(',')}]}\n` +
    `    ${Array(fan).fill('- *f').join('\n    ')}\n`
  );
}
