// Appends that fail half-way: the file size limit (RLIMIT_FSIZE) makes write(2) stop inside a
// record, as a full disk would.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "tests/unit/backends/lease_store_test_vocabulary.h"
#include "tests/unit/backends/memfile/memfile_test_support.h"

namespace leasehold::testing {
namespace {

using Code = StoreError::Code;

off_t fileSize(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? info.st_size : -1;
}

// Limits the size of files this process writes to `bytes` until destroyed. Writes past the
// limit fail with EFBIG instead of raising SIGXFSZ.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(off_t bytes) {
    previous_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    ::getrlimit(RLIMIT_FSIZE, &previous_);
    rlimit limited = previous_;
    limited.rlim_cur = static_cast<rlim_t>(bytes);
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &previous_);
    ::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit previous_{};
  sighandler_t previous_handler_;
};

class MemfileWriteFailureTest : public ::testing::Test {
 protected:
  MemfileOptions options() const {
    MemfileOptions options;
    options.lease_file4 = file_;
    return options;
  }

  TempDir dir_;
  const std::string file_ = dir_.file("leases4.csv");
};

TEST_F(MemfileWriteFailureTest, FailedWritesChangeNeitherMemoryNorFile) {
  using F = Family<Lease4>;
  auto store = openMemfile(options());
  ASSERT_TRUE(store);
  const auto stored = F::lease(1);
  ASSERT_TRUE(succeeded(store->leases4().add(stored)));
  const off_t size = fileSize(file_);
  auto renewed = stored;
  renewed.cltt = kT0 + 60s;

  {
    // Room for part of a record, so the first write(2) succeeds partly and the next one fails.
    FileSizeLimit limit(size + 30);
    auto added = store->leases4().add(F::lease(2));
    ASSERT_TRUE(failedWith(added, Code::kUnavailable));
    EXPECT_EQ(added.error().message,
              "failed to append to lease file " + file_ + ": File too large");
    EXPECT_TRUE(failedWith(store->leases4().update(renewed, &stored), Code::kUnavailable));
    EXPECT_TRUE(failedWith(store->leases4().remove(stored.address, nullptr), Code::kUnavailable));
    EXPECT_TRUE(failedWith(store->leases4().wipe(std::nullopt), Code::kUnavailable));
  }

  EXPECT_EQ(fileSize(file_), size);
  EXPECT_EQ(allLeases(store->leases4()), std::vector{stored});
  EXPECT_EQ(store->counters().append_failures, 4u);

  ASSERT_TRUE(succeeded(store->leases4().add(F::lease(2))));
  ASSERT_TRUE(succeeded(store->leases4().update(renewed, &stored)));
  store.reset();
  auto reopened = openMemfile(options());
  ASSERT_TRUE(reopened);
  EXPECT_EQ(allLeases(reopened->leases4()), (std::vector{renewed, F::lease(2)}));
  EXPECT_EQ(reopened->loadReport4().lines_skipped, 0u);
}

}  // namespace
}  // namespace leasehold::testing
