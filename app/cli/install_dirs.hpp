#pragma once
#include <string>

namespace deploysim::cli {

/// This program's executable file ("" where the system gives no way to ask).
std::string executable_path();

/// The assets of an installed deploysim: `<prefix>/share/deploysim` beside `<prefix>/bin` (a .deb
/// puts the binary in /usr/bin and the assets in /usr/share/deploysim); "" when not installed so.
std::string installed_assets_dir();

}  // namespace deploysim::cli
