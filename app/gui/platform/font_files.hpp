#pragma once
#include <string>

namespace deploysim::gui {

/// The fonts the GUI uses.
enum class FontRole { sans, mono, korean };

/// The first font file of a role that exists among the places Linux distributions, macOS and
/// Windows install them (DejaVu, NanumGothic or Noto Sans CJK, the system's own); "" when none.
std::string find_font(FontRole role);

/// Where a role's font usually comes from, for a notice when none was found.
const char* font_hint(FontRole role);

}  // namespace deploysim::gui
