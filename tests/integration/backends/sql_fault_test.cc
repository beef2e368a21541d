// Database outages under load: the server crashes while writers run and comes back. Writes
// fail with kUnavailable during the outage, the store reconnects by itself, and every write
// that was acknowledged is in the database afterwards.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "backends/lease_store_registry.h"
#include "backends/mysql/mysql_lease_store.h"
#include "backends/postgres/postgres_lease_store.h"
#include "migrations/migrator.h"
#include "tests/integration/backends/private_server.h"

namespace leasehold::testing {
namespace {

// Connection events as the daemon would see them, for tests to wait on.
class EventLog {
 public:
  ConnectionListener listener() {
    return [this](const ConnectionEvent& event) {
      std::lock_guard lock(mutex_);
      ++counts_[static_cast<int>(event.state)];
      changed_.notify_all();
    };
  }

  int count(ConnectionState state) {
    std::lock_guard lock(mutex_);
    return counts_[static_cast<int>(state)];
  }

  // Blocks until `state` was reported more than `seen` times, or `stop` turns true.
  void waitBeyond(ConnectionState state, int seen, const std::atomic<bool>* stop = nullptr) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
      return counts_[static_cast<int>(state)] > seen || (stop != nullptr && stop->load());
    });
  }

  // Wakes waiters so they can look at their stop flag.
  void wake() {
    std::lock_guard lock(mutex_);
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int counts_[3] = {0, 0, 0};
};

class SqlFaultTest : public ::testing::TestWithParam<SqlBackend> {
 protected:
  void SetUp() override {
    server_ = std::make_unique<PrivateServer>(GetParam());
    auto connection = connectRaw(GetParam(), server_->config());
    migrations::upgrade(*connection);
    config_ = server_->config();
    config_.connect_timeout = std::chrono::seconds(2);
    config_.max_reconnect_tries = 100000;
    config_.reconnect_wait_time = std::chrono::milliseconds(100);
    config_.worker_threads = 8;
  }

  StoreResult<std::unique_ptr<LeaseStore>> open(const DatabaseConfig& config) {
    LeaseStoreRegistry registry;
    registerPostgresLeaseStore(registry);
    registerMysqlLeaseStore(registry);
    return registry.open(config);
  }

  std::set<uint32_t> storedAddresses() {
    auto connection = connectRaw(GetParam(), server_->config());
    const auto rows = connection->query({"all4", "SELECT address FROM leasehold_lease4"}, {});
    std::set<uint32_t> addresses;
    for (const auto& row : rows) {
      addresses.insert(static_cast<uint32_t>(std::stoul(*row[0])));
    }
    return addresses;
  }

  static Lease4 leaseAt(uint32_t address) {
    Lease4 lease;
    lease.address = IPv4Address(address);
    lease.hwaddr.bytes = {0x02, 0, static_cast<uint8_t>(address >> 16),
                          static_cast<uint8_t>(address >> 8), static_cast<uint8_t>(address), 1};
    lease.valid_lifetime = std::chrono::seconds(3600);
    lease.cltt = UnixTime(std::chrono::seconds(1'700'000'000));
    lease.subnet_id = 1;
    return lease;
  }

  std::unique_ptr<PrivateServer> server_;
  DatabaseConfig config_;
};

TEST_P(SqlFaultTest, CrashMidLoadLosesNoAcknowledgedWrite) {
  auto opened = open(config_);
  ASSERT_TRUE(opened) << opened.error().message;
  LeaseStore& store = **opened;
  EventLog events;
  store.setConnectionListener(events.listener());

  constexpr int kWriters = 8;
  constexpr uint32_t kFirst = 0x0a000000;
  constexpr int kAcknowledgedBeforeCrash = 300;
  constexpr int kAcknowledgedAfterRecovery = 300;
  std::atomic<uint32_t> next{kFirst};
  std::atomic<bool> stop{false};
  std::atomic<int> unavailable{0};
  std::atomic<int> other_errors{0};
  std::mutex acknowledged_mutex;
  std::condition_variable acknowledged_cv;
  std::set<uint32_t> acknowledged;

  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&] {
      // Bounded: each writer gives up after this many attempts whatever happens.
      for (int attempt = 0; attempt < 20000 && !stop; ++attempt) {
        const int recoveries = events.count(ConnectionState::kConnected);
        const uint32_t address = next++;
        const auto added = store.leases4().add(leaseAt(address));
        if (added) {
          std::lock_guard lock(acknowledged_mutex);
          acknowledged.insert(address);
          acknowledged_cv.notify_all();
        } else if (added.error().code == StoreError::Code::kUnavailable) {
          ++unavailable;
          acknowledged_cv.notify_all();
          // Wait for the store to report that it reconnected instead of spinning.
          events.waitBeyond(ConnectionState::kConnected, recoveries, &stop);
        } else {
          ++other_errors;
        }
      }
    });
  }

  {
    std::unique_lock lock(acknowledged_mutex);
    acknowledged_cv.wait(lock, [&] { return acknowledged.size() >= kAcknowledgedBeforeCrash; });
  }
  server_->crash();
  {
    std::unique_lock lock(acknowledged_mutex);
    acknowledged_cv.wait(lock, [&] { return unavailable.load() > 0; });
  }
  events.waitBeyond(ConnectionState::kReconnecting, 0);
  server_->start();
  events.waitBeyond(ConnectionState::kConnected, 0);
  size_t after_recovery_target = 0;
  {
    std::unique_lock lock(acknowledged_mutex);
    after_recovery_target = acknowledged.size() + kAcknowledgedAfterRecovery;
    acknowledged_cv.wait(lock, [&] { return acknowledged.size() >= after_recovery_target; });
  }
  stop = true;
  events.wake();
  for (auto& writer : writers) {
    writer.join();
  }

  const std::set<uint32_t> stored = storedAddresses();
  for (uint32_t address : acknowledged) {
    EXPECT_TRUE(stored.contains(address)) << "acknowledged lease " << IPv4Address(address).toString()
                                          << " is missing after the crash";
  }
  EXPECT_GE(acknowledged.size(), after_recovery_target);
  EXPECT_EQ(other_errors.load(), 0);
  const auto counters = store.counterValues();
  const auto value = [&](const std::string& name) {
    for (const auto& [counter, count] : counters) {
      if (counter == name) {
        return count;
      }
    }
    return int64_t{-1};
  };
  EXPECT_GE(value("lease-db-connections-lost"), 1);
  EXPECT_GE(value("lease-db-reconnects"), 1);
  EXPECT_GE(value("lease-db-unavailable"), 1);
}

TEST_P(SqlFaultTest, GivesUpAfterMaxReconnectTries) {
  DatabaseConfig config = config_;
  config.max_reconnect_tries = 2;
  config.reconnect_wait_time = std::chrono::milliseconds(10);
  auto opened = open(config);
  ASSERT_TRUE(opened) << opened.error().message;
  EventLog events;
  (*opened)->setConnectionListener(events.listener());

  server_->crash();
  const auto failed = (*opened)->leases4().add(leaseAt(0x0a000001));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, StoreError::Code::kUnavailable);
  events.waitBeyond(ConnectionState::kFailed, 0);
  EXPECT_EQ(events.count(ConnectionState::kConnected), 0);

  // Once given up, calls fail at once without touching the network.
  EXPECT_EQ((*opened)->leases4().get(IPv4Address(0x0a000001)).error().code,
            StoreError::Code::kUnavailable);
  for (const auto& [name, count] : (*opened)->counterValues()) {
    if (name == "lease-db-reconnect-attempts") {
      EXPECT_EQ(count, 2);
    }
    if (name == "lease-db-reconnect-give-ups") {
      EXPECT_EQ(count, 1);
    }
  }
}

TEST_P(SqlFaultTest, RetryOnStartupOpensAndConnectsLater) {
  server_->crash();
  DatabaseConfig config = config_;
  const auto refused = open(config);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StoreError::Code::kUnavailable);

  config.retry_on_startup = true;
  auto opened = open(config);
  ASSERT_TRUE(opened) << opened.error().message;
  EventLog events;
  (*opened)->setConnectionListener(events.listener());
  EXPECT_EQ((*opened)->leases4().add(leaseAt(0x0a000002)).error().code,
            StoreError::Code::kUnavailable);

  server_->start();
  events.waitBeyond(ConnectionState::kConnected, 0);
  EXPECT_TRUE((*opened)->leases4().add(leaseAt(0x0a000002)));
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlFaultTest,
                         ::testing::Values(SqlBackend::kPostgres, SqlBackend::kMysql),
                         [](const auto& info) {
                           return info.param == SqlBackend::kPostgres ? "Postgres" : "Mysql";
                         });

}  // namespace
}  // namespace leasehold::testing
