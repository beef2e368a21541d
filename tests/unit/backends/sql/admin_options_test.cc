#include "migrations/admin/admin_options.h"

#include <gtest/gtest.h>

namespace leasehold::admin {
namespace {

TEST(AdminOptionsTest, ParsesKeaAdminStyleCommandLine) {
  const auto options = parseAdminOptions(
      {"db-init", "mysql", "-h", "db", "-P", "3307", "-u", "kea", "-p", "pw", "-n", "leases"});
  ASSERT_TRUE(options) << options.error();
  EXPECT_EQ(options->command, "db-init");
  EXPECT_EQ(options->target.type, "mysql");
  EXPECT_EQ(options->target.host, "db");
  EXPECT_EQ(options->target.port, 3307);
  EXPECT_EQ(options->target.user, "kea");
  EXPECT_EQ(options->target.password, "pw");
  EXPECT_EQ(options->target.name, "leases");
}

TEST(AdminOptionsTest, KeaSourceDefaultsToTargetServer) {
  const auto options = parseAdminOptions({"lease-import", "pgsql", "-h", "db", "-P", "5433", "-u",
                                          "u", "-p", "pw", "-n", "new", "--kea-backend", "pgsql",
                                          "--kea-name", "kea", "-4"});
  ASSERT_TRUE(options) << options.error();
  EXPECT_EQ(options->kea.type, "postgresql");
  EXPECT_EQ(options->kea.host, "db");
  EXPECT_EQ(options->kea.port, 5433);
  EXPECT_EQ(options->kea.password, "pw");
  EXPECT_TRUE(options->v4);
  EXPECT_FALSE(options->v6);
}

TEST(AdminOptionsTest, RejectsBadCommandLines) {
  const std::vector<std::vector<std::string>> cases = {
      {"db-drop", "pgsql", "-n", "x"},
      {"db-init", "sqlite", "-n", "x"},
      {"db-init", "pgsql"},
      {"db-init", "pgsql", "-n", "x", "-P", "0"},
      {"db-init", "pgsql", "-n", "x", "--bogus", "1"},
      {"db-init", "pgsql", "-n"},
      {"lease-import", "pgsql", "-n", "x"},
      {"lease-import", "pgsql", "-n", "x", "--kea-backend", "pgsql"},
      {"lease-import", "pgsql", "-n", "x", "-4", "-6", "-i", "f"},
  };
  for (const auto& args : cases) {
    const auto options = parseAdminOptions(args);
    EXPECT_FALSE(options) << args[0] << " " << args[1];
  }
}

TEST(AdminOptionsTest, MissingCommandIsAnErrorAndHelpIsNot) {
  const auto missing = parseAdminOptions({});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(),
            "missing command; expected db-init, db-upgrade, db-version or lease-import");
  const auto help = parseAdminOptions({"--help"});
  ASSERT_FALSE(help);
  EXPECT_EQ(help.error(), "help");
}

}  // namespace
}  // namespace leasehold::admin
