// bench:failover's output: a line per run as it ends, then the table (one row per scenario, "median (min–max)"
// over its runs), each target's verdict, and the comparison with Sentinel's defaults.

const int = (v) => (v === undefined || Number.isNaN(v) ? '–' : Math.round(v).toLocaleString('en-US'));
const ms = (v) => (v === undefined || Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** "median (min–max)" over the runs that have the figure; one value when they agree or there is one run. */
function spread(rows, get, f = ms) {
  const xs = rows.map(get).filter((v) => typeof v === 'number' && !Number.isNaN(v));
  if (!xs.length) return '–';
  const [lo, hi, mid] = [Math.min(...xs), Math.max(...xs), median(xs)];
  if (f(lo) === f(hi)) return f(lo);
  return `${f(mid)} (${f(lo)}–${f(hi)})`;
}

export function printDetail(r) {
  if (r.error && r.acked === undefined) {
    console.log(`failed: ${r.error}`);
    return;
  }
  const parts = [
    `${int(r.acked)} writes at ${int(r.writesPerSec)}/s`,
    `lost ${r.lost}`,
    `${r.windows} window${r.windows === 1 ? '' : 's'}${r.windows ? ` (longest ${ms(r.longestMs)} ms, total ${ms(r.totalMs)} ms)` : ''}`,
    `slowest write ${ms(r.slowestMs)} ms`,
  ];
  if (r.killToBackMs !== undefined) parts.push(`writes back ${ms(r.killToBackMs)} ms after the kill${r.confirmToBackMs !== undefined ? `, ${ms(r.confirmToBackMs)} ms after confirmation` : ''}`);
  if (r.exit !== undefined) {
    const m = (r.measures ?? []).map((x) => `${x.label} ${x.ms} ms`).join('; ');
    parts.push(`cutover exit ${r.exit}, start → confirmation ${ms(r.startToConfirmMs)} ms, whole procedure ${(r.procedureMs / 1000).toFixed(1)} s${m ? ` (${m})` : ''}`);
  }
  parts.push(`${r.seconds.toFixed(1)} s`);
  console.log(parts.join(' · '));
  for (const n of [...new Set(r.notes)].slice(0, 6)) console.log(`    ${n}`);
}

const TARGETS = {
  planned: '0 lost, ≤ 1 s unavailable',
  clone: '0 lost',
  unplanned: '≤ 2 s from confirmation',
  none: '–',
};

/** MET when every run meets the target (and cutover exited 0); the runs that did not, said. */
function verdict(target, rows) {
  if (target === 'none') return { text: '–' };
  const misses = rows.flatMap((r, i) => {
    const why = [];
    if (r.error && r.acked === undefined) why.push(`failed: ${r.error}`);
    else {
      if (r.exit !== 0) why.push(`exit ${r.exit}`);
      if (r.brokenCluster) why.push('the cluster did not agree on the new master');
      if ((target === 'planned' || target === 'clone') && r.lost !== 0) why.push(`${r.lost} lost`);
      if (target === 'planned' && !(r.unavailableMs <= 1000)) why.push(`${ms(r.unavailableMs)} ms unavailable`);
      if (target === 'unplanned' && !(r.confirmToBackMs <= 2000)) why.push(r.confirmToBackMs === undefined ? 'writes not back' : `${ms(r.confirmToBackMs)} ms`);
    }
    return why.length ? [`run ${i + 1}: ${why.join(', ')}`] : [];
  });
  return misses.length ? { text: `MISSED (${rows.length - misses.length}/${rows.length})`, misses } : { text: `MET (${rows.length}/${rows.length})` };
}

export function printTable(scenarios, results, opts) {
  console.log('');
  console.log(`Figures: median (min–max) over the runs. Unavailability windows: writes failing, or acknowledged after more than ${opts.stallMs} ms.`);
  console.log('');
  console.log('| scenario | runs | checker writes/s | lost acknowledged writes | windows | longest window ms | total windows ms | slowest write ms | confirmation → writes accepted ms | kill → writes accepted ms | target | result |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
  const missed = [];
  for (const [id, s] of Object.entries(scenarios)) {
    const rows = results.get(id);
    if (!rows?.length) continue;
    const v = verdict(s.target, rows);
    if (v.misses) missed.push(`${s.name}: ${v.misses.join('; ')}`);
    const lost = rows.map((r) => (r.lost === undefined ? '–' : int(r.lost))).join(' · ');
    console.log(
      `| ${s.name} | ${rows.length} | ${spread(rows, (r) => r.writesPerSec, int)} | ${lost} | ${spread(rows, (r) => r.windows, int)} | ${spread(rows, (r) => r.longestMs)} | ${spread(rows, (r) => r.totalMs)} | ${spread(rows, (r) => r.slowestMs)} | ${spread(rows, (r) => r.confirmToBackMs)} | ${spread(rows, (r) => r.killToBackMs)} | ${TARGETS[s.target]} | ${v.text} |`,
    );
  }
  console.log('');
  console.log('lost acknowledged writes: one figure per run.');
  if (missed.length) {
    console.log('');
    for (const m of missed) console.log(`missed: ${m}`);
  }
}

export function printSentinelComparison(results, opts) {
  const auto = results.get('sentinel-auto')?.filter((r) => r.killToBackMs !== undefined) ?? [];
  const at30 = results.get('sentinel-auto-30s')?.filter((r) => r.killToBackMs !== undefined) ?? [];
  const cut = results.get('sentinel-unplanned')?.filter((r) => r.killToBackMs !== undefined) ?? [];
  if (!auto.length && !at30.length) return;
  console.log('');
  console.log("Sentinel's defaults (down-after-milliseconds 30000) against cutover:");
  if (auto.length) {
    const m = median(auto.map((r) => r.killToBackMs));
    const after = median(auto.map((r) => r.killToBackMs - opts.downAfterMs));
    console.log(`  Sentinel alone, down-after ${int(opts.downAfterMs)} ms: writes accepted ${ms(m)} ms after the kill (median of ${auto.length}): ${int(opts.downAfterMs)} ms to judge the master down, ${ms(after)} ms to agree, elect, promote and tell the clients`);
    console.log(`  estimate at the default 30 s: 30,000 + ${ms(after)} ≈ ${int(30_000 + after)} ms`);
  }
  if (at30.length) console.log(`  measured at the default 30 s (once): writes accepted ${ms(at30[0].killToBackMs)} ms after the kill`);
  if (cut.length) {
    console.log(
      `  cutover failover --unplanned --sentinel, started at the kill: writes accepted ${ms(median(cut.map((r) => r.killToBackMs)))} ms after the kill, ${ms(median(cut.map((r) => r.confirmToBackMs).filter((v) => v !== undefined)))} ms after confirmation (median of ${cut.length})`,
    );
  }
}
