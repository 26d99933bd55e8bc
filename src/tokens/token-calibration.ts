// How far the estimate is from what each provider bills: after a response, the caller
// records the estimate beside the usage's input tokens (canonical Usage.inputTokens, cache
// reads and writes included), and the ratio actual/estimated per provider is kept as an
// exponentially weighted mean (a plain mean for the first 1/alpha samples), so it follows a provider's tokenizer and prompt format
// (Anthropic and Gemini tokenize differently from o200k) and drifts with model changes.
// It is reported, and `adjust` applies it once enough samples make it trustworthy.
export interface TokenCalibrationOptions {
  // Weight of each new sample in the running mean. Default 0.05: about the last 40 samples.
  alpha?: number;
  // Samples before `adjust` applies a provider's ratio. Default 20.
  minSamples?: number;
}

export interface ProviderRatio {
  ratio: number;
  samples: number;
}

export interface TokenCalibration {
  recordActual(provider: string, estimated: number, actual: number): void;
  ratios(): Record<string, ProviderRatio>;
  // The estimate scaled by the provider's ratio, or unchanged while samples are few.
  adjust(provider: string, estimated: number): number;
}

const MIN_SAMPLE_RATIO = 1 / 3;
const MAX_SAMPLE_RATIO = 3;

export function createTokenCalibration(opts: TokenCalibrationOptions = {}): TokenCalibration {
  const alpha = opts.alpha ?? 0.05;
  const minSamples = opts.minSamples ?? 20;
  const byProvider = new Map<string, ProviderRatio>();
  return {
    recordActual(provider, estimated, actual) {
      // A failed request reports 0 input tokens; it says nothing about the estimate.
      if (!(estimated > 0) || !(actual > 0) || !Number.isFinite(estimated) || !Number.isFinite(actual)) return;
      const r = actual / estimated;
      // Tokenizers differ by tens of percent, not by multiples: a sample further off is a
      // usage the upstream misreported (or a count of something else) and would skew
      // every later estimate (a 100k request then looks over every window).
      if (r < MIN_SAMPLE_RATIO || r > MAX_SAMPLE_RATIO) return;
      const prev = byProvider.get(provider) ?? { ratio: 0, samples: 0 };
      const samples = prev.samples + 1;
      // A plain mean until 1/alpha samples, so the first sample does not dominate; then EWMA.
      const weight = Math.max(alpha, 1 / samples);
      byProvider.set(provider, { ratio: prev.ratio + weight * (r - prev.ratio), samples });
    },
    ratios() {
      return Object.fromEntries([...byProvider].map(([p, v]) => [p, { ...v }]));
    },
    adjust(provider, estimated) {
      const r = byProvider.get(provider);
      return r && r.samples >= minSamples ? Math.round(estimated * r.ratio) : estimated;
    },
  };
}
