#pragma once
#include <memory>
#include <optional>
#include <string_view>

#include "gui/run/model.hpp"

namespace deploysim::gui {

/// A busy edge for measuring and looking at the canvas under load: 40 clients, one TLS proxy and
/// 8 workers on one host, with `in_flight` messages all in the air at t = 1 s (client -> proxy
/// TLS and HTTP, proxy -> worker plain HTTP). bench_frame draws it; `deploysim gui
/// :in-flight:N` opens it.
std::shared_ptr<const Model> in_flight_fixture(int in_flight);

/// The in-flight count of a ":in-flight:N" pseudo path (nullopt for any other path).
std::optional<int> in_flight_path(std::string_view path);

}  // namespace deploysim::gui
