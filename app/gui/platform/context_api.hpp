#pragma once

namespace deploysim::gui {

/// The GL context creation API GLFW tries first on this system (a GLFW_*_CONTEXT_API value);
/// open_window() falls back to the native one when it fails.
int preferred_context_api();

}  // namespace deploysim::gui
