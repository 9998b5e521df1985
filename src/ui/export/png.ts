/**
 * An SVG document as a PNG (DOM): drawn into an <img>, then onto a canvas on
 * a white background. Browsers cap a canvas's side and area, so a long ladder
 * is drawn at a smaller scale rather than not at all.
 */

/** Largest canvas side and area that Chromium, Firefox and Safari all draw. */
const MAX_CANVAS_SIDE = 16_384;
const MAX_CANVAS_AREA = 100_000_000;

/** The scale to draw a width × height picture at: `wanted`, reduced until the canvas fits the browsers' limits. */
export function fitScale(width: number, height: number, wanted: number): number {
  const bySide = MAX_CANVAS_SIDE / Math.max(width, height, 1);
  const byArea = Math.sqrt(MAX_CANVAS_AREA / Math.max(width * height, 1));
  return Math.min(Math.max(wanted, 0.01), bySide, byArea);
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the browser could not draw the SVG as an image'));
    image.src = url;
  });
}

/** `svgText` (a standalone SVG document with width and height) as a PNG, `scale` pixels per SVG unit at most. */
export async function pngBlob(svgText: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = await loadImage(url);
    const s = fitScale(image.naturalWidth, image.naturalHeight, scale);
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(image.naturalWidth * s));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * s));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser gives no 2D canvas to draw the PNG on');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas could not be encoded as PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
