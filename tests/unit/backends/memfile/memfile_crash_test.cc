// kill -9 at an arbitrary moment: a child process writes leases while another of its threads
// compacts the files without pause, reports each acknowledged write through a pipe, and is
// killed after a varying number of acknowledgements. The files it leaves must load to every
// acknowledged write, plus at most the one write that was in flight.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

#include "tests/unit/backends/lease_store_test_vocabulary.h"
#include "tests/unit/backends/memfile/memfile_test_support.h"

namespace leasehold::testing {
namespace {

using F = Family<Lease4>;
using Model = std::map<IPv4Address, Lease4>;

constexpr uint32_t kAddresses = 64;
// Sent through the pipe after each finished compaction; step numbers stay far below it.
constexpr uint32_t kCompactionDone = 0xffffffff;

// The operation number `step` applies to `model`, and so to the store. Both processes derive
// the same sequence: the address comes from the step, the operation from whether the address
// is leased. Returns the address it touched.
IPv4Address applyStep(uint32_t step, Model& model) {
  const uint32_t index = (step * 37) % kAddresses;
  const auto address = F::address(index);
  auto lease = F::lease(index);
  lease.cltt = kT0 + std::chrono::seconds{step};
  lease.pool_id = step;
  if (!model.contains(address)) {
    model[address] = lease;
  } else if (step % 3 == 0) {
    model.erase(address);
  } else {
    model[address] = lease;
  }
  return address;
}

// Runs in the child: performs the steps against the store and writes each step number to
// `ack_fd` once the store has acknowledged it, and kCompactionDone after each compaction.
// Never returns; the parent kills it.
[[noreturn]] void runChild(const std::string& directory, int ack_fd) {
  MemfileOptions options;
  options.lease_file4 = directory + "/leases4.csv";
  auto opened = MemfileLeaseStore::open(options);
  if (!opened) {
    ::_exit(2);
  }
  auto& store = **opened;
  std::thread compactor([&] {
    while (true) {
      if (store.compactNow() && ::write(ack_fd, &kCompactionDone, sizeof kCompactionDone) !=
                                    sizeof kCompactionDone) {
        ::_exit(4);
      }
    }
  });

  Model model;
  for (uint32_t step = 0;; ++step) {
    Model before = model;
    const auto address = applyStep(step, model);
    StoreResult<void> result;
    if (!before.contains(address)) {
      result = store.leases4().add(model.at(address));
    } else if (!model.contains(address)) {
      result = store.leases4().remove(address, &before.at(address));
    } else {
      result = store.leases4().update(model.at(address), &before.at(address));
    }
    if (!result) {
      ::_exit(3);
    }
    if (::write(ack_fd, &step, sizeof step) != sizeof step) {
      ::_exit(4);
    }
  }
}

class MemfileCrashTest : public ::testing::Test {
 protected:
  QuietLogs quiet_logs_;
};

TEST_F(MemfileCrashTest, KillLosesNoAcknowledgedWrite) {
  for (uint32_t round = 0; round < 10; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    TempDir dir;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      runChild(dir.path(), fds[1]);
    }
    ::close(fds[1]);

    // Let the child get through a few compactions and some writes after them, so that the
    // older files hold records the newer ones override, then kill it wherever it is.
    const uint32_t compactions_before_kill = 2 + round % 3;
    const uint32_t writes_after_compactions = 1 + round * 97;
    uint32_t compactions = 0;
    uint32_t writes_since = 0;
    uint32_t acknowledged = 0;
    uint32_t message = 0;
    auto count = [&] {
      if (message == kCompactionDone) {
        ++compactions;
      } else {
        ++acknowledged;
        writes_since += compactions >= compactions_before_kill ? 1 : 0;
      }
    };
    while (writes_since < writes_after_compactions &&
           ::read(fds[0], &message, sizeof message) == sizeof message) {
      count();
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with status " << WEXITSTATUS(status);
    while (::read(fds[0], &message, sizeof message) == sizeof message) {
      count();
    }
    ::close(fds[0]);
    ASSERT_GE(compactions, compactions_before_kill);

    Model model;
    for (uint32_t done = 0; done < acknowledged; ++done) {
      applyStep(done, model);
    }
    Model with_in_flight = model;
    const auto in_flight_address = applyStep(acknowledged, with_in_flight);

    auto store = openMemfile(memfileOptionsIn(dir.path()));
    ASSERT_TRUE(store);
    // A kill inside write(2) can leave part of the in-flight record, which loading skips.
    EXPECT_LE(store->loadReport4().lines_skipped, 1u);
    for (uint32_t index = 0; index < kAddresses; ++index) {
      const auto address = F::address(index);
      const auto loaded = storedLease(store->leases4(), address);
      auto expected = [&](const Model& from) {
        return from.contains(address) ? std::optional(from.at(address)) : std::nullopt;
      };
      if (address == in_flight_address) {
        EXPECT_TRUE(loaded == expected(model) || loaded == expected(with_in_flight))
            << "address " << address.toString();
      } else {
        EXPECT_EQ(loaded, expected(model)) << "address " << address.toString();
      }
    }
  }
}

}  // namespace
}  // namespace leasehold::testing
