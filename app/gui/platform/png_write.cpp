// stb's PNG writer, compiled here with private linkage (its header is Debian's libstb-dev): the
// program does not depend on which stb functions a shared libstb happens to export.
#include "gui/platform/png_write.hpp"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace deploysim::gui {

bool write_png_bottom_up(const std::string& path, int width, int height, const std::vector<unsigned char>& rgb) {
  if (width <= 0 || height <= 0 || rgb.size() < static_cast<size_t>(width) * static_cast<size_t>(height) * 3)
    return false;
  // The last row first: PNG rows run top to bottom.
  const int stride = width * 3;
  const unsigned char* last_row = rgb.data() + static_cast<size_t>(stride) * static_cast<size_t>(height - 1);
  return stbi_write_png(path.c_str(), width, height, 3, last_row, -stride) != 0;
}

}  // namespace deploysim::gui
