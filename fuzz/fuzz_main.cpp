// The libFuzzer executable fuzz_<target>: only the hook; the body is fuzz_<target>.cpp, shared
// with tests/test_fuzz_regressions.cpp. DEPLOYSIM_FUZZ_ENTRY names the body (run_<target>),
// DEPLOYSIM_FUZZ_NAME the target.
#include "fuzz_entry.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  deploysim::fuzz::warm_up(DEPLOYSIM_FUZZ_NAME);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return deploysim::fuzz::DEPLOYSIM_FUZZ_ENTRY(data, size);
}
