# The font atlas holds only the Hangul the program can show (theme.cpp: the characters of every
# .toml under assets/ and of korean_ui_words in gui/shell/theme.hpp, then those of what the user
# opens, which gui_korean_loaded.sh checks), so a Korean word written in
# the GUI's code shows as '?' unless its characters are in korean_ui_words. This lists any that
# are not, with the file. (The binary's path is the first argument; unused.)
set -euo pipefail
cd "$2"
python3 - <<'PY'
import glob, re, sys
theme = open("app/gui/shell/theme.hpp", encoding="utf-8").read()
m = re.search(r'korean_ui_words =\s*((?:"[^"]*"\s*|//[^\n]*\n\s*)+);', theme)
if not m:
    sys.exit("gui_korean_glyphs: korean_ui_words not found in app/gui/shell/theme.hpp")
have = set("".join(re.findall(r'"([^"]*)"', re.sub(r"//[^\n]*", "", m.group(1)))))
bad = []
for f in sorted(glob.glob("app/gui/**/*.[ch]pp", recursive=True)):
    if f.endswith("shell/theme.hpp"):
        continue
    text = open(f, encoding="utf-8").read()
    missing = sorted({c for c in text if 0xAC00 <= ord(c) <= 0xD7A3 and c not in have})
    if missing:
        bad.append(f"{f}: {''.join(missing)}")
if bad:
    print("gui_korean_glyphs: Hangul in the GUI's code that the font atlas does not get "
          "(add the words to korean_ui_words in app/gui/shell/theme.hpp):")
    print("\n".join(bad))
    sys.exit(1)
print("gui_korean_glyphs: every Hangul character of the GUI's code is in the font atlas")
PY
