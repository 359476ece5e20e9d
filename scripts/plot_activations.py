"""Draws ReLU, sigmoid and tanh with their derivatives as SVG files in content/images/ (numpy only).

Run:  python scripts/plot_activations.py [OUT_DIR]   (default: content/images/)
The SVGs are committed; re-run this after changing the plots.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "content" / "images"
WIDTH, HEIGHT, PAD = 360, 240, 32
X_RANGE = (-5.0, 5.0)


def sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))


CURVES = {
    "relu": ("ReLU", lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float), (-1.0, 5.0)),
    "sigmoid": ("sigmoid", sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x)), (-0.2, 1.2)),
    "tanh": ("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2, (-1.2, 1.2)),
}


def svg(name: str, f, df, y_range) -> str:
    x = np.linspace(*X_RANGE, 401)
    (x0, x1), (y0, y1) = X_RANGE, y_range

    def sx(v):
        return PAD + (v - x0) / (x1 - x0) * (WIDTH - 2 * PAD)

    def sy(v):
        return HEIGHT - PAD - (v - y0) / (y1 - y0) * (HEIGHT - 2 * PAD)

    def path(ys, segments_at=None):
        points = [f"{sx(a):.1f},{sy(b):.1f}" for a, b in zip(x, np.clip(ys, y0, y1), strict=False)]
        if segments_at is None:
            return "M" + " L".join(points)
        # a jump (ReLU's derivative at 0) is drawn as two pieces, not a vertical line
        left = [p for p, a in zip(points, x, strict=False) if a < segments_at]
        right = [p for p, a in zip(points, x, strict=False) if a > segments_at]
        return "M" + " L".join(left) + " M" + " L".join(right)

    grid = []
    for gx in range(int(x0), int(x1) + 1):
        grid.append(f'<line x1="{sx(gx):.1f}" y1="{sy(y0):.1f}" x2="{sx(gx):.1f}" y2="{sy(y1):.1f}" class="grid"/>')
    for gy in np.arange(np.ceil(y0 * 2) / 2, y1 + 1e-9, 0.5 if y1 - y0 <= 3 else 1.0):
        grid.append(f'<line x1="{sx(x0):.1f}" y1="{sy(gy):.1f}" x2="{sx(x1):.1f}" y2="{sy(gy):.1f}" class="grid"/>')
        grid.append(f'<text x="{PAD - 4}" y="{sy(gy) + 4:.1f}" text-anchor="end">{(0.0 if abs(gy) < 1e-12 else gy):g}</text>')
    for gx in range(int(x0), int(x1) + 1, 1):
        grid.append(f'<text x="{sx(gx):.1f}" y="{HEIGHT - PAD + 14}" text-anchor="middle">{gx}</text>')
    jump = 0.0 if name == "relu" else None
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">
<style>.grid{{stroke:#d0d7de;stroke-width:0.5}} .axis{{stroke:#57606a;stroke-width:1}} text{{fill:#57606a}} .f{{fill:none;stroke:#0969da;stroke-width:2.2}} .df{{fill:none;stroke:#cf222e;stroke-width:1.8;stroke-dasharray:6 4}}</style>
<rect width="100%" height="100%" fill="white"/>
{chr(10).join(grid)}
<line x1="{sx(x0):.1f}" y1="{sy(0):.1f}" x2="{sx(x1):.1f}" y2="{sy(0):.1f}" class="axis"/>
<line x1="{sx(0):.1f}" y1="{sy(y0):.1f}" x2="{sx(0):.1f}" y2="{sy(y1):.1f}" class="axis"/>
<path d="{path(f(x))}" class="f"/>
<path d="{path(df(x), jump)}" class="df"/>
<text x="{WIDTH - PAD}" y="{PAD - 12}" text-anchor="end"><tspan fill="#0969da">— {CURVES[name][0]}(x)</tspan>  <tspan fill="#cf222e">- - {CURVES[name][0]}′(x)</tspan></text>
</svg>
"""


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, (_, f, df, y_range) in CURVES.items():
        (out / f"{name}.svg").write_text(svg(name, f, df, y_range), encoding="utf-8")
        print(f"wrote {out / (name + '.svg')}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
