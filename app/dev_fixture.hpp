#pragma once
#include <memory>

#include "model.hpp"

namespace deploysim::gui {

/// TEMPORARY: a hand-built basic HTTPS run for developing panels before the models land.
std::shared_ptr<const Model> dev_fixture();

}  // namespace deploysim::gui
