#!/usr/bin/env python3
"""Renders a screenshot as a person with deuteranopia (or protanopia) sees it.

Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of Color
Vision Deficiency", IEEE TVCG 15(6), Table 1, severity 1.0; the matrix is applied to linear RGB,
as tests/test_gui_palette.cpp does for the palette.

Usage: scripts/cvd-simulate.py IN.png OUT.png [--type deuteranopia|protanopia] [--side-by-side]
Needs Debian's python3-numpy and python3-pil (scripts/setup-deps.sh installs them).
"""
import argparse
import os
import sys

try:
    import numpy as np
    from PIL import Image
except ImportError as e:
    # A python3 of its own (pyenv, a venv) first in PATH does not see Debian's packages.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    sys.exit(f"cvd-simulate.py: {e.name} is missing (apt-get install python3-numpy python3-pil)")

MATRICES = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}


def to_linear(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def to_srgb(c):
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(c, 1 / 2.4) - 0.055)


def simulate(rgb, kind):
    lin = to_linear(rgb.astype(np.float64) / 255.0)
    out = np.clip(lin @ MATRICES[kind].T, 0.0, 1.0)
    return np.round(to_srgb(out) * 255.0).astype(np.uint8)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--type", choices=sorted(MATRICES), default="deuteranopia")
    ap.add_argument("--side-by-side", action="store_true", help="the original on the left, the simulation right")
    a = ap.parse_args()
    try:
        image = Image.open(a.input).convert("RGB")
    except OSError as e:
        sys.exit(f"{a.input}: cannot read the image: {e}")
    sim = simulate(np.asarray(image), a.type)
    if a.side_by_side:
        sim = np.concatenate([np.asarray(image), sim], axis=1)
    Image.fromarray(sim).save(a.output)


if __name__ == "__main__":
    main()
