#include "backends/sql/lease_sql.h"

#include <gtest/gtest.h>

#include "backends/sql/sql_error.h"

namespace leasehold::sql {
namespace {

SqlRow selectedRow(const std::vector<std::string>& encoded, std::span<const Column> columns) {
  // decodeLease4/6 read what selectList() selects: every column but expire.
  SqlRow row;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name != "expire") {
      row.emplace_back(encoded[i]);
    }
  }
  return row;
}

TEST(LeaseRowTest, Lease6RoundTripsThroughText) {
  Lease6 lease;
  lease.address = *IPv6Address::parse("2001:db8::ff");
  lease.prefix_length = 64;
  lease.type = LeaseType::kPd;
  lease.duid = {0, 1, 0xfe};
  lease.iaid = 4294967295u;
  lease.valid_lifetime = std::chrono::seconds(4294967295u);
  lease.cltt = UnixTime(std::chrono::seconds(1700000000));
  lease.hostname = "host,with&chars";
  lease.hwaddr = HwAddr{6, {0xaa, 0xbb}};
  lease.state = LeaseState::kReleased;
  lease.user_context = "{\"x\": 1}";
  const auto encoded = encodeRow(lease);
  ASSERT_EQ(encoded.size(), lease6Columns().size());
  EXPECT_EQ(decodeLease6(selectedRow(encoded, lease6Columns())), lease);
}

TEST(LeaseRowTest, CorruptValueNamesAddressAndColumn) {
  Lease4 lease;
  lease.address = *IPv4Address::parse("192.0.2.7");
  SqlRow row = selectedRow(encodeRow(lease), lease4Columns());
  row[2] = "zz";  // hwaddr
  try {
    decodeLease4(row);
    FAIL() << "decoding a row with bad hex succeeded";
  } catch (const SqlError& error) {
    EXPECT_EQ(error.kind(), SqlError::Kind::kCorruptRow);
    EXPECT_NE(std::string(error.what()).find("192.0.2.7"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("hwaddr"), std::string::npos) << error.what();
  }
}

TEST(LeaseRowTest, NullAndOutOfRangeValuesAreCorrupt) {
  Lease4 lease;
  SqlRow null_state = selectedRow(encodeRow(lease), lease4Columns());
  null_state[10] = std::nullopt;
  EXPECT_THROW(decodeLease4(null_state), SqlError);

  SqlRow big_subnet = selectedRow(encodeRow(lease), lease4Columns());
  big_subnet[1] = "4294967296";
  EXPECT_THROW(decodeLease4(big_subnet), SqlError);

  SqlRow short_row = selectedRow(encodeRow(lease), lease4Columns());
  short_row.pop_back();
  EXPECT_THROW(decodeLease4(short_row), SqlError);
}

TEST(StatementBuilderTest, PostgresNumbersAndCastsPlaceholders) {
  StatementBuilder builder(Dialect::kPostgres);
  builder.sql("SELECT 1 WHERE a = ").param(ColumnKind::kInteger, "5");
  builder.sql(" AND b = ").param(ColumnKind::kBytes, "0a0b").limit(3);
  EXPECT_EQ(builder.text(),
            "SELECT 1 WHERE a = $1::bigint AND b = decode($2::text, 'hex') LIMIT $3::bigint");
  ASSERT_EQ(builder.params().size(), 3u);
  EXPECT_EQ(builder.params()[1].value, "0a0b");
  EXPECT_TRUE(builder.params()[2].integer);
}

TEST(StatementBuilderTest, MysqlCastsAddressesToDecimal) {
  StatementBuilder builder(Dialect::kMysql);
  builder.sql("x = ").param(ColumnKind::kAddress6, "1").sql(" AND ").hostnameMatches("A");
  EXPECT_EQ(builder.text(), "x = CAST(? AS DECIMAL(39,0)) AND hostname_lower = LOWER(?)");
}

TEST(StatementBuilderTest, LimitAboveInt64IsCapped) {
  StatementBuilder builder(Dialect::kPostgres);
  builder.limit(SIZE_MAX);
  EXPECT_EQ(builder.params()[0].value, "9223372036854775807");
}

}  // namespace
}  // namespace leasehold::sql
