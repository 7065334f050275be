// The command line's system-specific calls, each system's way with a portable default: the
// executable's own path (an installed deploysim finds its assets next to it; unknown: the
// build's source tree is used) and whether a person is at a terminal (unknown: no).
#include "cli/cli_platform.hpp"

#include <filesystem>
#include <system_error>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif
#if defined(__APPLE__)
#include <mach-o/dyld.h>
#include <cstdint>
#elif defined(_WIN32)
#include <io.h>
#include <windows.h>
#endif

namespace deploysim::cli {

std::string executable_path() {
#if defined(__linux__)
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
#elif defined(__APPLE__)
  char buf[4096];
  uint32_t size = sizeof buf;
  return _NSGetExecutablePath(buf, &size) == 0 ? std::string(buf) : std::string();
#elif defined(__EMSCRIPTEN__)
  // The page's file system holds an installed layout (cmake/web-page.cmake); under node the
  // command line finds no such folder and uses the source tree's assets.
  return "/deploysim/bin/deploysim";
#elif defined(_WIN32)
  wchar_t buf[32768];
  const DWORD n = GetModuleFileNameW(nullptr, buf, 32768);
  return n > 0 && n < 32768 ? std::filesystem::path(std::wstring(buf, n)).string() : std::string();
#else
  return {};
#endif
}

std::string installed_assets_dir() {
  const std::string exe = executable_path();
  if (exe.empty()) return {};
  std::error_code ec;
  const std::filesystem::path share = std::filesystem::path(exe).parent_path().parent_path() / "share" / "deploysim";
  return std::filesystem::is_directory(share / "scenarios", ec) ? share.lexically_normal().string() : std::string();
}

bool interactive_terminal() {
#if defined(__unix__) || defined(__APPLE__)
  return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
#elif defined(_WIN32)
  return _isatty(0) && _isatty(1);
#else
  return false;  // unknown: never wait for a key press that may not come
#endif
}

bool error_is_terminal() {
#if defined(__unix__) || defined(__APPLE__)
  return isatty(STDERR_FILENO);
#elif defined(_WIN32)
  return _isatty(2);
#else
  return false;  // unknown: no progress line that might end up in a log
#endif
}

}  // namespace deploysim::cli
