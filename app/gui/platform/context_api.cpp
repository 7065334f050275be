// Which API creates the GL context. The system-specific choice lives here, with a portable
// default (GLFW's native API: WGL on Windows, NSGL on macOS).
#include "gui/platform/context_api.hpp"

#include <GLFW/glfw3.h>

namespace deploysim::gui {

int preferred_context_api() {
#if defined(__linux__) || defined(__FreeBSD__)
  // On X11, GLFW picks a GLX framebuffer configuration by reading a dozen attributes of every
  // configuration the server offers (840 on Xvfb), one call each; EGL gives a short list. Mesa
  // and NVIDIA's drivers provide EGL on X11, and it is the only API on Wayland.
  return GLFW_EGL_CONTEXT_API;
#else
  return GLFW_NATIVE_CONTEXT_API;
#endif
}

}  // namespace deploysim::gui
