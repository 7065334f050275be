// Placeholder until the lifecycle models land (issue 5): processes simply stay up.
#include "deploysim/world.hpp"

namespace deploysim {
void install_lifecycle(World&) {}
}  // namespace deploysim
