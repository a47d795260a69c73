/*
 * "Export snapshot": the charts as one PNG (each chart's SVG → image → one canvas → PNG blob) and
 * the numbers as JSON, as two downloads. No dependency: the browser does the drawing.
 */

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download reads the URL after click() returns: let it go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function jsonBlob(value: unknown): Blob {
  return new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });
}

interface ChartPicture {
  title: string;
  legend: { label: string; color: string; dashed: boolean }[];
  svg: SVGSVGElement;
  width: number;
  height: number;
}

function readCharts(container: ParentNode): ChartPicture[] {
  return [...container.querySelectorAll<HTMLElement>('figure[data-chart]')].flatMap((figure) => {
    const svg = figure.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) return [];
    const box = svg.getBoundingClientRect();
    return [
      {
        title: figure.querySelector('.chart-title')?.textContent ?? '',
        legend: [...figure.querySelectorAll<HTMLElement>('.chart-legend li')].map((item) => ({
          label: item.textContent ?? '',
          color: item.dataset.color ?? '#888',
          dashed: item.dataset.dashed === 'true',
        })),
        svg,
        width: Math.round(box.width || Number(svg.getAttribute('width')) || 600),
        height: Math.round(box.height || Number(svg.getAttribute('height')) || 200),
      },
    ];
  });
}

function svgImage(picture: ChartPicture, font: string): Promise<HTMLImageElement> {
  const clone = picture.svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(picture.width));
  clone.setAttribute('height', String(picture.height));
  clone.setAttribute('style', `font-family: ${font}; font-size: 11px`);
  // What follows the pointer (the hover readout) is not part of the picture.
  for (const transient of clone.querySelectorAll('[data-export="skip"]')) transient.remove();
  const source = new XMLSerializer().serializeToString(clone);
  const image = new Image();
  return new Promise((resolve, reject) => {
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`the chart "${picture.title}" could not be drawn as an image`));
    // A data: URL, which the page's Content-Security-Policy allows for images (blob: it does not).
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  });
}

const PAD = 16;
const TITLE_H = 22;
const LEGEND_H = 20;
const GAP = 14;

/** All charts in `container`, one under the other, under a heading line, as a PNG. */
export async function chartsPng(container: ParentNode, heading: string, colors: { bg: string; text: string; muted: string }): Promise<Blob> {
  const charts = readCharts(container);
  if (charts.length === 0) throw new Error('there is no chart to export yet');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw on a canvas');
  const font = getComputedStyle(document.body).fontFamily || 'sans-serif';
  const images = await Promise.all(charts.map((chart) => svgImage(chart, font)));

  const scale = Math.max(1, Math.min(2, window.devicePixelRatio || 1));
  context.font = `600 15px ${font}`;
  const width = Math.ceil(Math.max(context.measureText(heading).width, ...charts.map((chart) => chart.width))) + 2 * PAD;
  const height = PAD + TITLE_H + charts.reduce((sum, chart) => sum + TITLE_H + LEGEND_H + chart.height + GAP, 0) + PAD;
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  context.scale(scale, scale);
  context.fillStyle = colors.bg;
  context.fillRect(0, 0, width, height);
  context.textBaseline = 'top';
  context.fillStyle = colors.text;
  context.font = `600 15px ${font}`;
  context.fillText(heading, PAD, PAD);

  let y = PAD + TITLE_H;
  charts.forEach((chart, index) => {
    context.fillStyle = colors.text;
    context.font = `600 13px ${font}`;
    context.fillText(chart.title, PAD, y + 4);
    y += TITLE_H;
    let x = PAD;
    context.font = `12px ${font}`;
    for (const item of chart.legend) {
      context.strokeStyle = item.color;
      context.fillStyle = item.color;
      if (item.dashed) context.strokeRect(x, y + 3, 10, 10);
      else context.fillRect(x, y + 3, 10, 10);
      context.fillStyle = colors.muted;
      context.fillText(item.label, x + 14, y + 2);
      x += 14 + context.measureText(item.label).width + 14;
    }
    y += LEGEND_H;
    context.drawImage(images[index]!, PAD, y, chart.width, chart.height);
    y += chart.height + GAP;
  });

  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
}
