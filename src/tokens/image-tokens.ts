// Input tokens of one image, by OpenAI's documented formula for GPT-4o-class models
// (https://platform.openai.com/docs/guides/images-vision#calculating-costs): `low`
// detail costs a flat 85; otherwise the image is fitted in 2048×2048, scaled down so its
// short side is at most 768 px, and costs 85 + 170 per 512-px tile. `auto` and
// `original` are counted as `high` (an upper bound). Other model families price images
// differently (patch-based GPT-4.1-mini/nano and GPT-5-mini, 70/140 for GPT-5); the
// per-provider calibration ratio absorbs that, and the route is not known yet here.
import { imageSize } from 'image-size';

export const LOW_DETAIL_IMAGE_TOKENS = 85;
// When the size cannot be read (a remote URL, an unreadable file): a 1024×1024 image.
export const UNKNOWN_SIZE_IMAGE_TOKENS = 765;

export function imageTokens(detail: string | undefined, size: { width: number; height: number } | undefined): number {
  if (detail === 'low') return LOW_DETAIL_IMAGE_TOKENS;
  if (!size || size.width <= 0 || size.height <= 0) return UNKNOWN_SIZE_IMAGE_TOKENS;
  let { width, height } = size;
  const fit = Math.min(1, 2048 / Math.max(width, height));
  width *= fit;
  height *= fit;
  const shortSide = Math.min(width, height);
  if (shortSide > 768) {
    width *= 768 / shortSide;
    height *= 768 / shortSide;
  }
  return 85 + 170 * Math.ceil(width / 512) * Math.ceil(height / 512);
}

// The size of a `data:` URL's image, from its header only: PNG, GIF and WebP state it in
// the first bytes, JPEG in a frame header that follows any EXIF block, so at most 64 KiB
// of the payload is decoded. Undefined for remote URLs and unreadable data.
export function dataUrlImageSize(url: string): { width: number; height: number } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0 || !url.slice(0, comma).endsWith(';base64')) return undefined;
  const prefix = url.slice(comma + 1, comma + 1 + 87_384);
  try {
    const { width, height } = imageSize(Buffer.from(prefix.slice(0, prefix.length - (prefix.length % 4)), 'base64'));
    return width && height ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}
