/** Reading a Prometheus text exposition in tests: what a scraper would see. */

export async function scrape(opsUrl: string): Promise<string> {
  const res = await fetch(`${opsUrl}/metrics`);
  if (res.status !== 200) throw new Error(`GET ${opsUrl}/metrics -> ${res.status}`);
  return res.text();
}

/** The samples of one metric (a counter's or gauge's own name, or a histogram's `_bucket`/`_count`...), with their labels. */
export function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  const found = [];
  for (const line of text.split('\n')) {
    if (!(line.startsWith(`${name} `) || line.startsWith(`${name}{`))) continue;
    const brace = line.indexOf('{');
    const labels: Record<string, string> = {};
    if (brace === name.length) {
      for (const m of line.slice(brace + 1, line.lastIndexOf('}')).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1] as string] = m[2] as string;
    }
    found.push({ labels, value: Number(line.slice(line.lastIndexOf(' ') + 1)) });
  }
  return found;
}

/** The sum of a metric's samples whose labels include `match` (0 when it has none). */
export function sampled(text: string, name: string, match: Record<string, string> = {}): number {
  return samples(text, name)
    .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Every metric family the exposition declares (its `# TYPE` lines). */
export function families(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) map.set(m[1] as string, m[2] as string);
  return map;
}
