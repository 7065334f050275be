// Font files by role: a list of the usual places per system, first match wins.
#include "gui/platform/font_files.hpp"

#include <filesystem>
#include <initializer_list>

namespace deploysim::gui {

namespace {

std::string first_existing(std::initializer_list<const char*> paths) {
  std::error_code ec;
  for (const char* p : paths)
    if (std::filesystem::is_regular_file(p, ec)) return p;
  return {};
}

}  // namespace

std::string find_font(FontRole role) {
  switch (role) {
    case FontRole::sans:
      return first_existing({
          "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",    // Debian, Ubuntu (fonts-dejavu-core)
          "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",  // Fedora
          "/usr/share/fonts/TTF/DejaVuSans.ttf",                // Arch
          "/usr/share/fonts/dejavu/DejaVuSans.ttf",             // openSUSE, Alpine
          "/usr/local/share/fonts/dejavu/DejaVuSans.ttf",       // FreeBSD
          "/System/Library/Fonts/Supplemental/Arial.ttf",       // macOS
          "C:/Windows/Fonts/segoeui.ttf",                       // Windows
      });
    case FontRole::mono:
      return first_existing({
          "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
          "/usr/share/fonts/dejavu-sans-mono-fonts/DejaVuSansMono.ttf",
          "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
          "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
          "/usr/local/share/fonts/dejavu/DejaVuSansMono.ttf",
          "/System/Library/Fonts/Menlo.ttc",
          "C:/Windows/Fonts/consola.ttf",
      });
    case FontRole::korean:
      return first_existing({
          "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",           // Debian, Ubuntu (fonts-nanum)
          "/usr/share/fonts/naver-nanum/NanumGothic.ttf",              // Fedora
          "/usr/share/fonts/TTF/NanumGothic.ttf",                      // Arch
          "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",    // Debian, Ubuntu (fonts-noto-cjk)
          "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  // Fedora
          "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",         // Arch
          "/System/Library/Fonts/AppleSDGothicNeo.ttc",                // macOS
          "C:/Windows/Fonts/malgun.ttf",                               // Windows (Malgun Gothic)
      });
  }
  return {};
}

const char* font_hint(FontRole role) {
  switch (role) {
    case FontRole::sans:
      return "DejaVu Sans (Debian package fonts-dejavu-core)";
    case FontRole::mono:
      return "DejaVu Sans Mono (Debian package fonts-dejavu-core)";
    case FontRole::korean:
      return "NanumGothic (Debian package fonts-nanum) or Noto Sans CJK (fonts-noto-cjk)";
  }
  return "";
}

}  // namespace deploysim::gui
