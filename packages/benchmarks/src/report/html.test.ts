/**
 * Renders a report built from a synthetic trials fixture in headless Debian Chromium: every plot must render,
 * the console must stay free of errors, the page must not touch the network; a screenshot is kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { computeSummary } from './summary.ts';
import { renderReport } from './html.ts';
import DIATOM from '../studies/diatom/index.ts';
import ROTTEN from '../studies/rotten/index.ts';
import { getPreset } from '../studies/presets.ts';
import { record, syntheticTrials } from '../../test/fixtures.ts';
import { computeReplicates } from './replicates.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// kept after the run (the run's temporary folder is removed): reports/ is git-ignored
const SHOT_DIR =
  process.env.PARETOBENCH_SCREENSHOT_DIR ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../reports/test-screenshots');

describe('report.html in headless Chromium', () => {
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
    }
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-chromium-'));
    fs.mkdirSync(SHOT_DIR, { recursive: true });
    // a fresh profile, and flags that keep Chromium from phoning home
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  /** A page on `file`, collecting console errors and every request that leaves the file system. */
  async function openReport(file: string) {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('file://' + file);
    return { page, errors, requests };
  }

  afterAll(async () => {
    await context?.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  it('replicates: one point per optimizer seed, tied shares stacked, the bands and the table', async () => {
    const preset = getPreset(DIATOM, 'default');
    const random = [record('random', 0, { accuracy: 0.5, time: 1 }), record('random', 1, { accuracy: 0.6, time: 2 })];
    const opt = (accuracy: number, time: number) => [record('optimizer', 0, { accuracy, time })];
    // seeds 0 and 2 dominate the random arm (share 1); seed 1 adds a faster point (1/3); seed 3 is dominated (0)
    const arms = [opt(0.7, 1), opt(0.4, 0.5), opt(0.8, 0.9), opt(0.3, 1.5)].map((t, seed) => ({
      seed,
      outDir: seed === 0 ? 'out' : `out/replicates/seed-${seed}`,
      trials: t,
    }));
    const trials = [...arms[0].trials, ...random];
    const summary = {
      ...computeSummary({
        study: DIATOM,
        preset,
        seed: 0,
        workers: 2,
        backend: 'fake',
        optimizer: 'in-process',
        trials,
      }),
      replicates: computeReplicates({
        study: DIATOM,
        preset,
        sharedRandom: random,
        arms,
        outDir: 'out',
        wallSeconds: 9,
      }),
    };
    expect(summary.replicates.optimizer.map((o) => o.union_share)).toEqual([1, 1 / 3, 1, 0]);
    const file = path.join(SHOT_DIR, 'replicates-report.html');
    fs.writeFileSync(file, renderReport(summary, trials));
    const { page, errors } = await openReport(file);
    await page.waitForSelector('#plot-replicates .main-svg', { timeout: 30_000 });
    await page.waitForSelector('#plot-replicate-bands .main-svg', { timeout: 30_000 });
    const arm = await page.evaluate(() => {
      const d = (document.getElementById('plot-replicates') as unknown as { data: { x: number[]; y: number[] }[] })
        .data[0];
      return { x: d.x, y: d.y };
    });
    // four seeds, four distinct markers: the two shares of 100 % on two levels
    expect(arm.x).toEqual([1, 1 / 3, 1, 0]);
    expect(arm.y).toEqual([0, 0, 1, 0]);
    expect(await page.locator('#plot-replicates .point').count()).toBe(4);
    expect(await page.locator('#replicates tbody tr').count()).toBe(5); // four arms and the random arm
    // the bands' log axis of evaluations runs to the random arm's 2 trials: ticks at 1 and 2 only
    expect(await page.locator('#plot-replicate-bands .xtick text').allTextContents()).toEqual(['1', '2']);
    await page.screenshot({ path: path.join(SHOT_DIR, 'replicates-report.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  });

  for (const study of [DIATOM, ROTTEN]) {
    it(`${study.name}: every plot renders, no console errors, no network`, async () => {
      const base = { ...getPreset(study, 'smoke'), budgets: { optimizer: 8, random: 80 }, confidenceRepeats: 200 };
      // rotten: a failure rule that lets part of the synthetic cloud through (accuracy >= 0.5, time <= 1 s)
      const p = study.name === 'rotten' ? { ...base, minAccuracy: 0.5, timeLimitSeconds: 1 } : base;
      const trials = syntheticTrials(8, 80, study.name).map((t) =>
        study.name === 'rotten' && t.metrics && t.metrics.accuracy < 0.5
          ? { ...t, failed: true, failure_reason: 'accuracy_below_threshold' as const }
          : t,
      );
      expect(trials.some((t) => t.failed && t.metrics !== null)).toBe(study.name === 'rotten');
      const summary = computeSummary({
        study,
        preset: p,
        seed: 1,
        workers: 2,
        backend: 'fake',
        optimizer: 'in-process',
        trials,
      });
      const html = renderReport(summary, trials);
      const file = path.join(SHOT_DIR, `${study.name}-report.html`);
      fs.writeFileSync(file, html);

      const { page, errors, requests } = await openReport(file);
      const ids = ['plot-trials', 'plot-confidence', 'plot-hypervolume', 'plot-feasible'];
      for (const id of ids) {
        await page.waitForSelector(`#${id} .main-svg`, { timeout: 30_000 });
      }
      const rendered = await page.evaluate((list) => {
        return list.map((id) => {
          const el = document.getElementById(id)!;
          return {
            id,
            container: el.querySelectorAll('.plot-container').length,
            svg: el.querySelectorAll('.main-svg').length,
            // number of traces plotly drew
            traces: (el as unknown as { data?: unknown[] }).data?.length ?? 0,
          };
        });
      }, ids);
      for (const r of rendered) {
        expect(r.container, r.id).toBe(1);
        expect(r.svg, r.id).toBeGreaterThan(0);
        expect(r.traces, r.id).toBeGreaterThan(0);
      }
      // the trials plot holds both methods' points, the frontiers and the union frontier
      const traceNames = await page.evaluate(() =>
        ((document.getElementById('plot-trials') as unknown as { data: { name: string }[] }).data ?? []).map(
          (d) => d.name,
        ),
      );
      expect(traceNames).toContain('optimizer trials');
      expect(traceNames).toContain('random trials');
      expect(traceNames).toContain('union frontier');
      expect(traceNames.some((n) => n.startsWith('optimizer frontier ('))).toBe(true);
      // the confidence heat map is drawn
      const heat = await page.evaluate(() =>
        ((document.getElementById('plot-confidence') as unknown as { data: { type: string }[] }).data ?? []).some(
          (d) => d.type === 'heatmap',
        ),
      );
      expect(heat).toBe(true);
      // the hypervolume curve's log axis of evaluations (up to the 80 random trials) labels every tick in full
      expect(await page.locator('#plot-hypervolume .xtick text').allTextContents()).toEqual([
        '1',
        '2',
        '5',
        '10',
        '20',
        '50',
      ]);
      const figures = await page.textContent('#figures');
      expect(figures).toContain('optimizer');
      expect(await page.locator('#best tbody tr').count()).toBeGreaterThan(0);
      // the paper's headline figures beside this run's: one row for diatom, three for rotten
      expect(await page.locator('#paper tbody tr').count()).toBe(study.name === 'diatom' ? 1 : 3);
      expect(await page.textContent('#paper')).toContain(study.name === 'diatom' ? '85.7%' : '48.0%');
      await page.screenshot({ path: path.join(SHOT_DIR, `${study.name}-report.png`), fullPage: true });
      await page.close();
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    });
  }
});
