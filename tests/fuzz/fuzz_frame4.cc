// libFuzzer entry point for fuzz_frame4; round_trip.h lists the properties it checks.
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string failure = leasehold::fuzz::checkFrame4RoundTrip({data, size});
  if (!failure.empty()) {
    std::fprintf(stderr, "fuzz_frame4: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
