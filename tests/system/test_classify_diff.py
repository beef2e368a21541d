"""Client classification, differentially: Kea 2.2 and the server under test run the same
configuration and get the same relayed queries, and their replies must agree.

Each test starts kea-dhcp4 or kea-dhcp6 from Debian beside the server under test (see
harness/differential.py), sends crafted queries that exercise one part of the expression
language or of class use each (vendor class, hardware type, relay agent sub-options, giaddr,
client identifiers, host reservations, member() chains, required classes at three levels,
class-guarded pools and subnets, class options and boot fields) and compares the reduced
replies. Every query also states what Kea must do with it, so a configuration that stops
classifying anything cannot pass by both servers being silent. The last tests run Kea's own
classify.json and classify2.json examples.
"""

import copy
import json
import os
import socket
import struct
import unittest

from harness import dhcp4, dhcp6, differential, netns, server
from harness.testcase import SystemTestCase

# Kea's example configurations, in the reference folder beside the source tree (ctest passes
# its location as LEASEHOLD_SHARED_DIR).
SHARED_DIR = os.environ.get("LEASEHOLD_SHARED_DIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")
KEA_EXAMPLES = os.path.join(SHARED_DIR, "reference", "kea-examples")

# Option codes asked for in every DHCPv4 query's parameter request list. 66 is left out on
# purpose: the aastra class sends it with always-send.
REQUESTED_CODES4 = bytes([1, 3, 4, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 40, 41, 42, 67,
                          69, 70, 71])
REQUESTED_CODES6 = struct.pack("!8H", 21, 22, 23, 24, 27, 29, 30, 31)

GIADDR_A = netns.RELAY_V4            # subnet 10, shared network "net-a"
GIADDR_B = "198.19.0.1"              # subnet 20, shared network "net-b"


def classes4():
    return [
        {"name": "pxe-uefi",
         "test": "substring(option[60].hex,0,9) == 'PXEClient' and option[93].hex == 0x0007",
         "next-server": "192.0.2.50", "server-hostname": "tftp-uefi",
         "boot-file-name": "uefi/shim.efi"},
        {"name": "pxe-bios",
         "test": "substring(option[60].hex,0,9) == 'PXEClient' and not member('pxe-uefi')",
         "next-server": "192.0.2.51", "boot-file-name": "pxelinux.0"},
        {"name": "aastra", "test": "substring(option[60].hex,0,6) == 'Aastra'",
         "option-data": [{"name": "tftp-server-name", "data": "voip.example.org",
                          "always-send": True}]},
        {"name": "token-ring", "test": "pkt4.htype == 6",
         "option-data": [{"name": "domain-name", "data": "tr.example.org"}]},
        {"name": "port7", "test": "relay4[1].hex == 'port7'"},
        {"name": "remote-x", "test": "substring(relay4[2].hex,0,3) == 0x001122",
         "option-data": [{"name": "nis-domain", "data": "remote-x"}]},
        {"name": "giaddr-b", "test": "pkt4.giaddr == 198.19.0.1",
         "option-data": [{"name": "swap-server", "data": "192.0.2.16"}]},
        {"name": "mac-prefix", "test": "substring(hexstring(pkt4.mac, ':'), 0, 8) == '02:aa:00'",
         "option-data": [{"name": "log-servers", "data": "192.0.2.7"}]},
        {"name": "vendor-gold", "test": "split(option[60].hex, ':', 2) == 'gold'",
         "option-data": [{"name": "cookie-servers", "data": "192.0.2.8"}]},
        {"name": "client-id-c1d0",
         "test": "ifelse(option[61].exists, substring(option[61].hex, 1, 2), 0x0000) == 0xc1d0",
         "option-data": [{"name": "lpr-servers", "data": "192.0.2.9"}]},
        {"name": "concat-host", "test": "concat('h-', option[12].hex) == 'h-printer'",
         "option-data": [{"name": "ip-forwarding", "data": "true"}]},
        # Kea 2.2's iterative allocator continues after the last address it handed out, in
        # whichever pool that was, so pools open to the same client must not compete.
        {"name": "other-ports", "test": "not member('port7') and not member('token-ring')"},
        {"name": "chain-a", "test": "member('aastra') or member('vendor-gold')"},
        {"name": "chain-b", "test": "member('chain-a') and not member('token-ring')",
         "option-data": [{"name": "impress-servers", "data": "192.0.2.10"}]},
        {"name": "discovers", "test": "pkt4.msgtype == 1",
         "option-data": [{"name": "resource-location-servers", "data": "192.0.2.11"}]},
        {"name": "requests", "test": "pkt4.msgtype == 3",
         "option-data": [{"name": "extensions-path", "data": "/requests"}]},
        {"name": "known-host", "test": "member('KNOWN')",
         "option-data": [{"name": "root-path", "data": "/known"}]},
        {"name": "unknown-host", "test": "member('UNKNOWN') and not member('pxe-bios')",
         "option-data": [{"name": "merit-dump", "data": "/unknown"}]},
        {"name": "known-pxe", "test": "member('KNOWN') and member('pxe-bios')",
         "boot-file-name": "known.0"},
        {"name": "reserved-class",
         "option-data": [{"name": "nis-servers", "data": "192.0.2.41"}]},
        {"name": "required-subnet", "only-if-required": True, "test": "member('ALL')",
         "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53"}]},
        {"name": "required-pool", "only-if-required": True, "test": "option[82].exists",
         "option-data": [{"name": "ntp-servers", "data": "192.0.2.42"}]},
        {"name": "required-network", "only-if-required": True,
         "test": "not member('token-ring')",
         "option-data": [{"name": "time-servers", "data": "192.0.2.4"}]},
        {"name": "text-string", "test": "option[12].text == 'printer'",
         "option-data": [{"name": "pop-server", "data": "192.0.2.70"}]},
        {"name": "text-uint32",
         "test": "option[51].text == 'type=051, len=004: 3600 (uint32)'",
         "option-data": [{"name": "smtp-server", "data": "192.0.2.69"}]},
        {"name": "text-address",
         "test": "option[50].text == 'type=050, len=004: 198.18.1.77 (ipv4-address)'",
         "option-data": [{"name": "nntp-server", "data": "192.0.2.71"}]},
        {"name": "DROP", "test": "option[60].hex == 'evil'"},
    ]


def subnets4():
    net_a = {
        "name": "net-a", "require-client-classes": ["required-network"],
        "subnet4": [{
            "id": 10, "subnet": "198.18.0.0/16", "require-client-classes": ["required-subnet"],
            "pools": [
                {"pool": "198.18.1.0 - 198.18.1.255", "client-class": "port7",
                 "require-client-classes": ["required-pool"]},
                {"pool": "198.18.2.0 - 198.18.2.255", "client-class": "token-ring"},
                {"pool": "198.18.3.0 - 198.18.3.255", "client-class": "other-ports"},
            ],
            "reservations": [
                {"hw-address": "02:00:00:00:0a:01", "ip-address": "198.18.5.5",
                 "client-classes": ["reserved-class"]},
                {"client-id": "01:02:bb:00:00:00:02", "hostname": "By-Client-ID"},
                {"circuit-id": "'port9'", "hostname": "by-circuit-id"},
            ]}],
    }
    net_b = {
        "name": "net-b",
        "subnet4": [
            {"id": 20, "subnet": "198.19.0.0/17", "client-class": "aastra",
             "pools": [{"pool": "198.19.1.0 - 198.19.1.255"}]},
            {"id": 21, "subnet": "198.19.128.0/17", "client-class": "vendor-gold",
             "pools": [{"pool": "198.19.129.0 - 198.19.129.255"}]},
        ],
    }
    return [net_a, net_b]


def config4(workdir, interface):
    config = server.dhcp4_config(workdir, interface, [], valid_lifetime=3600,
                                 client_classes=classes4(), shared_networks=subnets4())
    config["Dhcp4"]["interfaces-config"]["dhcp-socket-type"] = "udp"
    return config


def query4(name, mac, expect, options=(), htype=1, giaddr=GIADDR_A, request=False):
    """One DHCPv4 test query: a DISCOVER, and with request=True also the REQUEST for each
    server's own offer. expect is what Kea must reply to the DISCOVER: None for no answer,
    or a substring of the reduced reply's address field."""
    return {"name": name, "mac": mac, "expect": expect, "options": list(options),
            "htype": htype, "giaddr": giaddr, "request": request}


def queries4():
    rai = dhcp4.relay_agent_info
    return [
        query4("plain client", "02:00:00:00:00:01", "subnet 10 pool 2", request=True),
        query4("PXE UEFI", "02:00:00:00:00:02", "subnet 10 pool 2",
               [(60, b"PXEClient:Arch:00007:UNDI:003016"), (93, b"\x00\x07")]),
        query4("PXE BIOS", "02:00:00:00:00:03", "subnet 10 pool 2",
               [(60, b"PXEClient:Arch:00000:UNDI:002001"), (93, b"\x00\x00")], request=True),
        query4("Aastra phone", "02:00:00:00:00:04", "subnet 10 pool 2",
               [(60, b"Aastra6731i")], request=True),
        query4("token ring hardware type", "02:00:00:00:00:05", "subnet 10 pool 1", htype=6),
        query4("circuit-id port7 and remote-id", "02:00:00:00:00:06", "subnet 10 pool 0",
               [(82, rai(b"port7", b"\x00\x11\x22\x33"))], request=True),
        query4("circuit-id of another port", "02:00:00:00:00:07", "subnet 10 pool 2",
               [(82, rai(b"port8", b"\x00\x99"))]),
        query4("hardware address prefix", "02:aa:00:00:00:08", "subnet 10 pool 2"),
        query4("vendor class split", "02:00:00:00:00:09", "subnet 10 pool 2",
               [(60, b"acme:gold:1")]),
        query4("client-id substring", "02:00:00:00:00:0a", "subnet 10 pool 2",
               [(61, b"\x01\xc1\xd0\x00\x00\x00\x0a")]),
        query4("host name concat and text", "02:00:00:00:00:0b", "subnet 10 pool 2",
               [(12, b"printer")]),
        query4("mixed-case host name with odd characters", "02:00:00:00:00:13",
               "subnet 10 pool 2", [(12, b"Lap_Top.Example")]),
        query4("integer and address option text", "02:00:00:00:00:0c", "subnet 10 pool 2",
               [(51, struct.pack("!I", 3600)), (50, socket.inet_aton("198.18.1.77"))]),
        query4("reserved by hardware address", "02:00:00:00:0a:01", "198.18.5.5",
               request=True),
        query4("reserved PXE client", "02:00:00:00:0a:01", "198.18.5.5",
               [(60, b"PXEClient:Arch:00000:UNDI:002001"), (93, b"\x00\x00")]),
        query4("reserved by client-id", "02:00:00:00:00:0d", "subnet 10 pool 2",
               [(61, b"\x01\x02\xbb\x00\x00\x00\x02")]),
        query4("reserved by circuit-id", "02:00:00:00:00:0e", "subnet 10 pool 2",
               [(82, rai(b"port9", b"\x01"))]),
        query4("second giaddr, Aastra", "02:00:00:00:00:0f", "subnet 20 pool 0",
               [(60, b"Aastra6757i")], giaddr=GIADDR_B, request=True),
        # Kea 2.2 selects only subnets whose guard admits the client, and the giaddr lies in
        # subnet 20 alone, so the shared network is never reached.
        query4("second giaddr, vendor gold", "02:00:00:00:00:10", None,
               [(60, b"acme:gold:2")], giaddr=GIADDR_B),
        query4("second giaddr, no class", "02:00:00:00:00:11", None, giaddr=GIADDR_B),
        query4("DROP class", "02:00:00:00:00:12", None, [(60, b"evil")]),
    ]


class ClassifyDiffTest(SystemTestCase):

    def assert_no_differences(self, pair, results):
        """results: [(query name, {label: summary}, expectation problems)]."""
        report = []
        for name, summaries, problems in results:
            lines = problems + differential.compare(summaries)
            if lines:
                report.append(f"{name}:\n  " + "\n  ".join(lines))
        if report:
            self.fail(f"{len(report)} of {len(results)} queries differ:\n" + "\n".join(report)
                      + "\n--- leasehold log ---\n" + pair.log("leasehold")[-3000:])

    def run_queries4(self, pair, queries, book, xid_base):
        results = []
        for number, query in enumerate(queries):
            message = dhcp4.Dhcp4Message(xid=xid_base + number, hops=1, giaddr=query["giaddr"],
                                         htype=query["htype"], chaddr=dhcp4.mac_bytes(query["mac"]))
            message.options = [(dhcp4.OPTION_MESSAGE_TYPE, bytes([dhcp4.DISCOVER])),
                               (dhcp4.OPTION_PARAMETER_LIST, REQUESTED_CODES4)] + query["options"]
            replies = pair.exchange(message.encode(), _matches4(message.xid))
            summaries = {label: differential.summarize4(data, book)
                         for label, data in replies.items()}
            results.append((query["name"], summaries, _check_expectation(query, summaries)))
            if query["request"]:
                request = _request_for(message, replies)
                replies = pair.exchange(request, _matches4(message.xid + 0x100000))
                results.append((query["name"] + " (REQUEST)",
                                {label: differential.summarize4(data, book)
                                 for label, data in replies.items()}, []))
        return results

    def test_dhcp4_classes_match_kea(self):
        pair = differential.DifferentialPair(self, 4, relay_addresses=[GIADDR_B + "/15"])
        pair.start(config4)
        book = differential.AddressBook(config4(self.workdir, "eth0"))
        results = self.run_queries4(pair, queries4(), book, 0x4000)
        self.assert_no_differences(pair, results)

    def test_dhcp6_classes_match_kea(self):
        pair = differential.DifferentialPair(self, 6)
        pair.start(config6)
        book = differential.AddressBook(config6(self.workdir, "eth0"))
        results = []
        for number, query in enumerate(queries6()):
            transaction = 0x600 + number
            solicit = _relayed6(dhcp6.SOLICIT, transaction, query)
            replies = pair.exchange(solicit, _matches6(transaction))
            summaries = {label: differential.summarize6(data, book)
                         for label, data in replies.items()}
            results.append((query["name"], summaries, _check_expectation6(query, summaries)))
            if query["request"]:
                request = _request6_for(transaction + 0x1000, query, replies)
                replies = pair.exchange(request, _matches6(transaction + 0x1000))
                results.append((query["name"] + " (REQUEST)",
                                {label: differential.summarize6(data, book)
                                 for label, data in replies.items()}, []))
        self.assert_no_differences(pair, results)

    def test_kea_dhcp4_classify_examples_match_kea(self):
        relay_addresses = ["192.0.3.1/24", "192.0.4.1/23", "192.0.8.1/23"]
        pair = differential.DifferentialPair(self, 4, relay_addresses=relay_addresses)
        results = []
        for number, name in enumerate(("classify.json", "classify2.json")):
            make_config = _example_config(4, name)
            pair.start(make_config)
            book = differential.AddressBook(make_config(self.workdir, "eth0"))
            aastra = [(60, b"Aastra6731i")]
            queries = [
                query4("VoIP on subnet 1", "02:00:00:00:01:01", "subnet 1 pool 0", aastra,
                       giaddr=netns.CLIENT_V4, request=True),
                query4("no class on subnet 1", "02:00:00:00:01:02", None,
                       giaddr=netns.CLIENT_V4),
                query4("special snowflake", "01:02:03:04:05:06", "subnet 2 pool 0",
                       giaddr="192.0.3.1"),
                query4("reserved VoIP host", "1a:1b:1c:1d:1e:1f", "subnet 2 pool 0",
                       giaddr="192.0.3.1", request=True),
                query4("VoIP pool", "02:00:00:00:01:03", "subnet 3 pool 0", aastra,
                       giaddr="192.0.4.1"),
                query4("other pool", "02:00:00:00:01:04", "subnet 3 pool 1",
                       giaddr="192.0.4.1"),
            ]
            if name == "classify2.json":
                queries += [
                    query4("KNOWN pool", "00:00:00:44:55:66", "subnet 4 pool 1",
                           giaddr="192.0.8.1"),
                    query4("UNKNOWN pool", "02:00:00:00:01:05", "subnet 4 pool 0",
                           giaddr="192.0.8.1"),
                ]
            for query in queries:
                query["name"] = f"{name}: {query['name']}"
            results += self.run_queries4(pair, queries, book, 0x8000 + number * 0x100)
        self.assert_no_differences(pair, results)

    def test_kea_dhcp6_classify_examples_match_kea(self):
        pair = differential.DifferentialPair(self, 6)
        results = []
        for name in ("classify.json", "classify2.json"):
            make_config = _example_config(6, name)
            pair.start(make_config)
            book = differential.AddressBook(make_config(self.workdir, "eth0"))
            cable_modem = [(dhcp6.OPT_VENDOR_OPTS, struct.pack("!I", 4491) +
                            dhcp6.option(1, b"\x00\x20"))]
            queries = [
                query6("cable modem on subnet 1", 0x101, "subnet 1 pool 0",
                       link="2001:db8:1::5", options=cable_modem, request=True),
                query6("no class on subnet 1", 0x102, "NoAddrsAvail", link="2001:db8:1::5"),
                query6("reserved cable modem", 0x103, "subnet 2 pool 0",
                       link="2001:db8:2::5", duid=bytes.fromhex("0102030405 0a0b0c0d0e")),
                query6("cable modem pool", 0x104, "subnet 3 pool 0", link="2001:db8:4::5",
                       options=cable_modem),
                query6("not a cable modem", 0x105, "NoAddrsAvail", link="2001:db8:4::5"),
            ]
            if name == "classify2.json":
                queries += [
                    query6("KNOWN pool", 0x106, "subnet 4 pool 1", link="2001:db8:8::5",
                           duid=bytes.fromhex("00030001000000445566")),
                    query6("UNKNOWN pool", 0x107, "subnet 4 pool 0", link="2001:db8:8::5"),
                ]
            for query in queries:
                query["name"] = f"{name}: {query['name']}"
                transaction = 0x700 + query["number"]
                replies = pair.exchange(_relayed6(dhcp6.SOLICIT, transaction, query),
                                        _matches6(transaction))
                summaries = {label: differential.summarize6(data, book)
                             for label, data in replies.items()}
                results.append((query["name"], summaries, _check_expectation6(query, summaries)))
        self.assert_no_differences(pair, results)


def _example_config(family, name):
    """Return make_config for one of Kea's examples, moved onto the test's interface.

    The examples use keys from later Kea versions (only-in-additional-list,
    evaluate-additional-classes, a client-classes list on subnets and pools), so both servers
    get Kea 2.2's spelling (only-if-required, require-client-classes, client-class); the
    server under test reads both.
    """
    path = os.path.join(KEA_EXAMPLES, f"kea{family}", name)
    with open(path) as source:
        text = "\n".join(line for line in source.read().splitlines()
                         if not line.lstrip().startswith(("//", "#")))
    original = json.loads(text)

    def make_config(workdir, interface):
        config = copy.deepcopy(original)
        body = config[f"Dhcp{family}"]
        body["interfaces-config"]["interfaces"] = [interface if family == 4 else
                                                   f"{interface}/{netns.SERVER_V6}"]
        if family == 4:
            body["interfaces-config"]["dhcp-socket-type"] = "udp"
        body["lease-database"] = {"type": "memfile", "persist": True, "lfc-interval": 0,
                                  "name": os.path.join(workdir, f"leases{family}.csv")}
        body["loggers"] = [{"name": f"kea-dhcp{family}", "severity": "INFO",
                            "output_options": [{"output": os.path.join(workdir, "server.log")}]}]
        if family == 6:
            body["server-id"] = {"type": "LL", "persist": False}
        for subnet in body[f"subnet{family}"]:
            subnet.pop("interface", None)
            for scope in [subnet] + subnet.get("pools", []):
                if len(scope.get("client-classes", [])) == 1:
                    scope["client-class"] = scope.pop("client-classes")[0]
            if "evaluate-additional-classes" in subnet:
                subnet["require-client-classes"] = subnet.pop("evaluate-additional-classes")
        for client_class in body.get("client-classes", []):
            if "only-in-additional-list" in client_class:
                client_class["only-if-required"] = client_class.pop("only-in-additional-list")
        return config

    return make_config


def _matches4(xid):
    def matches(data):
        try:
            reply = dhcp4.Dhcp4Message.decode(data)
        except ValueError:
            return False
        return reply.op == dhcp4.BOOTREPLY and reply.xid == xid
    return matches


def _request_for(discover, replies):
    """Return a function building, per server, the SELECTING REQUEST for its own offer."""
    def build(label):
        if replies[label] is None:
            return None
        offer = dhcp4.Dhcp4Message.decode(replies[label])
        request = copy.deepcopy(discover)
        request.xid = discover.xid + 0x100000
        request.options = [(code, value) for code, value in discover.options
                           if code != dhcp4.OPTION_MESSAGE_TYPE]
        request.options = [(dhcp4.OPTION_MESSAGE_TYPE, bytes([dhcp4.REQUEST])),
                           (dhcp4.OPTION_REQUESTED_ADDRESS, socket.inet_aton(offer.yiaddr)),
                           (dhcp4.OPTION_SERVER_ID, offer.option(dhcp4.OPTION_SERVER_ID))] + \
            request.options
        return request.encode()
    return build


def _check_expectation(query, summaries):
    kea = summaries["kea"]
    expect = query["expect"]
    if expect is None:
        return [] if kea is None else [f"expected Kea to drop the query, got {kea}"]
    if kea is None or expect not in (kea.get("address") or ""):
        return [f"expected Kea's offer from {expect}, got {kea}"]
    return []


# --- DHCPv6 ---------------------------------------------------------------------------------

def classes6():
    return [
        {"name": "cable-modems", "test": "vendor.enterprise == 4491",
         "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}]},
        {"name": "docsis", "test": "substring(option[16].hex, 6, 6) == 'docsis'",
         "option-data": [{"name": "sip-server-addr", "data": "2001:db8::5060"}]},
        {"name": "ipxe", "test": "substring(option[15].hex, 2, 4) == 'iPXE'",
         "option-data": [{"name": "domain-search", "data": "ipxe.example.org"}]},
        {"name": "eth7", "test": "relay6[0].option[18].hex == 'eth7'"},
        {"name": "remote-9", "test": "substring(relay6[0].option[37].hex, 0, 4) == 0x00000009",
         "option-data": [{"name": "nis-domain-name", "data": "remote-9.example.org"}]},
        {"name": "peer-1234", "test": "relay6[0].peeraddr == fe80::1234",
         "option-data": [{"name": "sntp-servers", "data": "2001:db8::123"}]},
        {"name": "other-interfaces",
         "test": "not member('eth7') and not member('cable-modems')"},
        {"name": "link-3", "test": "relay6[0].linkaddr == 2001:db8:3::1",
         "option-data": [{"name": "nisp-domain-name", "data": "link-3.example.org"}]},
        {"name": "duid-llt", "test": "substring(option[1].hex, 0, 2) == 0x0001",
         "option-data": [{"name": "nis-servers", "data": "2001:db8::27"}]},
        {"name": "solicits", "test": "pkt6.msgtype == 1",
         "option-data": [{"name": "sip-server-dns", "data": "sip.example.org"}]},
        {"name": "chain", "test": "member('cable-modems') and not member('docsis')",
         "option-data": [{"name": "dns-servers", "data": "2001:db8::5353"}]},
        {"name": "known-modem", "test": "member('KNOWN') and member('cable-modems')",
         "option-data": [{"name": "domain-search", "data": "known.example.org"}]},
        {"name": "reserved-class",
         "option-data": [{"name": "sntp-servers", "data": "2001:db8::1234"}]},
        {"name": "required-subnet", "only-if-required": True, "test": "member('ALL')",
         "option-data": [{"name": "nis-domain-name", "data": "required-subnet.example.org"}]},
        {"name": "required-pool", "only-if-required": True,
         "test": "relay6[0].option[37].exists",
         "option-data": [{"name": "sip-server-dns", "data": "required-pool.example.org"}]},
        {"name": "required-network", "only-if-required": True, "test": "not member('docsis')",
         "option-data": [{"name": "nis-servers", "data": "2001:db8::2727"}]},
        {"name": "text-elapsed",
         "test": "option[8].text == 'type=00008, len=00002: 0 (uint16)'",
         "option-data": [{"name": "sip-server-addr", "data": "2001:db8::8"}]},
        {"name": "DROP", "test": "substring(option[16].hex, 6, 4) == 'evil'"},
    ]


def config6(workdir, interface):
    networks = [
        {"name": "lab", "require-client-classes": ["required-network"],
         "subnet6": [{
             "id": 2, "subnet": "2001:db8:2::/64", "require-client-classes": ["required-subnet"],
             "pools": [
                 {"pool": "2001:db8:2::100-2001:db8:2::1ff", "client-class": "eth7",
                  "require-client-classes": ["required-pool"]},
                 {"pool": "2001:db8:2::200-2001:db8:2::2ff", "client-class": "cable-modems"},
                 {"pool": "2001:db8:2::300-2001:db8:2::3ff", "client-class": "other-interfaces"},
             ],
             "reservations": [
                 {"duid": "00:03:00:01:02:00:00:00:0a:01", "ip-addresses": ["2001:db8:2::5"],
                  "client-classes": ["reserved-class"]},
                 {"duid": "00:03:00:01:02:00:00:00:0a:02", "hostname": "modem"},
             ]}]},
        {"name": "modems",
         "subnet6": [
             {"id": 3, "subnet": "2001:db8:3::/64", "client-class": "docsis",
              "pools": [{"pool": "2001:db8:3::100-2001:db8:3::1ff"}]},
             {"id": 4, "subnet": "2001:db8:4::/64", "client-class": "ipxe",
              "pools": [{"pool": "2001:db8:4::100-2001:db8:4::1ff"}]},
         ]},
    ]
    config = server.dhcp6_config(workdir, interface, [], preferred_lifetime=3000,
                                 valid_lifetime=4000, client_classes=classes6(),
                                 shared_networks=networks)
    # Kea 2.2 receives unicast (the relay's RELAY-FORW) only on an address named this way.
    config["Dhcp6"]["interfaces-config"]["interfaces"] = [f"{interface}/{netns.SERVER_V6}"]
    return config


def query6(name, number, expect, link="2001:db8:2::1", options=(), relay_options=None,
           duid=None, request=False):
    """One DHCPv6 test query: a relayed SOLICIT from a client numbered number (its DUID is a
    DUID-LL built from it unless duid is given). expect is a substring of Kea's IA_NA
    address name, "NoAddrsAvail" for an answer whose IA_NA has that status and no address,
    or None when Kea must not answer."""
    if relay_options is None:
        relay_options = [(dhcp6.OPT_INTERFACE_ID, b"eth9")]
    return {"name": name, "number": number, "expect": expect, "link": link,
            "options": list(options), "relay_options": list(relay_options),
            "duid": duid or bytes.fromhex("00030001") + dhcp4.mac_bytes(
                dhcp4.numbered_mac(number)),
            "request": request}


def queries6():
    vendor_class = struct.pack("!IH", 4491, 6) + b"docsis"
    user_class = struct.pack("!H", 4) + b"iPXE"
    cable = struct.pack("!I", 4491) + dhcp6.option(1, b"\x00\x20")
    return [
        query6("plain client", 1, "subnet 2 pool 2", request=True),
        query6("interface-id eth7 and remote-id", 2, "subnet 2 pool 0",
               relay_options=[(dhcp6.OPT_INTERFACE_ID, b"eth7"),
                              (dhcp6.OPT_REMOTE_ID, struct.pack("!I", 9) + b"port-9")],
               request=True),
        query6("cable modem vendor options", 3, "subnet 2 pool 1",
               options=[(dhcp6.OPT_VENDOR_OPTS, cable)], request=True),
        query6("peer address", 4, "subnet 2 pool 2"),
        query6("DUID-LLT", 5, "subnet 2 pool 2",
               duid=bytes.fromhex("000100012a2b2c2d020000000005")),
        query6("reserved by DUID", 6, "2001:db8:2::5",
               duid=bytes.fromhex("00030001020000000a01"), request=True),
        query6("reserved cable modem", 7, "subnet 2 pool 1",
               duid=bytes.fromhex("00030001020000000a02"),
               options=[(dhcp6.OPT_VENDOR_OPTS, cable)]),
        query6("vendor class on the modem link", 8, "subnet 3 pool 0", link="2001:db8:3::1",
               options=[(dhcp6.OPT_VENDOR_CLASS, vendor_class)], request=True),
        # Subnet 3's guard rejects the iPXE client, so Kea 2.2 selects no subnet and never
        # reaches subnet 4 in the same shared network; it answers NoAddrsAvail.
        query6("user class on the modem link", 9, "NoAddrsAvail", link="2001:db8:3::1",
               options=[(dhcp6.OPT_USER_CLASS, user_class)]),
        query6("no class on the modem link", 10, "NoAddrsAvail", link="2001:db8:3::1"),
        query6("DROP class", 11, None,
               options=[(dhcp6.OPT_VENDOR_CLASS, struct.pack("!IH", 9, 4) + b"evil")]),
    ]


def _relayed6(message_type, transaction, query, extra=()):
    options = [(dhcp6.OPT_CLIENTID, query["duid"]), (dhcp6.OPT_ELAPSED_TIME, b"\0\0"),
               (dhcp6.OPT_ORO, REQUESTED_CODES6)] + list(extra) + query["options"]
    inner = dhcp6.client_message(message_type, transaction, options) + dhcp6.ia_na(1)
    peer = "fe80::1234" if query["name"].endswith("peer address") else "fe80::99"
    return dhcp6.relay_forward(inner, 0, query["link"], peer, query["relay_options"])


def _matches6(transaction):
    def matches(data):
        try:
            _, inner = dhcp6.unwrap(data)
        except ValueError:
            return False
        return inner is not None and len(inner) >= 4 and \
            int.from_bytes(inner[1:4], "big") == transaction
    return matches


def _request6_for(transaction, query, replies):
    def build(label):
        if replies[label] is None:
            return None
        _, advertise = dhcp6.unwrap(replies[label])
        options = dhcp6.parse_options(advertise[4:])
        server_id = dhcp6.first(options, dhcp6.OPT_SERVERID)
        ia = dhcp6.first(options, dhcp6.OPT_IA_NA)
        extra = [(dhcp6.OPT_SERVERID, server_id)]
        message = _relayed6(dhcp6.REQUEST, transaction, query, extra)
        if ia is None:
            return message
        # Ask for the advertised IA as it came.
        inner_options = [(dhcp6.OPT_CLIENTID, query["duid"]), (dhcp6.OPT_ELAPSED_TIME, b"\0\0"),
                         (dhcp6.OPT_ORO, REQUESTED_CODES6)] + extra + query["options"] + \
            [(dhcp6.OPT_IA_NA, ia)]
        peer = "fe80::1234" if query["name"].endswith("peer address") else "fe80::99"
        return dhcp6.relay_forward(dhcp6.client_message(dhcp6.REQUEST, transaction, inner_options),
                                   0, query["link"], peer, query["relay_options"])
    return build


def _check_expectation6(query, summaries):
    kea = summaries["kea"]
    expect = query["expect"]
    if expect is None:
        return [] if kea is None else [f"expected Kea to drop the query, got {kea}"]
    if kea is None:
        return [f"expected Kea's ADVERTISE from {expect}, got no answer"]
    ias = kea.get("options", {}).get(dhcp6.OPT_IA_NA, [])
    if expect == "NoAddrsAvail":
        if ias and all(ia["status"] == 2 and not ia["addresses"] for ia in ias):
            return []
        return [f"expected NoAddrsAvail from Kea, got {kea}"]
    names = [name for ia in ias for name, _, _ in ia["addresses"]]
    if not any(expect in name for name in names):
        return [f"expected Kea's address from {expect}, got {kea}"]
    return []


if __name__ == "__main__":
    unittest.main()
