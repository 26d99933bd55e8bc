import { describe, expect, it } from 'vitest';
import { dataUrlImageSize, imageTokens } from '../../../src/tokens/image-tokens.js';
import { readCodexRequest } from '../../support/fixtures.js';

describe('imageTokens: OpenAI’s worked examples (images-vision guide, calculating costs)', () => {
  it.each([
    ['high', 1024, 1024, 765], // scaled to 768×768: 4 tiles
    ['high', 2048, 4096, 1105], // 1024×2048 → 768×1536: 6 tiles
    ['low', 4096, 8192, 85],
    ['high', 2, 2, 255], // never scaled up: 1 tile
    ['auto', 1920, 1080, 1105], // 1365×768: 3×2 tiles
  ])('%s %i×%i → %i', (detail, width, height, tokens) => {
    expect(imageTokens(detail, { width, height })).toBe(tokens);
  });

  it('uses a 1024×1024 image’s cost when the size is unknown', () => {
    expect(imageTokens('high', undefined)).toBe(765);
    expect(imageTokens(undefined, undefined)).toBe(765);
  });
});

describe('dataUrlImageSize', () => {
  it('reads the PNG in image-input-request.json (Codex CLI capture)', () => {
    const { body } = readCodexRequest('image-input-request.json');
    const url = body.input.flatMap((i: any) => i.content ?? []).find((c: any) => c.type === 'input_image').image_url;
    expect(dataUrlImageSize(url)).toEqual({ width: 2, height: 2 });
  });

  it('reads a GIF header and gives up on remote URLs and garbage', () => {
    const gif = Buffer.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x40, 0x01, 0xf0, 0x00, 0, 0, 0, 0x2c, 0, 0, 0, 0]);
    expect(dataUrlImageSize(`data:image/gif;base64,${gif.toString('base64')}`)).toEqual({ width: 320, height: 240 });
    expect(dataUrlImageSize('https://example.com/a.png')).toBeUndefined();
    expect(dataUrlImageSize('data:image/png;base64,AAAA')).toBeUndefined();
    expect(dataUrlImageSize('data:text/plain,hello')).toBeUndefined();
  });
});
