#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "tests/unit/control/control_fixture.h"

namespace leasehold::testing {
namespace {

class DaemonCommandsTest : public ::testing::Test {
 protected:
  ControlFixture control_{control::Family::kV4};
};

TEST_F(DaemonCommandsTest, ListCommandsIncludesEveryFamilyCommand) {
  const Json names = control_.run("list-commands")["arguments"];
  for (const char* name : {"build-report", "config-hash-get", "lease4-add", "lease4-get-page",
                           "stat-lease4-get", "statistic-sample-age-set-all", "status-get"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  EXPECT_EQ(std::find(names.begin(), names.end(), "lease6-add"), names.end());
}

TEST_F(DaemonCommandsTest, BuildReportAnswersWithReportText) {
  const Json answer = control_.run("build-report");
  EXPECT_EQ(answer["result"], 0);
  EXPECT_EQ(answer["text"], control::buildReport());
  EXPECT_EQ(control::buildReport().rfind("Leasehold build report\n", 0), 0u);
}

TEST_F(DaemonCommandsTest, ConfigTestChecksArgumentsThenDelegates) {
  EXPECT_EQ(control_.run("config-test")["text"], "Missing mandatory 'arguments' parameter.");
  EXPECT_EQ(control_.run("config-test", {{"Dhcp6", Json::object()}})["text"],
            "Missing mandatory 'Dhcp4' parameter.");
  EXPECT_TRUE(control_.actions_.tested.empty());
  const Json answer = control_.run("config-test", {{"Dhcp4", Json::object()}});
  EXPECT_EQ(answer["result"], 0);
  EXPECT_EQ(control_.actions_.tested.size(), 1u);
  control_.actions_.result = makeUnexpected(control::ActionError{"subnet4[0]: invalid prefix"});
  EXPECT_EQ(control_.run("config-set", {{"Dhcp4", Json::object()}})["text"],
            "subnet4[0]: invalid prefix");
}

TEST_F(DaemonCommandsTest, ConfigGetAndHashAgree) {
  const Json config = control_.run("config-get")["arguments"];
  EXPECT_EQ(config["Dhcp4"]["valid-lifetime"], 4000);
  const Json hash = control_.run("config-hash-get")["arguments"]["hash"];
  EXPECT_EQ(config["hash"], hash);
  EXPECT_EQ(hash.get<std::string>().size(), 64u);
}

TEST_F(DaemonCommandsTest, ConfigGetRedactsSecretsRoundTrip) {
  auto config = std::make_shared<config::Dhcp4Config>(*control_.config_.config4);
  config->source["lease-database"] = {{"type", "postgresql"}, {"password", "s3cret"}};
  config->source["control-sockets"] = Json::array(
      {{{"socket-type", "http"},
        {"authentication", {{"clients", Json::array({{{"user", "ops"}, {"password", "pw"}}})}}}}});
  control_.config_.config4 = config;

  const Json answer = control_.run("config-get");
  EXPECT_EQ(answer["result"], 0);
  const Json& got = answer["arguments"]["Dhcp4"];
  EXPECT_EQ(got["lease-database"]["password"], "*****");
  EXPECT_EQ(got["control-sockets"][0]["authentication"]["clients"][0]["password"], "*****");
  EXPECT_EQ(answer.dump().find("s3cret"), std::string::npos);
  EXPECT_EQ(answer["arguments"]["hash"], control_.run("config-hash-get")["arguments"]["hash"]);

  // Sending the response back unchanged applies the running passwords.
  Json edited = answer["arguments"];
  edited.erase("hash");
  edited["Dhcp4"]["valid-lifetime"] = 5000;
  EXPECT_EQ(control_.run("config-set", edited)["result"], 0);
  ASSERT_EQ(control_.actions_.applied.size(), 1u);
  const Json& applied = control_.actions_.applied[0]["Dhcp4"];
  EXPECT_EQ(applied["lease-database"]["password"], "s3cret");
  EXPECT_EQ(applied["control-sockets"][0]["authentication"]["clients"][0]["password"], "pw");
  EXPECT_EQ(applied["valid-lifetime"], 5000);
}

TEST_F(DaemonCommandsTest, ConfigSetRestoresPasswordsByEntryNotPosition) {
  auto config = std::make_shared<config::Dhcp4Config>(*control_.config_.config4);
  const Json clients = Json::array({{{"user", "alice"}, {"password", "alice-pw"}},
                                    {{"user", "bob"}, {"password", "bob-pw"}}});
  config->source["control-sockets"] = Json::array(
      {{{"socket-type", "http"}, {"socket-port", 8000}, {"authentication", {{"clients", clients}}}}});
  config->source["lease-database"] = {{"type", "mysql"}, {"key-password", "tls-pw"}};
  control_.config_.config4 = config;

  Json edited = control_.run("config-get")["arguments"];
  edited.erase("hash");
  EXPECT_EQ(edited["Dhcp4"]["lease-database"]["key-password"], "*****");
  Json& listed = edited["Dhcp4"]["control-sockets"][0]["authentication"]["clients"];
  listed.erase(0);  // alice goes; bob moves to position 0
  ASSERT_EQ(control_.run("config-set", edited)["result"], 0);

  const Json& applied = control_.actions_.applied.at(0)["Dhcp4"];
  const Json& kept = applied["control-sockets"][0]["authentication"]["clients"];
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]["user"], "bob");
  EXPECT_EQ(kept[0]["password"], "bob-pw");
  EXPECT_EQ(applied["lease-database"]["key-password"], "tls-pw");

  // A client the running configuration does not have cannot borrow anyone's password.
  listed[0]["user"] = "mallory";
  EXPECT_EQ(control_.run("config-set", edited)["result"], 1);
}

TEST_F(DaemonCommandsTest, ConfigSetRejectsPlaceholderWithoutRunningPassword) {
  const Json arguments = {{"Dhcp4", {{"lease-database", {{"password", "*****"}}}}}};
  const Json answer = control_.run("config-test", arguments);
  EXPECT_EQ(answer["result"], 1);
  EXPECT_EQ(answer["text"],
            "Dhcp4/lease-database/password: \"*****\" stands for the running password, but the "
            "running configuration has no matching entry with one; give the password itself");
  EXPECT_TRUE(control_.actions_.tested.empty());
}

TEST_F(DaemonCommandsTest, ConfigWriteWritesCurrentConfig) {
  const std::string path = ::testing::TempDir() + "/config-write-test.json";
  const Json answer = control_.run("config-write", {{"filename", path}});
  EXPECT_EQ(answer["text"], "Configuration written to " + path + " successful");
  std::ifstream file(path);
  const Json written = Json::parse(file);
  EXPECT_EQ(written["Dhcp4"]["valid-lifetime"], 4000);
  EXPECT_EQ(answer["arguments"]["size"], std::filesystem::file_size(path));
  std::remove(path.c_str());
  EXPECT_EQ(control_.run("config-write", {{"filename", 5}})["text"],
            "passed parameter 'filename' is not a string");
  EXPECT_EQ(control_.run("config-write", {{"filename", "/nonexistent/dir/x.json"}})["result"], 1);
}

TEST_F(DaemonCommandsTest, DhcpDisableAndEnable) {
  EXPECT_EQ(control_.run("dhcp-disable", {{"max-period", "x"}})["text"],
            "'max-period' argument must be a number");
  EXPECT_EQ(control_.run("dhcp-disable", {{"max-period", 0}})["text"],
            "'max-period' must be positive integer");
  EXPECT_EQ(control_.run("dhcp-disable", Json::array())["text"],
            "arguments for the 'dhcp-disable' command must be a map");
  EXPECT_TRUE(control_.actions_.enabled);
  EXPECT_EQ(control_.run("dhcp-disable", {{"max-period", 60}})["text"],
            "DHCPv4 service disabled for 60 seconds");
  EXPECT_FALSE(control_.actions_.enabled);
  EXPECT_EQ(control_.actions_.disabled_for, std::chrono::seconds(60));
  EXPECT_EQ(control_.run("dhcp-enable")["text"], "DHCP service successfully enabled");
  EXPECT_TRUE(control_.actions_.enabled);
}

TEST_F(DaemonCommandsTest, ShutdownReclaimAndLibreload) {
  EXPECT_EQ(control_.run("shutdown", {{"exit-value", "x"}})["text"],
            "parameter 'exit-value' is not an integer");
  EXPECT_FALSE(control_.actions_.shutdown_value.has_value());
  EXPECT_EQ(control_.run("shutdown", {{"exit-value", 3}})["text"], "Shutting down.");
  EXPECT_EQ(control_.actions_.shutdown_value, 3);
  EXPECT_EQ(control_.run("leases-reclaim")["text"], "Missing mandatory 'remove' parameter.");
  EXPECT_EQ(control_.run("leases-reclaim", {{"remove", "yes"}})["text"],
            "'remove' parameter expected to be a boolean.");
  EXPECT_EQ(control_.run("leases-reclaim", {{"remove", true}})["text"],
            "Reclamation of expired leases is complete.");
  EXPECT_EQ(control_.actions_.reclaimed_with_remove, true);
  EXPECT_EQ(control_.run("libreload")["text"], "Hooks libraries successfully reloaded.");
  EXPECT_EQ(control_.actions_.hook_reloads, 1);
}

TEST_F(DaemonCommandsTest, StatusGetReportsDaemonStatus) {
  control_.actions_.daemon_status.pid = 42;
  control_.actions_.daemon_status.multi_threading = true;
  control_.actions_.daemon_status.thread_pool_size = 4;
  const Json status = control_.run("status-get")["arguments"];
  EXPECT_EQ(status["pid"], 42);
  EXPECT_EQ(status["thread-pool-size"], 4);
  EXPECT_EQ(status["sockets"]["status"], "ready");
}

TEST_F(DaemonCommandsTest, StatisticCommands) {
  control_.stats_.get("pkt4-received").add(5);
  const Json got = control_.run("statistic-get", {{"name", "pkt4-received"}});
  EXPECT_EQ(got["arguments"]["pkt4-received"][0][0], 5);
  EXPECT_FALSE(got.contains("text"));
  EXPECT_EQ(control_.run("statistic-get", {{"name", "nothing"}})["arguments"], Json::object());
  EXPECT_EQ(control_.run("statistic-get", Json::object())["text"],
            "Missing mandatory 'name' parameter.");
  EXPECT_EQ(control_.run("statistic-get", {{"name", 5}})["text"],
            "'name' parameter expected to be a string.");
  EXPECT_EQ(control_.run("statistic-reset", {{"name", "pkt4-received"}})["text"],
            "Statistic 'pkt4-received' reset.");
  EXPECT_EQ(control_.statistic("pkt4-received"), 0);
  EXPECT_EQ(control_.run("statistic-reset", {{"name", "nothing"}})["text"],
            "No 'nothing' statistic found");
  EXPECT_EQ(control_.run("statistic-sample-count-set",
                         {{"name", "pkt4-received"}, {"max-samples", "5"}})["text"],
            "'max-samples' parameter expected to be an integer.");
  EXPECT_EQ(control_.run("statistic-sample-count-set-all", {{"max-samples", 0}})["text"],
            "'max-samples' parameter must not be zero");
  EXPECT_EQ(control_.run("statistic-sample-age-set", {{"name", "pkt4-received"},
                                                      {"duration", 10}})["text"],
            "Statistic 'pkt4-received' duration limit is set.");
  EXPECT_EQ(control_.run("statistic-remove", {{"name", "pkt4-received"}})["text"],
            "Statistic 'pkt4-received' removed.");
  EXPECT_EQ(control_.statistic("pkt4-received"), -1);
  EXPECT_EQ(control_.run("statistic-remove-all")["result"], 0);
  EXPECT_EQ(control_.run("statistic-get-all")["arguments"], Json::object());
}

}  // namespace
}  // namespace leasehold::testing
