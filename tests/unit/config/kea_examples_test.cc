// Runs every Kea example configuration through the loader and parser: each must load, or be
// rejected with the message listed here for a feature Leasehold does not implement.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "server/config/parser.h"

namespace leasehold::config {
namespace {

namespace fs = std::filesystem;

// File (relative to kea-examples) -> text the rejection message must contain.
const std::map<std::string, std::string>& expectedRejections() {
  static const std::map<std::string, std::string> rejections{
      {"kea4/all-keys.json", "the configuration backend (config-control) is not supported"},
      {"kea4/all-keys-netconf.json", "the configuration backend (config-control) is not supported"},
      {"kea4/config-backend.json", "the configuration backend (config-control) is not supported"},
      {"kea4/dhcpv4-over-dhcpv6.json", "DHCPv4-over-DHCPv6 (RFC 7341) is not supported"},
      {"kea4/ha-load-balancing-server1-mt-with-tls.json", "(high availability) is not supported"},
      {"kea4/ha-load-balancing-server2-mt.json", "(high availability) is not supported"},
      {"kea4/hooks-radius.json", "(flexible identifiers) is not supported"},
      {"kea4/hooks-rbac.json", "(role-based access control) is not supported"},
      {"kea4/hooks.json", "is not supported by Leasehold"},
      {"kea4/with-ddns.json", "DDNS updates are not supported"},
      {"kea6/all-keys.json", "the configuration backend (config-control) is not supported"},
      {"kea6/all-keys-netconf.json", "the configuration backend (config-control) is not supported"},
      {"kea6/config-backend.json", "the configuration backend (config-control) is not supported"},
      {"kea6/dhcpv4-over-dhcpv6.json", "DHCPv4-over-DHCPv6 (RFC 7341) is not supported"},
      {"kea6/ha-hot-standby-server1-with-tls.json", "(high availability) is not supported"},
      {"kea6/ha-hot-standby-server2.json", "(high availability) is not supported"},
      {"kea6/hooks-rbac.json", "(role-based access control) is not supported"},
      {"kea6/hooks.json", "is not supported by Leasehold"},
      {"kea6/with-ddns.json", "DDNS updates are not supported"},
  };
  return rejections;
}

fs::path examplesDirectory() { return fs::path(LEASEHOLD_SHARED_DIR) / "reference" / "kea-examples"; }

// Loads and parses one example, returning the error text or "" when it is accepted.
std::string loadExample(const fs::path& file, bool v4) {
  auto json = loadKeaJsonFile(file);
  if (!json) {
    return "load: " + json.error().toString();
  }
  const ParseContext context;
  if (v4) {
    auto config = parseDhcp4(*json, context);
    return config ? "" : config.error().toString();
  }
  auto config = parseDhcp6(*json, context);
  return config ? "" : config.error().toString();
}

void checkFolder(const std::string& folder, bool v4) {
  const fs::path directory = examplesDirectory() / folder;
  ASSERT_TRUE(fs::is_directory(directory)) << directory;
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() != ".json") {
      continue;
    }
    ++files;
    const std::string name = folder + "/" + entry.path().filename().string();
    const std::string error = loadExample(entry.path(), v4);
    const auto expected = expectedRejections().find(name);
    if (expected == expectedRejections().end()) {
      EXPECT_EQ(error, "") << name << " should be accepted";
    } else {
      EXPECT_NE(error.find(expected->second), std::string::npos)
          << name << " should be rejected with \"" << expected->second << "\" but got \""
          << error << "\"";
    }
  }
  EXPECT_GT(files, 20u);
}

TEST(KeaExamplesTest, Dhcp4ExamplesLoadOrNameTheFeature) { checkFolder("kea4", true); }

TEST(KeaExamplesTest, Dhcp6ExamplesLoadOrNameTheFeature) { checkFolder("kea6", false); }

}  // namespace
}  // namespace leasehold::config
