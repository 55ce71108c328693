// The figure of the canary-analysis study: for each kind of canary (healthy, faulty, slow,
// noisy), a column of two panels, the cumulative share of runs each analysis method failed
// against the minutes since the first production traffic (top) and against the production
// weight on the new version at that moment (bottom). The SVG is a pure function of the
// results; the PNG is that SVG screenshotted in the system's Chromium.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { escapeXml } from '../../local/aws/query-protocol.js';
import { firstUnsafeCharacter } from '../../shared/domain/control-characters.js';

export interface MethodOutcome {
  method: string; // e.g. 'sequential', 'mann-whitney'
  runs: number; // canaries simulated of this kind
  /** For each run that was detected (failed by the analysis): minutes from the first production traffic to the detection, and the production weight (percent, 0-100) on the new version when it was detected. */
  detections: { minutes: number; weight: number }[];
}
export interface KindOutcome {
  kind: string;
  label: string;
  methods: MethodOutcome[];
  /** Whether a detection is the right answer; by default only for the kinds 'faulty' and 'slow'. Otherwise each detection is a false fail. */
  expectDetection?: boolean;
}
export interface PlotInput {
  title: string;
  subtitle: string;
  kinds: KindOutcome[];
}

/** Debian's package puts Chromium here; CUTOVER_CHROMIUM points elsewhere (as for the dashboard's tests). */
const CHROMIUM = process.env.CUTOVER_CHROMIUM ?? '/usr/bin/chromium';
const KINDS_TO_DETECT = new Set(['faulty', 'slow']);

// Okabe–Ito colours (told apart with the common colour-vision deficiencies), each with its own dash.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = ['', '7 4', '2 3', '9 3 2 3', '4 4', '12 4', '1 5'];

const HEIGHT = 700;
const MIN_WIDTH = 1200;
const MIN_COLUMN = 300;
const HEADER = 64; // title and subtitle
const MARGIN = 12;
const PLOT_LEFT = 52; // room for the y ticks and the y axis's title
const PLOT_RIGHT = 14;
const PANEL_TITLE = 22;
const X_AXIS = 38; // x ticks and the x axis's title, below the plot
const LEGEND_LINE = 14;
const Y_TICKS = [0, 25, 50, 75, 100];

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Axis {
  title: string;
  max: number;
  ticks: number[];
}
type Measure = 'minutes' | 'weight';
/** A method's stroke colour and dash, the same in every panel. */
type StyleOf = (method: string) => string;
interface Panel {
  box: Box;
  kind: string;
  title: string;
  measure: Measure;
  axis: Axis;
  series: Series[];
  /** Whether detections are right (faulty, slow) or false fails (healthy, noisy). */
  expected: boolean;
  styleOf: StyleOf;
}
interface Series {
  method: string;
  runs: number;
  /** Where each detection fell on the panel's x axis. */
  values: number[];
}

/** The figure's size: wider than 1200 px only where the kinds' columns need more room. */
export function plotSize(input: PlotInput): { width: number; height: number } {
  return { width: Math.max(MIN_WIDTH, MIN_COLUMN * input.kinds.length), height: HEIGHT };
}

export function delayPlotSvg(input: PlotInput): string {
  checkInput(input);
  const { width, height } = plotSize(input);
  const methods = [...new Set(input.kinds.flatMap((k) => k.methods.map((m) => m.method)))];
  const styleOf: StyleOf = (method) => {
    const i = methods.indexOf(method);
    const dash = DASHES[i % DASHES.length]!;
    return `stroke="${COLOURS[i % COLOURS.length]!}"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}`;
  };
  const columnWidth = (width - 2 * MARGIN) / Math.max(1, input.kinds.length);
  const columns = input.kinds.map((kind, i) =>
    kindColumn(kind, MARGIN + i * columnWidth, columnWidth, styleOf),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(MARGIN, 28, input.title, 'font-size="20" font-weight="bold" class="title"'),
    text(MARGIN, 50, input.subtitle, 'font-size="13" fill="#444444" class="subtitle"'),
    ...columns,
    '</svg>',
  ].join('\n');
}

/** Renders the figure to a PNG of the SVG's size, in headless Chromium. */
export async function writeDelayPlot(
  input: PlotInput,
  pngPath: string,
  options: { chromiumPath?: string } = {},
): Promise<void> {
  const executablePath = options.chromiumPath ?? CHROMIUM;
  if (!existsSync(executablePath))
    throw new Error(
      `The PNG needs Chromium at ${executablePath} (apt-get install chromium, or set CUTOVER_CHROMIUM); ` +
        'the SVG can be written without it, from delayPlotSvg().',
    );
  const svg = delayPlotSvg(input);
  const size = plotSize(input);
  let browser: Browser | undefined;
  try {
    // Chromium refuses to run as root inside its sandbox (CI containers).
    const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    browser = await chromium.launch({ executablePath, headless: true, args });
    const page = await browser.newPage({ viewport: size, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
    const png = await page.locator('svg').first().screenshot({ animations: 'disabled' });
    await mkdir(dirname(pngPath), { recursive: true });
    await writeFile(pngPath, png);
  } finally {
    await browser?.close();
  }
}

function kindColumn(kind: KindOutcome, x: number, width: number, styleOf: StyleOf): string {
  const expected =
    kind.expectDetection ?? (KINDS_TO_DETECT.has(kind.kind) || KINDS_TO_DETECT.has(kind.label.toLowerCase()));
  const event = expected ? 'detection' : 'false fail';
  const rowHeight = (HEIGHT - HEADER - MARGIN) / 2;
  const largestMinute = Math.max(0, ...kind.methods.flatMap((m) => m.detections.map((d) => d.minutes)));
  const series = (measure: Measure): Series[] =>
    kind.methods.map((m) => ({
      method: m.method,
      runs: m.runs,
      values: m.detections.map((d) => d[measure]),
    }));
  const common = { kind: kind.kind, expected, styleOf };
  const top: Panel = {
    ...common,
    box: { x, y: HEADER, width, height: rowHeight },
    title: `${kind.label}: time to ${event}`,
    measure: 'minutes',
    axis: niceAxis(largestMinute, 'minutes since first traffic'),
    series: series('minutes'),
  };
  const bottom: Panel = {
    ...common,
    box: { x, y: HEADER + rowHeight, width, height: rowHeight },
    title: `${kind.label}: weight at ${event}`,
    measure: 'weight',
    axis: { title: `production weight at ${event} (%)`, max: 100, ticks: [0, 20, 40, 60, 80, 100] },
    series: series('weight'),
  };
  return [`<g class="kind" data-kind="${escapeXml(kind.kind)}">`, panel(top), panel(bottom), '</g>'].join(
    '\n',
  );
}

function panel(p: Panel): string {
  const legendTop = p.box.y + p.box.height - p.series.length * LEGEND_LINE - 4;
  const plot: Box = {
    x: p.box.x + PLOT_LEFT,
    y: p.box.y + PANEL_TITLE,
    width: p.box.width - PLOT_LEFT - PLOT_RIGHT,
    height: legendTop - X_AXIS - p.box.y - PANEL_TITLE,
  };
  const xAt = (v: number) => plot.x + (v / p.axis.max) * plot.width;
  const yAt = (share: number) => plot.y + plot.height - (share / 100) * plot.height;
  const bottom = plot.y + plot.height;
  const yTitle = p.expected ? 'runs detected (%)' : 'runs failed (%)';
  return [
    `<g class="panel" data-kind="${escapeXml(p.kind)}" data-measure="${p.measure}">`,
    text(plot.x, p.box.y + 15, p.title, 'font-size="13" font-weight="bold" class="panel-title"'),
    ...Y_TICKS.flatMap((t) => [
      line(plot.x, yAt(t), plot.x + plot.width, yAt(t), 'stroke="#e3e3e3"'),
      text(plot.x - 5, yAt(t) + 4, `${t}%`, 'font-size="11" text-anchor="end" class="y-tick"'),
    ]),
    ...p.axis.ticks.flatMap((t) => [
      line(xAt(t), bottom, xAt(t), bottom + 4, 'stroke="#333333"'),
      text(xAt(t), bottom + 16, String(t), 'font-size="11" text-anchor="middle" class="x-tick"'),
    ]),
    `<rect x="${n(plot.x)}" y="${n(plot.y)}" width="${n(plot.width)}" height="${n(plot.height)}" fill="none" stroke="#333333"/>`,
    text(
      plot.x + plot.width / 2,
      bottom + 31,
      p.axis.title,
      'font-size="12" text-anchor="middle" class="x-title"',
    ),
    text(
      0,
      0,
      yTitle,
      `font-size="12" text-anchor="middle" class="y-title" ${rotated(p.box.x + 14, plot.y + plot.height / 2)}`,
    ),
    ...p.series.map(
      (s) =>
        `<path class="curve" data-method="${escapeXml(s.method)}" d="${stepPath(s, p.axis.max, xAt, yAt)}" fill="none" stroke-width="2" ${p.styleOf(s.method)}/>`,
    ),
    ...p.series.flatMap((s, i) => {
      const y = legendTop + (i + 1) * LEGEND_LINE - 3;
      return [
        line(
          plot.x,
          y - 4,
          plot.x + 22,
          y - 4,
          `class="legend-swatch" stroke-width="2" ${p.styleOf(s.method)}`,
        ),
        text(plot.x + 28, y, legendEntry(s, p.expected), 'font-size="11" class="legend"'),
      ];
    }),
    '</g>',
  ].join('\n');
}

/** The cumulative share of runs detected at or before each x: a step up at every detection. */
function stepPath(s: Series, max: number, xAt: (v: number) => number, yAt: (v: number) => number): string {
  const sorted = [...s.values].sort((a, b) => a - b);
  const steps = [`M${n(xAt(0))} ${n(yAt(0))}`];
  sorted.forEach((value, i) => {
    if (sorted[i + 1] === value) return; // several detections at one x make one step
    steps.push(`H${n(xAt(value))}`, `V${n(yAt(((i + 1) / s.runs) * 100))}`);
  });
  steps.push(`H${n(xAt(max))}`);
  return steps.join(' ');
}

function legendEntry(s: Series, expected: boolean): string {
  const count = s.values.length;
  if (!expected) return `${s.method}: ${count} false fail${count === 1 ? '' : 's'} of ${s.runs}`;
  return `${s.method}: ${count} of ${s.runs} (${formatNumber((count / s.runs) * 100)}%)`;
}

/** From 0 to `largest` rounded up to a round step (1, 2, 2.5 or 5 times a power of ten), about five ticks. */
function niceAxis(largest: number, title: string): Axis {
  const rough = Math.max(largest, 1) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough - 1e-12)!;
  const count = Math.max(1, Math.ceil(Math.max(largest, 1) / step - 1e-9));
  const ticks = Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { title, max: ticks.at(-1)!, ticks };
}

/** Refuses results no figure could show truthfully, saying which and why. */
function checkInput(input: PlotInput): void {
  const texts = [input.title, input.subtitle, ...input.kinds.flatMap((k) => [k.kind, k.label])];
  for (const t of [...texts, ...input.kinds.flatMap((k) => k.methods.map((m) => m.method))]) {
    const unsafe = firstUnsafeCharacter(t);
    if (unsafe !== undefined)
      throw new Error(`${JSON.stringify(t)} holds ${unsafe.description}, which an SVG cannot show as text`);
  }
  for (const kind of input.kinds)
    for (const m of kind.methods) {
      const where = `${kind.kind}/${m.method}`;
      if (!Number.isInteger(m.runs) || m.runs < 1)
        throw new Error(`${where}: runs must be a whole number of at least 1, not ${m.runs}`);
      if (m.detections.length > m.runs)
        throw new Error(`${where}: ${m.detections.length} detections among only ${m.runs} runs`);
      for (const d of m.detections)
        if (!(Number.isFinite(d.minutes) && d.minutes >= 0) || !(d.weight >= 0 && d.weight <= 100))
          throw new Error(
            `${where}: a detection at ${d.minutes} minutes and weight ${d.weight}; minutes must be finite and at least 0, weight 0-100`,
          );
    }
}

function line(x1: number, y1: number, x2: number, y2: number, attributes: string): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" ${attributes}/>`;
}

function rotated(x: number, y: number): string {
  return `transform="translate(${n(x)} ${n(y)}) rotate(-90)"`;
}

function text(x: number, y: number, content: string, attributes: string): string {
  return `<text x="${n(x)}" y="${n(y)}" ${attributes}>${escapeXml(content)}</text>`;
}

/** A coordinate to one decimal: enough for a screen, and short. */
function n(value: number): number {
  return Math.round(value * 10) / 10;
}

function formatNumber(value: number): string {
  return String(Math.round(value * 10) / 10);
}
