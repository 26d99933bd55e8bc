// Small statistics for quality scores in [0, 1]: means, variances, confidence intervals
// (Wilson and normal approximation) and one-sided bounds for a difference of means.

export interface Summary {
  n: number;
  mean: number | null;
  // Sample variance (n − 1); null below two values.
  variance: number | null;
}

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export function variance(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs)!;
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return s / (xs.length - 1);
}

export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, mean: mean(xs), variance: variance(xs) };
}

// Φ⁻¹(p): the standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9 after refinement).
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step against the complementary error function.
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

// Φ(x).
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

// erfc with a Chebyshev fit (Numerical Recipes erfcc; fractional error < 1.2e-7).
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export interface Interval {
  low: number;
  high: number;
}

// Two-sided Wilson score interval for a mean of n values in [0, 1] (a proportion, or a
// bounded mean: its variance is at most p(1 − p), so this is conservative).
export function wilsonInterval(p: number, n: number, confidence = 0.95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: p <= 0 ? 0 : Math.max(0, centre - half), high: p >= 1 ? 1 : Math.min(1, centre + half) };
}

// Two-sided normal-approximation interval for a mean, clipped to [0, 1].
export function normalInterval(s: Summary, confidence = 0.95): Interval | null {
  if (s.mean === null || s.variance === null) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const half = z * Math.sqrt(s.variance / s.n);
  return { low: Math.max(0, s.mean - half), high: Math.min(1, s.mean + half) };
}

export interface DifferenceBounds {
  // a − b
  difference: number;
  // One-sided bounds at `confidence` each (Welch's normal approximation).
  low: number;
  high: number;
  standardError: number;
}

// a − b with one-sided lower and upper bounds at `confidence`; null when either side has
// fewer than two values.
export function differenceBounds(a: Summary, b: Summary, confidence = 0.95): DifferenceBounds | null {
  if (a.mean === null || b.mean === null || a.variance === null || b.variance === null) return null;
  const se = Math.sqrt(a.variance / a.n + b.variance / b.n);
  const z = normalQuantile(confidence);
  const difference = a.mean - b.mean;
  return { difference, low: difference - z * se, high: difference + z * se, standardError: se };
}

export function differenceLowerBound(a: Summary, b: Summary, confidence = 0.95): number | null {
  return differenceBounds(a, b, confidence)?.low ?? null;
}
