/**
 * An ECharts instance bound to a div: created once, given new options on each render, disposed on unmount.
 * `renderer: 'svg'` puts every mark in the DOM (readable by tests and assistive tools); canvas is the default.
 */
import { useEffect, useRef } from 'preact/hooks';
import { echarts } from './echarts';

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0];

export function Chart(props: { option: Option; label: string; onClick?: (params: { seriesIndex?: number; dataIndex: number; data: unknown }) => void; height?: number; renderer?: 'canvas' | 'svg'; describedBy?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init>>(undefined);
  useEffect(() => {
    const instance = echarts.init(ref.current!, undefined, { renderer: props.renderer ?? 'canvas' });
    chart.current = instance;
    const onResize = () => instance.resize();
    addEventListener('resize', onResize);
    return () => { removeEventListener('resize', onResize); instance.dispose(); };
  }, [props.renderer]);
  useEffect(() => {
    const instance = chart.current!;
    instance.setOption(props.option, true);
    instance.off('click');
    if (props.onClick) instance.on('click', (p) => props.onClick!(p as never));
  }, [props.option, props.onClick, props.renderer]);
  return <div ref={ref} class="chart" role="img" aria-label={props.label} aria-describedby={props.describedBy} style={{ height: `${props.height ?? 320}px` }} />;
}
