/**
 * report.html: a self-contained page (plotly.js inlined, data inlined, no network) showing one study run.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { TrialRecord } from '../journal/records.ts';
import type { Summary } from './summary.ts';

const require = createRequire(import.meta.url);
let plotlySource: string | null = null;

/** The minified plotly.js bundle (plotly.js-dist-min), made safe to inline in a <script> element. */
export function plotlyBundle(): string {
  if (plotlySource === null) {
    const file = require.resolve('plotly.js-dist-min');
    plotlySource = fs.readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return plotlySource;
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that cannot close the surrounding <script>. */
const inlineJson = (v: unknown): string =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, ' ');

const fmt = (x: number | null, digits = 3): string => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function figuresTable(s: Summary): string {
  const rows = (['optimizer', 'random'] as const).map((m) => {
    const x = s.methods[m];
    return `<tr><th>${m}</th><td>${x.completed} / ${x.budget}</td><td>${x.failed}</td><td>${x.errors}</td><td>${pct(x.feasible_fraction)}</td>
<td>${fmt(x.best_accuracy)}</td><td>${fmt(x.hypervolume, 4)}</td><td>${x.frontier.length}</td><td>${pct(x.union_share)}</td>
<td>${fmt(x.trial_seconds_median, 1)}</td><td>${fmt(x.epoch_seconds_median, 2)}</td><td>${fmt(x.suggest_ms_median, 0)}</td></tr>`;
  });
  return `<table id="figures"><thead><tr><th>method</th><th>trials</th><th>failed</th><th>errors</th><th>feasible</th><th>best accuracy</th>
<th>hypervolume</th><th>frontier points</th><th>share of union frontier</th><th>median trial s</th><th>median epoch s</th><th>median suggest ms</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function paperTable(s: Summary): string {
  const rows = s.paper_comparison.map(
    (f) => `<tr><th>${esc(f.figure)}</th><td>${pct(f.paper)}</td><td>${pct(f.measured)}</td></tr>`,
  );
  return `<table id="paper"><thead><tr><th>figure</th><th>original study (paper budgets)</th><th>this run (${esc(
    s.preset.name,
  )} preset)</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function bestTable(s: Summary): string {
  const paramNames = Object.keys(
    s.union_frontier[0]?.assignments ?? s.methods.optimizer.frontier[0]?.assignments ?? {},
  );
  const rows = (['optimizer', 'random'] as const).flatMap((m) =>
    [...s.methods[m].frontier]
      .sort((a, b) => b.accuracy - a.accuracy)
      .slice(0, 10)
      .map(
        (p) =>
          `<tr><td>${m}</td><td>${p.index}</td><td>${fmt(p.accuracy)}</td><td>${fmt(p.time, 4)}</td>${paramNames
            .map((n) => {
              const v = p.assignments[n];
              return `<td>${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(3)) : esc(String(v ?? ''))}</td>`;
            })
            .join('')}</tr>`,
      ),
  );
  return `<table id="best"><thead><tr><th>method</th><th>trial</th><th>${esc(s.metric_names.accuracy)}</th><th>${esc(
    s.metric_names.time,
  )} (s)</th>${paramNames.map((n) => `<th>${esc(n)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** A replicated run: each optimizer arm against the shared random arm, the distribution, and the paper beside it. */
function replicatesSection(s: Summary): string {
  const r = s.replicates;
  const scope = s.preset.scope
    ? `<p id="scope"><b>What this preset can and cannot show.</b> ${esc(s.preset.scope)}</p>`
    : '';
  if (!r) return scope;
  const k = r.optimizer.length;
  const own = r.optimizer.every((o) => o.random !== undefined);
  const link = (dir: string) => (dir ? `<a href="${esc(dir)}/report.html">${esc(dir)}</a>` : 'this page');
  const rows = r.optimizer.flatMap((o) => {
    const opt =
      `<tr><th>optimizer seed ${o.seed}</th><td>${o.completed}</td><td>${pct(o.feasible_fraction)}</td><td>${fmt(o.best_accuracy)}</td>` +
      `<td>${fmt(o.hypervolume, 4)}</td><td>${pct(o.union_share)}</td><td>${link(o.dir)}</td></tr>`;
    if (!o.random) return [opt];
    const x = o.random;
    return [
      opt,
      `<tr><th>random search seed ${o.seed}</th><td>${x.completed}</td><td>${pct(x.feasible_fraction)}</td><td>${fmt(x.best_accuracy)}</td>` +
        `<td>${fmt(x.hypervolume, 4)}</td><td>${pct(1 - o.union_share)}</td><td>${link(o.dir)}</td></tr>`,
    ];
  });
  const rr = r.random;
  if (!own) {
    rows.push(
      `<tr><th>random search (shared, seed ${rr.seed})</th><td>${rr.completed}</td><td>${pct(rr.feasible_fraction)}</td><td>${fmt(rr.best_accuracy)}</td>` +
        `<td>${fmt(rr.hypervolume, 4)}</td><td>–</td><td>this page</td></tr>`,
    );
  }
  const d = r.distribution;
  const dist = (name: string, x: { min: number; median: number; max: number } | null, f: (v: number) => string) =>
    `<tr><th>${name}</th><td>${x ? f(x.min) : '–'}</td><td>${x ? f(x.median) : '–'}</td><td>${x ? f(x.max) : '–'}</td></tr>`;
  const paperRows = r.paper.map(
    (f) =>
      `<tr><th>${esc(f.figure)}</th><td>${pct(f.paper)}</td><td>${pct(f.median)}</td><td>${pct(f.min)} – ${pct(f.max)}</td></tr>`,
  );
  const p595 = r.union_share_p05_p95
    ? `, 5-95 % range ${pct(r.union_share_p05_p95[0])} – ${pct(r.union_share_p05_p95[1])}`
    : '';
  const verdict =
    `In ${r.arms_beating_random_hypervolume} of ${k} optimizer runs the optimizer's hypervolume exceeds that of ` +
    (own ? `its own random arm (${rr.completed} trials each)` : `the random arm (${rr.completed} trials)`) +
    `, and in ${r.arms_with_majority_share} of ${k} it holds more than half of the ` +
    `union frontier (median share ${pct(d.union_share.median)}${p595}).`;
  const randomDist =
    d.random_hypervolume && d.random_feasible_fraction
      ? `${dist('random arms: hypervolume', d.random_hypervolume, (v) => fmt(v, 4))}
${dist('random arms: feasible fraction', d.random_feasible_fraction, pct)}`
      : '';
  return `<h2>${own ? `Repeats: ${k} comparisons, each optimizer run against its own random-search arm` : `Replicates: ${k} optimizer runs against one random-search arm`}</h2>
${scope}
<p id="verdict">${esc(verdict)}</p>
<table id="replicates"><thead><tr><th>arm</th><th>trials</th><th>feasible</th><th>best accuracy</th><th>hypervolume</th>
<th>share of union frontier (arm + random)</th><th>report</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>
<p>Hypervolume reference point for every arm: accuracy ${fmt(r.reference_point.accuracy)}, ${esc(s.metric_names.time)} ${fmt(
    r.reference_point.time,
    4,
  )} s. Wall time of all arms: ${fmt(r.wall_seconds, 0)} s.</p>
<table id="replicate-distribution"><thead><tr><th>optimizer arms</th><th>min</th><th>median</th><th>max</th></tr></thead><tbody>
${dist('share of union frontier', d.union_share, pct)}
${dist('hypervolume', d.hypervolume, (v) => fmt(v, 4))}
${dist('feasible fraction', d.feasible_fraction, pct)}
${dist('best accuracy', d.best_accuracy, (v) => fmt(v))}
${randomDist}
</tbody></table>
<table id="replicate-paper"><thead><tr><th>figure</th><th>original study</th><th>median here</th><th>range here</th></tr></thead>
<tbody>${paperRows.join('\n')}</tbody></table>
<div id="plot-replicates" class="plot" style="height:320px"></div>
${r.hypervolume_bands ? '<div id="plot-replicate-bands" class="plot"></div>' : ''}`;
}

export interface ReportTrial {
  method: string;
  index: number;
  accuracy: number | null;
  time: number | null;
  failed: boolean;
  reason: string | null;
}

export function renderReport(summary: Summary, trials: readonly TrialRecord[]): string {
  const points: ReportTrial[] = trials.map((t) => ({
    method: t.method,
    index: t.index,
    accuracy: t.metrics?.[summary.metric_names.accuracy] ?? null,
    time: t.metrics?.[summary.metric_names.time] ?? null,
    failed: t.failed,
    reason: t.failure_reason,
  }));
  const noMetrics = points.filter((p) => p.accuracy === null || p.time === null).length;
  const s = summary;
  const dom = s.random_frontier_dominated_by_optimizer;
  const domText = dom.length
    ? dom.map((d) => `acc ${fmt(d.accuracy)} @ ${fmt(d.time, 4)} s: ${d.dominated_by}`).join('; ')
    : 'random search found no feasible point';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(s.name)} — paretobench report</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:0.9em}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f4f4f4}
.plot{width:100%;height:520px;margin-bottom:1em}.meta li{margin:2px 0}
</style>
<script>${plotlyBundle()}</script>
</head><body>
<h1>${esc(s.title)}</h1>
<ul class="meta">
<li>run: <b>${esc(s.name)}</b>, seed ${s.seed}, ${s.workers} worker(s), backend <b>${esc(s.backend ?? 'unknown')}</b>, optimizer ${esc(s.optimizer)}</li>
<li>wall time: ${fmt(s.wall_seconds, 0)} s of trials${
    s.invocations.length > 1
      ? `, the sum over ${s.invocations.length} invocations (${s.invocations.map((i) => `${fmt(i.active_seconds, 0)} s`).join(' + ')}; pauses between them not counted)`
      : ''
  }${s.session_wall_seconds !== null ? `; this invocation ${fmt(s.session_wall_seconds, 0)} s` : ''}</li>
${s.preset_description.map((l) => `<li>${esc(l)}</li>`).join('\n')}
<li>hypervolume reference point: accuracy ${fmt(s.reference_point.accuracy)}, ${esc(s.metric_names.time)} ${fmt(s.reference_point.time, 4)} s</li>
<li>trials without metrics (errors): ${noMetrics}</li>
<li>optimizer trials dominating each random-search frontier point: ${esc(domText)}</li>
</ul>
${replicatesSection(s)}
<h2>Figures${s.replicates ? ` of replicate 0 (optimizer seed ${s.seed} and the random arm)` : ''}</h2>
${figuresTable(s)}
<h2>Compared with the original study</h2>
${paperTable(s)}
<h2>All trials and Pareto frontiers</h2>
<div id="plot-trials" class="plot"></div>
<h2>Random-search confidence region at the optimizer's budget</h2>
<div id="plot-confidence" class="plot"></div>
<h2>Hypervolume against evaluations</h2>
<div id="plot-hypervolume" class="plot"></div>
<h2>Feasible fraction</h2>
<div id="plot-feasible" class="plot" style="height:320px"></div>
<h2>Best configurations (each method's frontier, by accuracy)</h2>
${bestTable(s)}
<script>
const SUMMARY = ${inlineJson(s)};
const TRIALS = ${inlineJson(points)};
${CLIENT_SCRIPT}
</script>
</body></html>
`;
}

/** Browser-side plotting (plain JS, runs in the report page). */
const CLIENT_SCRIPT = String.raw`
(function () {
  const COLORS = { optimizer: '#d62728', random: '#1f77b4' };
  const timeTitle = SUMMARY.metric_names.time_label;
  const accTitle = SUMMARY.metric_names.accuracy;
  const layoutBase = (extra) => Object.assign({ margin: { t: 30 }, legend: { orientation: 'h', y: -0.15 } }, extra);
  // A log axis of evaluation counts, labelled 1, 2, 5, 10, 20, 50, ... in full (plotly's own log ticks label the
  // minor ones by their first digit only: 10, 2, 5, 100 reads as if 2 came after 10).
  const evaluationsAxis = (counts) => {
    const top = Math.max(1, ...counts);
    const ticks = [];
    for (let p = 1; p <= top; p *= 10) for (const m of [1, 2, 5]) if (m * p <= top) ticks.push(m * p);
    return { title: { text: 'evaluations' }, type: 'log', tickmode: 'array', tickvals: ticks, ticktext: ticks.map(String) };
  };
  const config = { displaylogo: false, responsive: true };
  const step = (front) => {
    const xs = [], ys = [];
    front.forEach((p, i) => {
      if (i > 0) { xs.push(p.time); ys.push(front[i - 1].accuracy); }
      xs.push(p.time); ys.push(p.accuracy);
    });
    return { x: xs, y: ys };
  };
  const traces = [];
  for (const m of ['optimizer', 'random']) {
    const ok = TRIALS.filter((t) => t.method === m && !t.failed && t.accuracy !== null);
    const bad = TRIALS.filter((t) => t.method === m && t.failed && t.accuracy !== null && t.time !== null);
    traces.push({ name: m + ' trials', x: ok.map((t) => t.time), y: ok.map((t) => t.accuracy), mode: 'markers', type: 'scatter',
      marker: { color: COLORS[m], size: m === 'optimizer' ? 8 : 5, opacity: 0.6 }, text: ok.map((t) => m + ' #' + t.index) });
    if (bad.length) traces.push({ name: m + ' failed', x: bad.map((t) => t.time), y: bad.map((t) => t.accuracy), mode: 'markers',
      type: 'scatter', marker: { color: COLORS[m], symbol: 'x', size: 7, opacity: 0.5 }, text: bad.map((t) => m + ' #' + t.index + ' ' + t.reason) });
    const f = step(SUMMARY.methods[m].frontier);
    traces.push({ name: m + ' frontier (' + (100 * SUMMARY.methods[m].union_share).toFixed(1) + '% of union)', x: f.x, y: f.y,
      mode: 'lines', type: 'scatter', line: { color: COLORS[m], shape: 'linear', width: 2 } });
  }
  traces.push({ name: 'union frontier', x: SUMMARY.union_frontier.map((p) => p.time), y: SUMMARY.union_frontier.map((p) => p.accuracy),
    mode: 'markers', type: 'scatter', marker: { size: 14, color: 'rgba(0,0,0,0)', line: { color: '#000', width: 2 } } });
  Plotly.newPlot('plot-trials', traces, layoutBase({ xaxis: { title: { text: timeTitle } }, yaxis: { title: { text: accTitle } } }), config);

  const cr = SUMMARY.confidence_region;
  const confTraces = [];
  if (cr) {
    const mid = (e) => e.slice(0, -1).map((v, i) => (v + e[i + 1]) / 2);
    confTraces.push({ type: 'heatmap', name: 'random frontier density', x: mid(cr.time_edges), y: mid(cr.accuracy_edges), z: cr.density,
      zmin: 0, zmax: Math.max(1e-9, ...cr.density.flat()), colorscale: [[0, 'rgba(255,255,255,0)'], [0.001, '#deebf7'], [1, '#08306b']], colorbar: { title: { text: 'P(frontier point in cell)' } } });
  }
  for (const m of ['optimizer', 'random']) {
    const f = step(SUMMARY.methods[m].frontier);
    confTraces.push({ name: m + ' frontier', x: f.x, y: f.y, mode: 'lines+markers', type: 'scatter', line: { color: COLORS[m], width: 2 } });
  }
  Plotly.newPlot('plot-confidence', confTraces, layoutBase({
    title: { text: cr ? 'density of random-search frontiers: ' + cr.repeats + ' resamples of ' + cr.k + ' random trials' : 'no confidence region: random search has no feasible trial, or fewer trials than the optimizer' },
    xaxis: { title: { text: timeTitle } }, yaxis: { title: { text: accTitle } } }), config);

  Plotly.newPlot('plot-hypervolume', ['optimizer', 'random'].map((m) => ({
    name: m, type: 'scatter', mode: 'lines', line: { color: COLORS[m] },
    x: SUMMARY.methods[m].hypervolume_curve.evaluations, y: SUMMARY.methods[m].hypervolume_curve.hypervolume })),
    layoutBase({ xaxis: evaluationsAxis(['optimizer', 'random'].flatMap((m) => SUMMARY.methods[m].hypervolume_curve.evaluations)),
      yaxis: { title: { text: 'hypervolume' } } }), config);

  const rep = SUMMARY.replicates;
  if (rep) {
    const shares = rep.optimizer.map((o) => o.union_share);
    const paperShare = rep.paper.length ? rep.paper[0].paper : null;
    // arms with the same share are stacked, so that every seed stays visible (shares are ratios of small counts:
    // ties are common)
    const stack = {};
    const levels = shares.map((v) => {
      const k = v.toFixed(6);
      stack[k] = (stack[k] ?? -1) + 1;
      return stack[k];
    });
    const top = Math.max(1, ...levels);
    Plotly.newPlot('plot-replicates', [
      { name: 'optimizer arms', type: 'scatter', mode: 'markers+text', x: shares, y: levels,
        text: rep.optimizer.map((o) => 'seed ' + o.seed), textposition: 'top center',
        marker: { color: COLORS.optimizer, size: 12 } },
    ], layoutBase({ title: { text: "optimizer's share of the union frontier, one point per optimizer seed" },
      xaxis: { range: [-0.02, 1.02], title: { text: 'share' }, tickformat: '.0%' },
      yaxis: { visible: false, range: [-0.6, top + 0.8] },
      shapes: paperShare === null ? [] : [{ type: 'line', x0: paperShare, x1: paperShare, y0: -0.6, y1: top + 0.8, line: { dash: 'dash' } }],
      annotations: paperShare === null ? [] : [{ x: paperShare, y: top + 0.6, text: 'original study', showarrow: false }] }), config);
    const bands = rep.hypervolume_bands;
    if (bands) {
      const traces = [];
      for (const m of ['optimizer', 'random']) {
        const b = bands[m];
        traces.push({ x: b.evaluations, y: b.p95, type: 'scatter', mode: 'lines', line: { width: 0, color: COLORS[m] }, showlegend: false, hoverinfo: 'skip' });
        traces.push({ x: b.evaluations, y: b.p05, type: 'scatter', mode: 'lines', line: { width: 0, color: COLORS[m] }, fill: 'tonexty', opacity: 0.3, name: m + ' 5-95 %' });
        traces.push({ x: b.evaluations, y: b.median, type: 'scatter', mode: 'lines+markers', line: { color: COLORS[m] }, name: m + ' median' });
      }
      Plotly.newPlot('plot-replicate-bands', traces, layoutBase({ title: { text: 'hypervolume after n evaluations, across arms (median and 5-95 % band)' },
        xaxis: evaluationsAxis(['optimizer', 'random'].flatMap((m) => bands[m].evaluations)), yaxis: { title: { text: 'hypervolume' } } }), config);
    }
  }

  Plotly.newPlot('plot-feasible', [{ type: 'bar', x: ['optimizer', 'random'],
    y: ['optimizer', 'random'].map((m) => SUMMARY.methods[m].feasible_fraction),
    marker: { color: [COLORS.optimizer, COLORS.random] },
    text: ['optimizer', 'random'].map((m) => (100 * SUMMARY.methods[m].feasible_fraction).toFixed(1) + '%'), textposition: 'auto' }],
    layoutBase({ yaxis: { title: { text: 'feasible fraction' }, range: [0, 1] } }), config);
})();
`;
