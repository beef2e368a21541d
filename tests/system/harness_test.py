"""Unit tests of the system-test harness's parsers and codec (no root, no network)."""

import unittest

from harness import dhclient, dhcp4, leases, perfdhcp

PERFDHCP_V4_OUTPUT = """\
Running: perfdhcp -4 -l 198.18.0.1 -r 500 -n 3000 -R 3000 -W 2000000 192.0.2.1
Scenario: basic.
Multi-thread mode enabled.
***Rate statistics***
Rate: 374.964 4-way exchanges/second, expected rate: 500

***Malformed Packets***
Malformed packets: 0
***Statistics for: DISCOVER-OFFER***
sent packets: 3000
received packets: 2998
drops: 2
drops ratio: 0.067 %
orphans: 1
rejected leases: 0
non unique addresses: 0

min delay: 0.251 ms
avg delay: 0.479 ms
max delay: 3.375 ms
std deviation: 0.252 ms
collected packets: 0

***Statistics for: REQUEST-ACK***
sent packets: 2998
received packets: 2997
drops: 1
drops ratio: 0.033 %
orphans: 0
rejected leases: 0
non unique addresses: 0

min delay: 0.186 ms
avg delay: 0.416 ms
max delay: 2.633 ms
std deviation: 0.187 ms
collected packets: 0
"""

V4_HEADER = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context"
V6_HEADER = ("address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,"
             "prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source")


class PerfdhcpParseTest(unittest.TestCase):

    def test_counters_per_exchange(self):
        result = perfdhcp.parse(PERFDHCP_V4_OUTPUT, 3)

        self.assertAlmostEqual(result.rate, 374.964)
        self.assertEqual(list(result.exchanges), ["DISCOVER-OFFER", "REQUEST-ACK"])
        offers = result.exchange("DISCOVER-OFFER")
        self.assertEqual((offers.sent, offers.received, offers.drops, offers.orphans),
                         (3000, 2998, 2, 1))
        self.assertAlmostEqual(offers.avg_delay_ms, 0.479)
        self.assertEqual(result.exchange("REQUEST-ACK").received, 2997)
        self.assertEqual(result.lost(), 3)
        self.assertEqual(result.returncode, 3)

    def test_output_without_rate_rejected(self):
        with self.assertRaisesRegex(ValueError, "no rate line"):
            perfdhcp.parse("ERROR: running perfdhcp: There is no address for interface\n")

    def test_non_numeric_counter_rejected(self):
        broken = PERFDHCP_V4_OUTPUT.replace("sent packets: 3000", "sent packets: many")
        with self.assertRaisesRegex(ValueError, "sent packets"):
            perfdhcp.parse(broken)

    def test_missing_exchange_named(self):
        result = perfdhcp.parse(PERFDHCP_V4_OUTPUT)
        with self.assertRaisesRegex(AssertionError, "SOLICIT-ADVERTISE"):
            result.exchange("SOLICIT-ADVERTISE")


class LeaseFileTest(unittest.TestCase):

    def test_last_row_wins_and_zero_lifetime_deletes(self):
        lines = [V4_HEADER,
                 "192.0.2.10,aa:bb:cc:dd:ee:01,,60,1000,1,0,0,,0,",
                 "192.0.2.11,aa:bb:cc:dd:ee:02,,60,1000,1,0,0,,0,",
                 "192.0.2.10,aa:bb:cc:dd:ee:01,,60,1050,1,0,0,,0,",
                 "192.0.2.11,aa:bb:cc:dd:ee:02,,0,990,1,0,0,,0,"]

        parsed = leases.parse_lease_file(lines, 4)

        self.assertEqual(list(parsed.current), [(0, "192.0.2.10")])
        self.assertEqual(parsed.current[(0, "192.0.2.10")].expire, 1050)
        self.assertEqual(len(parsed.history("192.0.2.10")), 2)
        self.assertEqual([lease.address for lease in parsed.active(now=1020)], ["192.0.2.10"])
        self.assertEqual(parsed.active(now=1050), [])

    def test_escaped_comma_in_hostname(self):
        lines = [V4_HEADER, "192.0.2.10,aa:bb:cc:dd:ee:01,,60,1000,1,0,0,a&#x2cb,0,"]

        lease = leases.parse_lease_file(lines, 4).current[(0, "192.0.2.10")]

        self.assertEqual(lease.fields["hostname"], "a,b")

    def test_declined_lease_is_not_active(self):
        lines = [V4_HEADER, "192.0.2.10,aa:bb:cc:dd:ee:01,,60,1000,1,0,0,,1,"]

        self.assertEqual(leases.parse_lease_file(lines, 4).active(now=0), [])

    def test_v6_address_and_prefix_distinct(self):
        lines = [V6_HEADER,
                 "2001:db8:8::,00:01:02,60,1000,1,40,0,7,128,0,0,,,0,,1,2",
                 "2001:db8:8::,00:01:02,60,1000,1,40,2,7,64,0,0,,,0,,1,2"]

        current = leases.parse_lease_file(lines, 6).current

        self.assertEqual(current[(leases.LEASE_TYPE_PD, "2001:db8:8::")].prefix_len, 64)
        self.assertEqual(current[(leases.LEASE_TYPE_NA, "2001:db8:8::")].prefix_len, 128)

    def test_short_row_rejected_with_line_number(self):
        with self.assertRaisesRegex(ValueError, ":3: 3 fields"):
            leases.parse_lease_file([V4_HEADER, "192.0.2.10,aa:bb:cc:dd:ee:01,,60,1000,1,0,0,,0,",
                                     "192.0.2.11,x,y"], 4)

    def test_missing_column_rejected(self):
        with self.assertRaisesRegex(ValueError, "lacks column.*duid"):
            leases.parse_lease_file([V4_HEADER], 6)

    def test_non_numeric_expire_rejected(self):
        with self.assertRaisesRegex(ValueError, "column expire"):
            leases.parse_lease_file([V4_HEADER, "192.0.2.10,aa,,60,soon,1,0,0,,0,"], 4)

    def test_empty_file_rejected(self):
        with self.assertRaisesRegex(ValueError, "header"):
            leases.parse_lease_file([], 4)


class Dhcp4MessageTest(unittest.TestCase):

    def test_encode_decode_round_trip(self):
        info = dhcp4.relay_agent_info(b"port1", b"\x01\x02")
        message = dhcp4.Dhcp4Message(xid=0x12345678, hops=1, giaddr="198.18.0.1",
                                     chaddr=dhcp4.mac_bytes("02:00:00:00:00:2a"),
                                     options=[(dhcp4.OPTION_MESSAGE_TYPE, bytes([dhcp4.DISCOVER])),
                                              (dhcp4.OPTION_RELAY_AGENT_INFO, info)])

        decoded = dhcp4.Dhcp4Message.decode(message.encode())

        self.assertEqual(decoded, message)
        self.assertEqual(decoded.message_type, dhcp4.DISCOVER)
        self.assertEqual(decoded.option(dhcp4.OPTION_RELAY_AGENT_INFO), info)
        self.assertEqual(info, b"\x01\x05port1\x02\x02\x01\x02")

    def test_pad_options_skipped(self):
        message = dhcp4.Dhcp4Message(options=[(dhcp4.OPTION_MESSAGE_TYPE, b"\x02")])
        data = message.encode()
        padded = data[:-1] + b"\x00\x00\xff"

        self.assertEqual(dhcp4.Dhcp4Message.decode(padded).message_type, dhcp4.OFFER)

    def test_short_message_rejected(self):
        with self.assertRaisesRegex(ValueError, "too short"):
            dhcp4.Dhcp4Message.decode(b"\x02" * 100)

    def test_bad_cookie_rejected(self):
        data = bytearray(dhcp4.Dhcp4Message().encode())
        data[236] = 0
        with self.assertRaisesRegex(ValueError, "magic cookie"):
            dhcp4.Dhcp4Message.decode(bytes(data))

    def test_option_overrunning_message_rejected(self):
        data = dhcp4.Dhcp4Message().encode()[:-1] + b"\x35\x09\x01"
        with self.assertRaisesRegex(ValueError, "claims 9 bytes"):
            dhcp4.Dhcp4Message.decode(data)

    def test_missing_end_option_rejected(self):
        data = dhcp4.Dhcp4Message(options=[(53, b"\x01")]).encode()[:-1]
        with self.assertRaisesRegex(ValueError, "end option"):
            dhcp4.Dhcp4Message.decode(data)

    def test_invalid_mac_rejected(self):
        with self.assertRaises(ValueError):
            dhcp4.mac_bytes("02:00:00")

    def test_numbered_mac_is_distinct_and_local(self):
        self.assertEqual(dhcp4.numbered_mac(1), "02:00:00:00:00:01")
        self.assertEqual(dhcp4.numbered_mac(257), "02:00:00:00:01:01")


class DhclientFilesTest(unittest.TestCase):

    def test_events_parsed_without_empty_fields(self):
        text = "reason=BOUND\tnew_ip_address=192.0.2.100\tnew_ip6_address=\n" \
               "garbage line\n" \
               "reason=RENEW6\tnew_ip6_prefix=2001:db8:8::/64\n"

        events = dhclient.parse_events(text)

        self.assertEqual(events, [{"reason": "BOUND", "new_ip_address": "192.0.2.100"},
                                  {"reason": "RENEW6", "new_ip6_prefix": "2001:db8:8::/64"}])

    def test_duid_escapes_decoded(self):
        quoted = b'\\000\\001\\000\\0012\\245t*\\"\\\\'

        self.assertEqual(dhclient.unescape_c_string(quoted),
                         b"\x00\x01\x00\x012\xa5t*\"\\")

    def test_lone_backslash_rejected(self):
        with self.assertRaises(ValueError):
            dhclient.unescape_c_string(b"ab\\")


if __name__ == "__main__":
    unittest.main()
