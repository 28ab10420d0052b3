#!/usr/bin/env python3
"""The information content of the peer benchmark's remote-write workload, in bytes per sample.

`../shared/bench/rw_payloads.py` draws every value from known distributions. No lossless store can
keep the samples and exemplars in fewer bits, on average, than the entropy of those draws. This
script adds them up for a given SERIES x ROUNDS, using the generator's own series list
(`build_series`) and parameters, and prints the floor next to a store's measured bytes per sample.

    python3 bench/disk_floor.py --series 2000 --rounds 1000 [--measured 1.98]

Per series and round (step 15 s, q = the value's rounding quantum):
  counter    increment Uniform(0.5, 1.5) * step * rate, rounded to q: log2(step * rate / q) bits
  gauge      base * (1 + 0.05 sin(...) + Normal(0, 0.01)) rounded to q: the entropy of the rounded
             normal noise (the sine is taken as known, which only lowers the floor)
  histogram  Poisson(60) observations spread over the buckets: a bucket's cumulative count grows by
             Poisson(60 * cdf(le)) (per series; the buckets' joint entropy is also printed)
  _sum       full-precision double: the increment 0.08 * n * Uniform(0.8, 1.2) in units of the
             sum's last place
  timestamps regular: 0 bits
  exemplars  a Bernoulli(ratio) choice per sample, 128 + 64 random id bits, and a value drawn
             Uniform(0.001, 0.3) with 6 decimals
"""
import argparse
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "bench"))
import rw_payloads as gen  # noqa: E402  (the workload generator: series list and constants)

LOG2E = 1 / math.log(2)


def poisson_entropy(lam):
    """Entropy in bits of Poisson(lam)."""
    if lam <= 0:
        return 0.0
    h, k = 0.0, 0
    p = math.exp(-lam)
    while True:
        if p > 0:
            h -= p * math.log2(p)
        k += 1
        p *= lam / k
        if k > lam and p < 1e-15:
            return h


def rounded_normal_entropy(sigma_q, offsets=64):
    """Entropy in bits of round(x) for x ~ Normal(mu, sigma_q), averaged over the fractional part of mu."""
    if sigma_q > 50:
        return math.log2(sigma_q) + 0.5 * math.log2(2 * math.pi * math.e)
    total = 0.0
    span = int(10 * sigma_q) + 3
    for o in range(offsets):
        mu = o / offsets
        h = 0.0
        for k in range(-span, span + 1):
            a = (k - 0.5 - mu) / (sigma_q * math.sqrt(2))
            b = (k + 0.5 - mu) / (sigma_q * math.sqrt(2))
            p = 0.5 * (math.erf(b) - math.erf(a))
            if p > 0:
                h -= p * math.log2(p)
        total += h
    return total / offsets


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--series", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--step", type=float, default=15.0)
    ap.add_argument("--exemplar-ratio", type=float, default=0.01)
    ap.add_argument("--measured", type=float, help="a store's bytes per sample, to compare")
    args = ap.parse_args()

    series, _ = gen.build_series(args.series)
    le = [float(x) if x != "+Inf" else math.inf for x in gen.LE]
    cdf = [1.0 / (1.0 + (0.06 / min(x, 1e9)) ** 1.8) for x in le]
    cdf[-1] = 1.0
    mean_obs = 60 * args.step / 15.0

    bits = {"counter": 0.0, "gauge": 0.0, "histogram": 0.0, "sum": 0.0}
    sums = 0
    for labels, kind, param, _, bucket, quantum in series:
        if kind == gen.COUNTER:
            width = args.step * max(param, 1e-3)
            bits["counter"] += max(math.log2(width / quantum), 0.0) * args.rounds
        elif kind == gen.GAUGE:
            bits["gauge"] += rounded_normal_entropy(param * 0.01 / quantum) * args.rounds
        elif kind == gen.HBUCKET:
            bits["histogram"] += poisson_entropy(mean_obs * cdf[bucket]) * args.rounds
        elif kind == gen.HCOUNT:
            bits["histogram"] += poisson_entropy(mean_obs) * args.rounds
        elif kind == gen.HSUM:
            sums += 1
    # _sum: after r rounds the sum is about 0.08 * mean_obs * r; its increment spreads over
    # 0.4 * 0.08 * mean_obs (uniform factor) in units of 2^(exponent - 52).
    per_sum = 0.0
    for r in range(1, args.rounds + 1):
        value = 0.08 * mean_obs * r
        ulp = 2.0 ** (math.floor(math.log2(value)) - 52)
        per_sum += math.log2(0.4 * 0.08 * mean_obs / ulp)
    bits["sum"] = per_sum * sums

    samples = len(series) * args.rounds
    ratio = args.exemplar_ratio
    choice = 0.0 if ratio in (0, 1) else -(ratio * math.log2(ratio) + (1 - ratio) * math.log2(1 - ratio))
    exemplar_bits = samples * (choice + ratio * (128 + 64 + math.log2((0.3 - 0.001) * 1e6)))

    joint_hist = sum(poisson_entropy(mean_obs * p) for p in
                     [cdf[0]] + [cdf[i] - cdf[i - 1] for i in range(1, len(cdf))])

    print(f"workload: {len(series)} series x {args.rounds} rounds = {samples:,} samples, "
          f"{ratio:.0%} with an exemplar")
    print(f"{'part':<34}{'bytes/sample':>14}")
    total = 0.0
    for name, b in bits.items():
        print(f"  values: {name:<24}{b / 8 / samples:>14.3f}")
        total += b
    print(f"  {'values, total':<32}{total / 8 / samples:>14.3f}")
    print(f"  {'exemplars':<32}{exemplar_bits / 8 / samples:>14.3f}")
    floor = (total + exemplar_bits) / 8 / samples
    print(f"  {'floor: values + exemplars':<32}{floor:>14.3f}")
    print(f"(a histogram's 11 buckets jointly: {joint_hist:.1f} bits a round, against "
          f"{sum(poisson_entropy(mean_obs * c) for c in cdf):.1f} bits one series at a time)")
    if args.measured:
        print(f"measured {args.measured:.3f} bytes/sample = floor x {args.measured / floor:.2f}")


if __name__ == "__main__":
    main()
