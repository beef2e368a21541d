// A control plane wired to fakes: an in-memory lease store, a configuration built in code
// (the same subnets as tests/system/control_diff_sequence.json), and daemon actions that
// record what they were asked to do.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "server/control/command_registry.h"
#include "server/control/control_context.h"
#include "server/control/daemon_commands.h"
#include "server/control/lease_commands.h"
#include "server/control/statistic_commands.h"
#include "tests/unit/control/fake_lease_store.h"

namespace leasehold::testing {

using control::Json;

class FakeConfigSource : public control::ConfigSource {
 public:
  std::shared_ptr<const config::Dhcp4Config> current4() const override { return config4; }
  std::shared_ptr<const config::Dhcp6Config> current6() const override { return config6; }
  std::filesystem::path file() const override { return path; }

  std::shared_ptr<const config::Dhcp4Config> config4;
  std::shared_ptr<const config::Dhcp6Config> config6;
  std::filesystem::path path;
};

class FakeDaemonActions : public control::DaemonActions {
 public:
  control::ActionResult testConfig(const nlohmann::json& root) override {
    tested.push_back(root);
    return result;
  }
  control::ActionResult applyConfig(const nlohmann::json& root) override {
    applied.push_back(root);
    return result;
  }
  control::ActionResult reloadConfig() override {
    reloads++;
    return result;
  }
  void requestShutdown(int exit_value) override { shutdown_value = exit_value; }
  void disableService(std::optional<std::chrono::seconds> max_period,
                      const std::string& origin) override {
    disabled_for = max_period;
    disabled_by = origin;
    enabled = false;
  }
  void enableService(const std::string& origin) override {
    enabled = true;
    enabled_by = origin;
  }
  control::ActionResult reclaimExpiredLeases(bool remove) override {
    reclaimed_with_remove = remove;
    return result;
  }
  control::ActionResult reloadHooks() override {
    hook_reloads++;
    return result;
  }
  control::DaemonStatus status() const override { return daemon_status; }

  control::ActionResult result;
  std::vector<nlohmann::json> tested;
  std::vector<nlohmann::json> applied;
  int reloads = 0;
  int hook_reloads = 0;
  std::optional<int> shutdown_value;
  std::optional<std::chrono::seconds> disabled_for;
  std::string disabled_by;
  std::string enabled_by;
  bool enabled = true;
  std::optional<bool> reclaimed_with_remove;
  control::DaemonStatus daemon_status;
};

inline constexpr int64_t kNow = 1800000000;  // the fixed clock of lease commands

inline std::shared_ptr<const config::Dhcp4Config> makeConfig4() {
  auto config = std::make_shared<config::Dhcp4Config>();
  auto subnet = [](SubnetId id, const char* prefix) {
    config::Subnet4 subnet;
    subnet.id = id;
    subnet.prefix = *IPv4Prefix::parse(prefix);
    subnet.valid_lifetime.value = std::chrono::seconds(4000);
    return subnet;
  };
  auto pool = [](const char* first, const char* last) {
    config::Pool4 pool;
    pool.first = *IPv4Address::parse(first);
    pool.last = *IPv4Address::parse(last);
    return pool;
  };
  config->subnets.push_back(subnet(1, "192.0.2.0/24"));
  config->subnets.back().pools.push_back(pool("192.0.2.10", "192.0.2.100"));
  config->subnets.push_back(subnet(2, "198.51.100.0/24"));
  config->subnets.back().pools.push_back(pool("198.51.100.10", "198.51.100.20"));
  config->subnets.back().pools.push_back(pool("198.51.100.100", "198.51.100.109"));
  config->subnets.push_back(subnet(3, "203.0.113.0/24"));
  config->source = {{"valid-lifetime", 4000}, {"subnet4", Json::array()}};
  return config;
}

inline std::shared_ptr<const config::Dhcp6Config> makeConfig6() {
  auto config = std::make_shared<config::Dhcp6Config>();
  auto subnet = [](SubnetId id, const char* prefix) {
    config::Subnet6 subnet;
    subnet.id = id;
    subnet.prefix = *IPv6Prefix::parse(prefix);
    subnet.valid_lifetime.value = std::chrono::seconds(4000);
    subnet.preferred_lifetime.value = std::chrono::seconds(3000);
    return subnet;
  };
  config->subnets.push_back(subnet(1, "2001:db8:1::/64"));
  config::Pool6 na;
  na.first = *IPv6Address::parse("2001:db8:1::100");
  na.last = *IPv6Address::parse("2001:db8:1::1ff");
  config->subnets.back().pools.push_back(na);
  config::Pool6 pd;
  pd.type = LeaseType::kPd;
  pd.first = *IPv6Address::parse("2001:db8:8000::");
  pd.last = *IPv6Address::parse("2001:db8:8000:ff00::");
  pd.prefix_length = 48;
  pd.delegated_length = 56;
  config->subnets.back().pd_pools.push_back(pd);
  config->subnets.push_back(subnet(2, "2001:db8:2::/64"));
  config->subnets.push_back(subnet(3, "2001:db8:3::/64"));
  config->source = {{"subnet6", Json::array()}};
  return config;
}

// Fixture for one daemon family, with a command vocabulary for tests.
class ControlFixture {
 public:
  explicit ControlFixture(control::Family family)
      : context_{family, config_, actions_, store_, stats_} {
    config_.config4 = family == control::Family::kV4 ? makeConfig4() : nullptr;
    config_.config6 = family == control::Family::kV6 ? makeConfig6() : nullptr;
    control::registerDaemonCommands(registry_, context_);
    control::registerStatisticCommands(registry_, stats_);
    control::registerStatLeaseCommands(registry_, context_);
    control::registerLeaseCommands(registry_, context_,
                                   [] { return UnixTime(std::chrono::seconds(kNow)); });
  }

  Json run(const std::string& command, const Json& arguments = nullptr) {
    Json request = {{"command", command}};
    if (!arguments.is_null()) {
      request["arguments"] = arguments;
    }
    return registry_.execute(request);
  }

  int64_t statistic(const std::string& name) {
    stats::Statistic* found = stats_.find(name);
    return found == nullptr ? -1 : found->currentInteger();
  }

  control::CommandRegistry registry_;
  FakeConfigSource config_;
  FakeDaemonActions actions_;
  FakeLeaseStore store_;
  stats::StatsRegistry stats_;
  control::ControlContext context_;
};

}  // namespace leasehold::testing
