// The stage and outcome colours as a deuteranope sees them (Machado, Oliveira & Fernandes 2009,
// "A Physiologically-based Model for Simulation of Color Vision Deficiency", severity 1.0 matrix,
// applied to linear RGB): every pair the canvas legend or an outcome shows side by side stays
// apart in CIELAB. The red/green palette before issue #15 failed this (DNS/TCP/TLS/HTTP/proxy/
// failure: 9.7 at worst; ok/failure: 11.2).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gui/shell/theme.hpp"

using namespace deploysim;
using namespace deploysim::gui;

namespace {

using Vec = std::array<double, 3>;

double to_linear(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

// sRGB (0..255 in an ImU32) -> linear RGB -> deuteranopia -> CIELAB (D65).
Vec deuteranope_lab(ImU32 c) {
  const Vec srgb{((c >> IM_COL32_R_SHIFT) & 0xFF) / 255.0, ((c >> IM_COL32_G_SHIFT) & 0xFF) / 255.0,
                 ((c >> IM_COL32_B_SHIFT) & 0xFF) / 255.0};
  const Vec lin{to_linear(srgb[0]), to_linear(srgb[1]), to_linear(srgb[2])};
  // Machado et al. 2009, Table 1, deuteranomaly severity 1.0 (scripts/cvd-simulate.py uses the same).
  constexpr double m[3][3] = {
      {0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}};
  Vec d{};
  for (int i = 0; i < 3; ++i) d[i] = std::clamp(m[i][0] * lin[0] + m[i][1] * lin[1] + m[i][2] * lin[2], 0.0, 1.0);
  const double x = 0.4124564 * d[0] + 0.3575761 * d[1] + 0.1804375 * d[2];
  const double y = 0.2126729 * d[0] + 0.7151522 * d[1] + 0.0721750 * d[2];
  const double z = 0.0193339 * d[0] + 0.1191920 * d[1] + 0.9503041 * d[2];
  auto f = [](double t) { return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0; };
  const double fx = f(x / 0.95047), fy = f(y), fz = f(z / 1.08883);
  return {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
}

double distance(ImU32 a, ImU32 b) {
  const Vec la = deuteranope_lab(a), lb = deuteranope_lab(b);
  return std::sqrt((la[0] - lb[0]) * (la[0] - lb[0]) + (la[1] - lb[1]) * (la[1] - lb[1]) +
                   (la[2] - lb[2]) * (la[2] - lb[2]));
}

// ~20 CIELAB units: well past the 2-3 of a just-noticeable difference, so that thin lines and
// small dots on a dark canvas stay apart too.
constexpr double min_distance = 20.0;

void check_apart(const std::vector<std::pair<std::string, ImU32>>& colours) {
  for (size_t i = 0; i < colours.size(); ++i)
    for (size_t j = i + 1; j < colours.size(); ++j) {
      INFO(colours[i].first << " vs " << colours[j].first);
      CHECK(distance(colours[i].second, colours[j].second) >= min_distance);
    }
}

}  // namespace

TEST_CASE("the canvas legend's stages and failures stay apart for a deuteranope") {
  check_apart({{"dns", stage_color(Stage::dns)},
               {"tcp", stage_color(Stage::tcp)},
               {"tls", stage_color(Stage::tls)},
               {"http", stage_color(Stage::http)},
               {"proxy", stage_color(Stage::proxy)},
               {"failure", failure_color()}});
}

TEST_CASE("outcomes (ok, warning, failure) stay apart for a deuteranope") {
  check_apart({{"ok", outcome_color(Outcome::ok)},
               {"warning", outcome_color(Outcome::warning)},
               {"failure", outcome_color(Outcome::failure)}});
}

TEST_CASE("the simulation is the published one: pure red and green collapse, blue stays") {
  // Machado's deuteranope sees red and green far closer than a trichromat does (a sanity check that
  // the matrix is applied, not a palette check).
  CHECK(distance(IM_COL32(255, 0, 0, 255), IM_COL32(0, 160, 0, 255)) < 25.0);
  CHECK(distance(IM_COL32(0, 0, 255, 255), IM_COL32(255, 255, 0, 255)) > 80.0);
}
