#pragma once
#include <string>
#include <string_view>

namespace deploysim {

/// What a .toml file holds, told by its content rather than its name or folder.
enum class FileKind { scenario, lesson, exercise };

/// A lesson has a [lesson] table, an exercise an [exercise] table; anything else is read as a
/// scenario. Text that is not valid TOML is judged by a line holding just `[lesson]` or
/// `[exercise]`, so that the right loader reports the located error.
FileKind detect_file_kind_text(std::string_view text);
/// detect_file_kind_text() of a file's contents (scenario when it cannot be read: the scenario
/// loader then says why).
FileKind detect_file_kind(const std::string& path);

}  // namespace deploysim
