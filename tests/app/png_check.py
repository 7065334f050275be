#!/usr/bin/env python3
"""Checks a deploysim screenshot: PNG size, and that it is not blank (many colours, much drawn).

usage: png_check.py FILE WIDTH HEIGHT [MIN_COLOURS]   (WIDTH and HEIGHT 0: any size)
Prints one line of facts; exits 1 with the reason when a check fails.
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG file")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                raise SystemExit(f"{path}: expected 8-bit RGB/RGBA, got depth {depth} colour type {colour}")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    path, want_w, want_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    min_colours = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    w, h, bpp, rows = read_png(path)
    if (want_w or want_h) and (w, h) != (want_w, want_h):
        raise SystemExit(f"{path}: size {w}x{h}, expected {want_w}x{want_h}")
    colours, counts = set(), {}
    for y in range(0, h, 3):
        row = rows[y]
        for x in range(0, w, 3):
            px = row[x * bpp:x * bpp + 3]
            colours.add(px)
            counts[px] = counts.get(px, 0) + 1
    total = sum(counts.values())
    background = max(counts.values()) / total
    print(f"{path}: {w}x{h}, {len(colours)} colours, most common colour covers {background:.0%}")
    if len(colours) < min_colours:
        raise SystemExit(f"{path}: only {len(colours)} colours (expected at least {min_colours}): blank?")
    if background > 0.9:
        raise SystemExit(f"{path}: one colour covers {background:.0%} of the image: blank?")


if __name__ == "__main__":
    main()
