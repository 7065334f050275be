#pragma once
#include <string>
#include <vector>

namespace deploysim::gui {

/// Writes RGB pixels whose first row is the bottom of the image (as glReadPixels returns them)
/// as a PNG file; false when the file cannot be written.
bool write_png_bottom_up(const std::string& path, int width, int height, const std::vector<unsigned char>& rgb);

}  // namespace deploysim::gui
