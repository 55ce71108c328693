// A uPlot time-series chart that follows its container's width (ResizeObserver).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Line {
  label: string;
  color: string;
  dash?: number[];
  stepped?: boolean;
}

export interface ChartProps {
  title: string;
  /** What the chart shows, in words, for people who cannot see it. */
  summary: string;
  lines: Line[];
  /** [x in Unix seconds, ...one array per line]; null where a line has no value. */
  data: uPlot.AlignedData;
  unit: string;
  yRange?: [number, number];
}

const HEIGHT = 220;

/** Clock times on the x axis, 24-hour: minutes when ticks are a minute or more apart, else seconds. */
function timeLabels(_u: uPlot, ticks: number[]): string[] {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 60;
  const format: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (step < 60) format.second = '2-digit';
  return ticks.map((t) => new Date(t * 1000).toLocaleTimeString(undefined, format));
}

function options(props: ChartProps, width: number): uPlot.Options {
  const stepped = uPlot.paths.stepped?.({ align: 1 });
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    scales: {
      x: { time: true },
      y: props.yRange ? { range: props.yRange } : { range: (_u, min, max) => [0, Math.max(max, min, 1e-9)] },
    },
    axes: [
      { stroke: '#334155', grid: { stroke: '#e2e8f0' }, space: 80, values: timeLabels },
      {
        stroke: '#334155',
        grid: { stroke: '#e2e8f0' },
        size: 60,
        values: (_u, ticks) => ticks.map((t) => `${+t.toPrecision(3)}${props.unit}`),
      },
    ],
    series: [
      {},
      ...props.lines.map((line) => ({
        label: line.label,
        stroke: line.color,
        width: 2,
        spanGaps: true,
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${+v.toPrecision(4)}${props.unit}`),
        ...(line.dash ? { dash: line.dash } : {}),
        ...(line.stepped && stepped ? { paths: stepped } : {}),
      })),
    ],
  };
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = props.lines.map((l) => l.label).join('|');

  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const made = new uPlot(options(props, Math.max(200, element.clientWidth)), props.data, element);
    plot.current = made;
    const observer = new ResizeObserver(() => {
      made.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      made.destroy();
      plot.current = null;
    };
    // Rebuilt only when the lines change; new data goes through setData below.
  }, [shape, props.unit]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} class="chart-box" role="img" aria-label={props.summary} />
      <ul class="chart-legend">
        {props.lines.map((line, i) => (
          <li key={line.label}>
            <span class={`swatch${line.dash ? ' swatch-dashed' : ''}`} style={{ borderColor: line.color }} />
            {line.label}: {latest(props.data[i + 1], props.unit)}
          </li>
        ))}
      </ul>
    </figure>
  );
}

function latest(values: uPlot.AlignedData[number] | undefined, unit: string): string {
  const last = [...(values ?? [])].reverse().find((v) => v !== null && v !== undefined);
  return last === undefined || last === null
    ? 'no data yet'
    : `${+Number(last).toPrecision(4)}${unit} (latest)`;
}
