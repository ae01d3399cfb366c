#!/usr/bin/env python3
"""Plots curve.csv (from curve.sh) as an SVG: offered payments/s against latency in ms on a log
scale, p50 (solid) and p99 (dashed) for each store. A hollow point marks a rate the server did
not keep up with (under 95% achieved) or one with failed requests.

Usage: plot.py CURVE.CSV OUT.SVG [--date YYYY-MM-DD] [--cpus N]
(the date defaults to the CSV's modification date, the CPU count to this machine's)."""

import argparse
import csv
import datetime
import math
import os
from xml.sax.saxutils import escape

W, H = 740, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 170, 48, 56
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def nice_step(span, target=6):
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def fmt_ms(v):
    return f"{v:g}" if v >= 0.01 else f"{v:.0e}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("svg")
    ap.add_argument("--date")
    ap.add_argument("--cpus", type=int, default=os.cpu_count())
    args = ap.parse_args()
    date = args.date or datetime.date.fromtimestamp(os.path.getmtime(args.csv)).isoformat()

    stores = {}
    with open(args.csv, newline="") as f:
        for row in csv.DictReader(f):
            stores.setdefault(row["store"], []).append(row)

    series = []  # (label, colour, dashed, [(x, y, hollow)])
    for i, (store, rows) in enumerate(stores.items()):
        colour = COLOURS[i % len(COLOURS)]
        for key, dashed in (("p50_ms", False), ("p99_ms", True)):
            pts = []
            for r in sorted(rows, key=lambda r: int(r["offered"])):
                if not r[key]:
                    continue
                offered = int(r["offered"])
                hollow = int(r["achieved"]) < 0.95 * offered or int(r["failed"]) > 0
                pts.append((offered, float(r[key]), hollow))
            series.append((f"{store} {key[:3]}", colour, dashed, pts))

    xs = [p[0] for s in series for p in s[3]]
    ys = [p[1] for s in series for p in s[3]]
    if not xs:
        raise SystemExit(f"{args.csv}: no latencies to plot")
    x_step = nice_step(max(xs))
    x_max = math.ceil(max(xs) / x_step) * x_step
    lo = math.floor(math.log10(max(min(ys), 1e-3)))
    hi = math.ceil(math.log10(max(ys)))
    if hi == lo:
        hi += 1

    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(x):
        return LEFT + pw * x / x_max

    def py(y):
        return TOP + ph * (hi - math.log10(max(y, 10**lo))) / (hi - lo)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{LEFT + pw / 2}" y="22" text-anchor="middle" font-size="15">'
        f"ward serve, open loop: latency at fixed offered rates</text>",
        f'<text x="{LEFT + pw / 2}" y="39" text-anchor="middle" fill="#555">'
        f"{escape(date)}, {args.cpus} CPUs shared by server and load generator; "
        f"latency from when each request was due</text>",
    ]
    # Grid and ticks: y at 1, 2 and 5 per decade (labels at decades only when many), x even.
    many = hi - lo > 3
    for d in range(lo, hi + 1):
        for m in (1, 2, 5):
            v = m * 10**d
            if v > 10**hi:
                break
            y = py(v)
            out.append(
                f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{"#ccc" if m == 1 else "#eee"}"/>'
            )
            if m == 1 or not many:
                out.append(
                    f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{fmt_ms(v)}</text>'
                )
    x = 0.0
    while x <= x_max + 1e-9:
        out.append(
            f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{TOP}" y2="{TOP + ph}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{px(x):.1f}" y="{TOP + ph + 18}" text-anchor="middle">{x:g}</text>'
        )
        x += x_step
    out.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>'
    )
    out.append(
        f'<text x="{LEFT + pw / 2}" y="{H - 12}" text-anchor="middle">offered payments/s</text>'
    )
    out.append(
        f'<text transform="translate(18 {TOP + ph / 2}) rotate(-90)" text-anchor="middle">'
        f"latency (ms, log scale)</text>"
    )

    for label, colour, dashed, pts in series:
        if not pts:
            continue
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y, _ in pts)
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        for x, y, hollow in pts:
            out.append(
                f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" stroke="{colour}" '
                f'stroke-width="1.5" fill="{"white" if hollow else colour}"/>'
            )

    lx, ly = LEFT + pw + 16, TOP + 8
    for i, (label, colour, dashed, _) in enumerate(series):
        y = ly + 20 * i
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        out.append(
            f'<line x1="{lx}" x2="{lx + 28}" y1="{y}" y2="{y}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{lx + 34}" y="{y + 4}">{escape(label)}</text>')
    y = ly + 20 * len(series) + 6
    out.append(
        f'<circle cx="{lx + 14}" cy="{y}" r="3.5" stroke="#555" stroke-width="1.5" fill="white"/>'
    )
    out.append(f'<text x="{lx + 34}" y="{y + 4}">rate not kept up</text>')
    out.append(f'<text x="{lx + 34}" y="{y + 18}">or failures</text>')
    out.append("</svg>")

    with open(args.svg, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
