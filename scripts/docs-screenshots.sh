#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/images/*.png) from real runs of the shipped
# scenarios and lessons, through the scripted GUI driver under Xvfb at 1600x900.
# Usage: scripts/docs-screenshots.sh [path/to/deploysim]   (default: build/dev/app/deploysim)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build/dev/app/deploysim}"
img="$root/docs/images"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
sc="$root/assets/scenarios"

shot() {  # shot NAME <<script
  local s="$work/$(basename "$1").txt"
  mkdir -p "$(dirname "$img/$1.png")"
  cat > "$s"
  echo "frames 3" >> "$s"
  echo "screenshot $img/$1.png" >> "$s"
  xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$s" | grep -v '^state' || true
}

# The real ClientHello in the inspector, its server_name field lit in the hex view.
shot tls-inspector <<S
open $sc/basic-https.toml
select 13
inspect server_name
window Inspector 0.42 0 0.58 0.70
S
# The real Certificate: subject, SAN, issuer and validity decoded from the bytes.
shot tls-certificate <<S
open $sc/basic-https.toml
select 16
inspect certificate[0].san
window Inspector 0.42 0 0.58 0.70
S
# The sequence diagram of the first connection with its round trips.
shot sequence <<S
open $sc/basic-https.toml
select 21
window Sequence 0.34 0 0.66 0.70
S
# The basic HTTPS request stepped to the TLS handshake (every panel in its default place).
shot overview-tls <<S
open $sc/basic-https.toml
select 13
S
# A lesson: the navigator in the browser, the step text over the narration.
shot lessons <<S
lesson 03-no-sni
lesson next
lesson next
S
# The same lesson in Korean (NanumGothic merged with the Hangul the texts use): a lesson step,
# the inspector on the real ClientHello, and the metrics of a comparison.
shot korean <<S
language ko
lesson 01-https-request
lesson next
lesson next
lesson next
lesson next
S
shot korean-inspector <<S
language ko
open $sc/basic-https.toml
select 13
inspect server_name
window Inspector 0.42 0 0.58 0.70
S
shot korean-metrics <<S
language ko
open $sc/loaded-workers.toml
set service.api.workers 4
compare 2 workers
seek 30s
window Metrics 0.42 0 0.58 1
S
# Metrics over simulated time: four workers against the two-worker variant under load.
shot metrics <<S
open $sc/loaded-workers.toml
set service.api.workers 4
compare 2 workers
seek 30s
window Metrics 0.42 0 0.58 1
S
# Certificates: renewal off against renewal by the proxy, days left and availability.
shot metrics-renewal <<S
open $sc/cert-renewal.toml
compare renewal off
seek 90d
window Metrics 0.42 0 0.58 1
S
# A crash loop under a supervisor (process states on the canvas, restarts in the metrics).
shot crash-loop <<S
open $sc/crash-loop-supervisors.toml
seek 20s
S
# Presenter mode (large font, high contrast); the compare variant is in the Details window's Metrics tab.
shot presenter-compare <<S
open $sc/loaded-workers.toml
compare 2 workers
presenter on
step 30
S
# Predict, then reveal (issue #15): lesson 03's second question before and after the reveal,
# into docs/screenshots/. Choice 1 is the wrong answer, so the reveal shows a wrong answer.
shot ../screenshots/question-before <<S
lesson 03-no-sni
lesson answer 2
lesson reveal
lesson next
lesson answer 1
S
shot ../screenshots/question-after <<S
lesson 03-no-sni
lesson answer 2
lesson reveal
lesson next
lesson answer 1
lesson reveal
S
ls -la "$img"

# Opening files (docs/screenshots): the file browser on the shipped lessons (each file with what
# it holds), in English and in Korean with recent files; a teacher's lesson file dropped onto
# the window, open on its first step; the what-if saved as a scenario file.
img="$root/docs/screenshots"
mkdir -p "$img" "$work/course"
cp "$root/assets/lessons/03-no-sni.toml" "$work/course/week1-sni.toml"
shot file-browser <<S
browse $root/assets/lessons
S
shot file-browser-ko <<S
language ko
open $sc/basic-https.toml
drop $work/course/week1-sni.toml
browse $root/assets/scenarios
S
shot drop-lesson <<S
drop $work/course/week1-sni.toml
lesson next
S
shot save-whatif <<S
open $sc/basic-https.toml
set service.api.workers 1
save_whatif $work/course/basic-https-one-worker.toml
set dns.resolver.cache false
browse_save $work/course
S
ls -la "$img"

# The import report (docs/import.md): lesson 12's example repository imported through File >
# Import, in English and in Korean, captured as its own window.
capture_shot() {  # capture_shot NAME WINDOW <<script
  local s="$work/$1.txt"
  cat > "$s"
  printf 'frames 3\ncapture %s %s\n' "$2" "$img/$1.png" >> "$s"
  # From the repository, so the report names the files as a reader's clone does.
  (cd "$root" && xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$s" | grep -v '^state' || true)
}
capture_shot import-report ImportReport <<S
import assets/import-example
S
capture_shot import-report-ko ImportReport <<S
language ko
import assets/import-example
S
ls -la "$img"/import-report*.png

# A 1024x768 projector (README): the small-screen layout, normal and presenter, on lesson 07.
shot_small() {  # shot_small NAME <<script
  local s="$work/$1.txt"
  cat > "$s"
  printf 'frames 3\nscreenshot %s\n' "$img/$1.png" >> "$s"
  xvfb-run -a -s "-screen 0 1024x768x24" "$bin" gui --script "$s" | grep -v '^state' || true
}
shot_small 1024x768-normal <<S
lesson 07-restarts
S
shot_small 1024x768-presenter <<S
lesson 07-restarts
presenter on
S
