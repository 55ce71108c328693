// The canary-analysis study's figure (bench/analysis-study/plot.ts): the SVG is well-formed XML
// with two panels per kind, one step curve per method in each, curves that end at the share of
// runs detected, labelled axes, legends that count detections or false fails, and escaped text.
// Where Chromium is installed, the PNG is rendered and its header checked.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { delayPlotSvg, writeDelayPlot, type PlotInput } from '../../bench/analysis-study/plot.js';
import { parseXml, type XmlElement } from '../../shared/aws/xml-reader.js';

const CHROMIUM = process.env.CUTOVER_CHROMIUM ?? '/usr/bin/chromium';

const detections = (...minutes: number[]) =>
  minutes.map((m, i) => ({ minutes: m, weight: [10, 25, 50, 100][i % 4]! }));

/** Faulty: sequential detects 3 of 4 runs; healthy: 2 false fails of 200 and 1 of 200. */
function study(): PlotInput {
  return {
    title: 'Canary analysis methods',
    subtitle: 'cumulative share of runs failed',
    kinds: [
      {
        kind: 'healthy',
        label: 'Healthy',
        methods: [
          { method: 'sequential', runs: 200, detections: detections(4, 9) },
          { method: 'mann-whitney', runs: 200, detections: detections(12) },
        ],
      },
      {
        kind: 'faulty',
        label: 'Faulty',
        methods: [
          { method: 'sequential', runs: 4, detections: detections(2, 7.5, 13) },
          { method: 'mann-whitney', runs: 4, detections: detections(6) },
        ],
      },
    ],
  };
}

interface Panel {
  kind: string;
  measure: string;
  body: string;
}

/** Each panel's group; a panel holds no nested group, so its body ends at the first `</g>`. */
function panels(svg: string): Panel[] {
  const found = svg.matchAll(/<g class="panel" data-kind="([^"]*)" data-measure="([^"]*)">([\s\S]*?)<\/g>/g);
  return [...found].map(([, kind, measure, body]) => ({ kind: kind!, measure: measure!, body: body! }));
}

function panel(svg: string, kind: string, measure: string): Panel {
  const found = panels(svg).find((p) => p.kind === kind && p.measure === measure);
  if (found === undefined) throw new Error(`no ${measure} panel for ${kind}`);
  return found;
}

function curves(body: string): { method: string; d: string; stroke: string }[] {
  const found = body.matchAll(/<path class="curve" data-method="([^"]*)" d="([^"]*)"[^>]* stroke="([^"]*)"/g);
  return [...found].map(([, method, d, stroke]) => ({ method: method!, d: d!, stroke: stroke! }));
}

/** Where a step curve ends: the x of its last `H`, the y of its last `V` (or of its start). */
function end(d: string): { x: number; y: number } {
  const y = [...d.matchAll(/[MV](?:[\d.]+ )?([\d.]+)/g)].at(-1)![1]!;
  return { x: Number([...d.matchAll(/H([\d.]+)/g)].at(-1)![1]), y: Number(y) };
}

/** The y of a tick's grid line, from its label (drawn 4 px below the line, to sit centred on it). */
function yOfTick(body: string, label: string): number {
  const match = new RegExp(`<text x="[\\d.]+" y="([\\d.]+)"[^>]*class="y-tick">${label}</text>`).exec(body);
  if (match === null) throw new Error(`no y tick ${label}`);
  return Number(match[1]) - 4;
}

/** The decoded text of every <text> element, as an XML reader sees it. */
function texts(element: XmlElement): string[] {
  const own = element.name === 'text' ? [element.text] : [];
  return [...own, ...element.children.flatMap(texts)];
}

function textsOfClass(body: string, className: string): string[] {
  const found = body.matchAll(new RegExp(`<text [^>]*class="${className}"[^>]*>([^<]*)</text>`, 'g'));
  return [...found].map((m) => m[1]!);
}

describe('delayPlotSvg', () => {
  it('is one well-formed <svg> element of about 1200 × 700 px with the title and subtitle on top', () => {
    const svg = delayPlotSvg(study());
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1200" height="700" /);
    expect(svg).toContain('font-family="sans-serif"');
    expect(svg).not.toMatch(/href=|<image|<script|@import|url\(/);
    expect(texts(root)).toEqual(
      expect.arrayContaining(['Canary analysis methods', 'cumulative share of runs failed']),
    );
  });

  it('draws two panels per kind, in the given order, each with one curve per method', () => {
    const svg = delayPlotSvg(study());
    expect(panels(svg).map((p) => `${p.kind}/${p.measure}`)).toEqual([
      'healthy/minutes',
      'healthy/weight',
      'faulty/minutes',
      'faulty/weight',
    ]);
    const strokes = new Map<string, string>();
    for (const p of panels(svg)) {
      const drawn = curves(p.body);
      expect(drawn.map((c) => c.method)).toEqual(['sequential', 'mann-whitney']);
      for (const c of drawn) {
        // A method keeps its colour in every panel.
        expect(strokes.get(c.method) ?? c.stroke).toBe(c.stroke);
        strokes.set(c.method, c.stroke);
      }
    }
    expect(new Set(strokes.values()).size).toBe(2);
  });

  it('ends a step curve at the share of runs detected: 3 of 4 at 75%, 1 of 4 at 25%', () => {
    const svg = delayPlotSvg(study());
    for (const measure of ['minutes', 'weight']) {
      const { body } = panel(svg, 'faulty', measure);
      const [sequential, mannWhitney] = curves(body);
      expect(end(sequential!.d).y).toBeCloseTo(yOfTick(body, '75%'), 0);
      expect(end(mannWhitney!.d).y).toBeCloseTo(yOfTick(body, '25%'), 0);
      // One step up per detection, from 0% at x = 0.
      expect(sequential!.d.match(/V/g)).toHaveLength(3);
      expect(sequential!.d).toMatch(new RegExp(`^M[\\d.]+ ${yOfTick(body, '0%')} `));
    }
  });

  it('runs the minutes axis from 0 to the largest minute rounded up, and weight from 0 to 100%', () => {
    const svg = delayPlotSvg(study());
    const minutes = panel(svg, 'faulty', 'minutes').body;
    expect(textsOfClass(minutes, 'x-tick')).toEqual(['0', '5', '10', '15']);
    expect(textsOfClass(minutes, 'x-title')).toEqual(['minutes since first traffic']);
    expect(textsOfClass(minutes, 'y-tick')).toEqual(['0%', '25%', '50%', '75%', '100%']);
    expect(textsOfClass(minutes, 'y-title')).toEqual(['runs detected (%)']);
    const weight = panel(svg, 'faulty', 'weight').body;
    expect(textsOfClass(weight, 'x-tick')).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(textsOfClass(weight, 'x-title')).toEqual(['production weight at detection (%)']);
    // Every curve runs to the right edge of its axis.
    const right = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(minutes)!;
    for (const c of curves(minutes)) expect(end(c.d).x).toBeCloseTo(Number(right[1]) + Number(right[2]), 0);
  });

  it("counts detections in a legend, and a healthy kind's detections as false fails", () => {
    const svg = delayPlotSvg(study());
    expect(textsOfClass(panel(svg, 'faulty', 'minutes').body, 'legend')).toEqual([
      'sequential: 3 of 4 (75%)',
      'mann-whitney: 1 of 4 (25%)',
    ]);
    const healthy = panel(svg, 'healthy', 'weight').body;
    expect(textsOfClass(healthy, 'legend')).toEqual([
      'sequential: 2 false fails of 200',
      'mann-whitney: 1 false fail of 200',
    ]);
    expect(textsOfClass(healthy, 'y-title')).toEqual(['runs failed (%)']);
    expect(textsOfClass(healthy, 'x-title')).toEqual(['production weight at false fail (%)']);
  });

  it('escapes text and attributes: a label, a title and a method name with < > & and quotes', () => {
    const input = study();
    input.title = 'A & B <study>';
    input.kinds[1]!.label = 'Faulty <5xx> & "slow"';
    input.kinds[1]!.methods[0]!.method = 'seq<"1">&';
    const svg = delayPlotSvg(input);
    expect(svg).not.toContain('<study>');
    expect(svg).not.toContain('<5xx>');
    expect(svg).toContain('Faulty &lt;5xx&gt; &amp; &quot;slow&quot;: time to detection');
    expect(svg).toContain('data-method="seq&lt;&quot;1&quot;&gt;&amp;"');
    const all = texts(parseXml(svg));
    expect(all).toContain('A & B <study>');
    expect(all).toContain('Faulty <5xx> & "slow": time to detection');
    expect(all).toContain('seq<"1">&: 3 of 4 (75%)');
  });

  it('refuses results it could not draw truthfully, saying what is wrong', () => {
    const more = study();
    more.kinds[1]!.methods[0]!.runs = 2;
    expect(() => delayPlotSvg(more)).toThrow('faulty/sequential: 3 detections among only 2 runs');
    const weight = study();
    weight.kinds[1]!.methods[1]!.detections[0]!.weight = 120;
    expect(() => delayPlotSvg(weight)).toThrow(/faulty\/mann-whitney: .*weight 120; .*weight 0-100/);
    const control = study();
    control.kinds[0]!.label = 'Healthy\u001b[2J';
    expect(() => delayPlotSvg(control)).toThrow(/ESC/);
  });
});

describe('writeDelayPlot', () => {
  const folders: string[] = [];
  afterEach(() => folders.splice(0).forEach((f) => rmSync(f, { recursive: true, force: true })));
  const folder = () => {
    const made = mkdtempSync(join(tmpdir(), 'analysis-plot-'));
    folders.push(made);
    return made;
  };

  it('says the PNG needs Chromium, and that the SVG does not, where there is no Chromium', async () => {
    const png = join(folder(), 'delay.png');
    await expect(writeDelayPlot(study(), png, { chromiumPath: '/nonexistent/chromium' })).rejects.toThrow(
      /PNG needs Chromium at \/nonexistent\/chromium.*SVG can be written without it/,
    );
    expect(existsSync(png)).toBe(false);
  });

  it('renders a 1200 × 700 PNG in Chromium', async (context) => {
    if (!existsSync(CHROMIUM)) context.skip(`no Chromium at ${CHROMIUM} to render the PNG with`);
    const png = join(folder(), 'figures', 'delay.png');
    const started = performance.now();
    await writeDelayPlot(study(), png, { chromiumPath: CHROMIUM });
    console.log(`rendered the PNG in ${Math.round(performance.now() - started)} ms`);
    const bytes = readFileSync(png);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }).toEqual({
      width: 1200,
      height: 700,
    });
  });
});
