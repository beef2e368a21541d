"""Harness for Leasehold's system tests: real DHCP clients and perfdhcp against a real server.

Each test gets its own pair of network namespaces joined by a veth pair (`netns.Link`), starts
the server under test in one (`server.DhcpServer`) and clients in the other (`dhclient.DhClient`,
`perfdhcp.run`, `dhcp4.RelayAgent4`), then reads the server's memfile lease file
(`leases.read_lease_file`). Everything it starts is stopped by PID and every namespace it
creates is removed when the test ends, whether it passed or not.
"""
