#!/bin/bash
# Captures the golden DHCP packets: ISC dhclient, perfdhcp and crafted packets in one network
# namespace talk to Kea 2.2 in another over a veth pair, and tshark records the traffic on
# the server's side. Writes the pcap files to the directory given as $1 (default: a new
# temporary directory); extract.py turns them into the hex files beside this script.
#
# Needs root. Creates the namespaces lhcodec-srv and lhcodec-cli and removes them on exit;
# every file it writes (configurations, leases, pid files) lives in a temporary directory.
# Stops only the processes it started, by PID.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d /tmp/lhcodec-capture.XXXXXX)"
out="${1:-$work/pcap}"
mkdir -p "$out"
srv=lhcodec-srv
cli=lhcodec-cli
pids=()

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  # dhclient daemonizes, so its PID comes from its pid file; check the name before killing in
  # case the process is gone and the number reused.
  for pidfile in "$work"/dhclient*.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dhclient ]; then
      kill "$pid" || true
    fi
  done
  ip netns del "$srv" 2>/dev/null || true
  ip netns del "$cli" 2>/dev/null || true
}
trap cleanup EXIT

in_srv() { ip netns exec "$srv" "$@"; }
in_cli() { ip netns exec "$cli" "$@"; }

# --- Network: 192.0.2.0/24 and 2001:db8:1::/64 on one link, DAD off so addresses work at once.
ip netns add "$srv"
ip netns add "$cli"
ip link add lhcodec-s netns "$srv" type veth peer name lhcodec-c netns "$cli"
for ns in "$srv" "$cli"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip netns exec "$ns" ip link set lo up
done
in_srv ip link set lhcodec-s address 02:00:00:00:00:01
in_cli ip link set lhcodec-c address 02:00:00:00:00:02
in_srv ip addr add 192.0.2.1/24 dev lhcodec-s
in_srv ip addr add 2001:db8:1::1/64 dev lhcodec-s
in_cli ip addr add 192.0.2.10/24 dev lhcodec-c
in_cli ip addr add 2001:db8:1::10/64 dev lhcodec-c
in_srv ip link set lhcodec-s up
in_cli ip link set lhcodec-c up

# --- Kea configurations. Short timers make dhclient renew within seconds.
long_blob=$(python3 -c 'print("".join(f"{i % 256:02x}" for i in range(300)))')
cat > "$work/kea-dhcp4.conf" <<CONF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "lhcodec-s" ], "dhcp-socket-type": "raw" },
  "lease-database": { "type": "memfile", "persist": false },
  "valid-lifetime": 30, "renew-timer": 5, "rebind-timer": 20,
  "option-def": [ { "name": "lhcodec-long", "code": 224, "type": "binary", "space": "dhcp4" } ],
  "subnet4": [ {
    "id": 1, "subnet": "192.0.2.0/24",
    "pools": [ { "pool": "192.0.2.100 - 192.0.2.199" } ],
    "option-data": [
      { "name": "routers", "data": "192.0.2.1" },
      { "name": "domain-name-servers", "data": "192.0.2.1" },
      { "name": "domain-name", "data": "example.org" } ],
    "reservations": [ {
      "hw-address": "02:00:00:00:33:96",
      "option-data": [ { "code": 224, "data": "$long_blob", "always-send": true } ] } ]
  } ],
  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stdout" } ],
                 "severity": "DEBUG", "debuglevel": 55 } ]
} }
CONF
cat > "$work/kea-dhcp6.conf" <<CONF
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "lhcodec-s" ] },
  "lease-database": { "type": "memfile", "persist": false },
  "server-id": { "type": "LLT", "persist": false },
  "data-directory": "$work",
  "preferred-lifetime": 20, "valid-lifetime": 30, "renew-timer": 5, "rebind-timer": 15,
  "subnet6": [
    { "id": 1, "subnet": "2001:db8:1::/64", "interface": "lhcodec-s",
      "pools": [ { "pool": "2001:db8:1::100 - 2001:db8:1::1ff" } ],
      "pd-pools": [ { "prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 64 } ],
      "option-data": [ { "name": "dns-servers", "data": "2001:db8:1::1" } ] },
    { "id": 2, "subnet": "2001:db8:2::/64", "relay": { "ip-addresses": [ "2001:db8:2::1" ] },
      "pools": [ { "pool": "2001:db8:2::100 - 2001:db8:2::1ff" } ],
      "pd-pools": [ { "prefix": "2001:db8:9::", "prefix-len": 48, "delegated-len": 64 } ] }
  ],
  "loggers": [ { "name": "kea-dhcp6", "output_options": [ { "output": "stdout" } ],
                 "severity": "DEBUG", "debuglevel": 55 } ]
} }
CONF

# --- dhclient: Debian's default request list, and a script that only sets addresses inside
# the client namespace.
cat > "$work/dhclient.conf" <<'CONF'
option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;
send host-name = "lhcodec-client";
request subnet-mask, broadcast-address, time-offset, routers,
	domain-name, domain-name-servers, domain-search, host-name,
	dhcp6.name-servers, dhcp6.domain-search, dhcp6.fqdn, dhcp6.sntp-servers,
	netbios-name-servers, netbios-scope, interface-mtu,
	rfc3442-classless-static-routes, ntp-servers;
CONF
cat > "$work/dhclient-script" <<'SCRIPT'
#!/bin/sh
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT) ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  EXPIRE|RELEASE|STOP) [ -n "$old_ip_address" ] && ip addr del "$old_ip_address/$old_subnet_mask" dev "$interface" ;;
  BOUND6|RENEW6|REBIND6) [ -n "$new_ip6_address" ] && ip -6 addr replace "$new_ip6_address/128" dev "$interface" ;;
  EXPIRE6|RELEASE6|STOP6) [ -n "$old_ip6_address" ] && ip -6 addr del "$old_ip6_address/128" dev "$interface" ;;
esac
exit 0
SCRIPT
chmod +x "$work/dhclient-script"

start_capture() {  # name
  ip netns exec "$srv" tshark -i lhcodec-s -F pcap -w "$out/$1.pcap" -f "udp" \
    >"$work/$1.tshark.log" 2>&1 &
  capture_pid=$!
  pids+=("$capture_pid")
  for _ in $(seq 50); do
    grep -q "Capturing on" "$work/$1.tshark.log" && return 0
    sleep 0.2
  done
  echo "tshark did not start: $(cat "$work/$1.tshark.log")" >&2
  return 1
}
stop_capture() {
  sleep 1
  kill -INT "$capture_pid"
  wait "$capture_pid" || true
}
start_kea() {  # kea-dhcp4|kea-dhcp6
  KEA_PIDFILE_DIR="$work" KEA_LOCKFILE_DIR="$work" \
    ip netns exec "$srv" "$1" -c "$work/$1.conf" >"$work/$1.log" 2>&1 &
  kea_pid=$!
  pids+=("$kea_pid")
  sleep 2
  if ! kill -0 "$kea_pid" 2>/dev/null; then
    echo "$1 did not start:" >&2
    grep -E "ERROR|FATAL" "$work/$1.log" >&2
    return 1
  fi
}
stop_kea() {
  kill "$kea_pid"
  wait "$kea_pid" || true
}
dhclient_files() {  # family
  echo -cf "$work/dhclient.conf" -lf "$work/dhclient$1.leases" -pf "$work/dhclient$1.pid" \
    -sf "$work/dhclient-script"
}

# --- DHCPv4
start_kea kea-dhcp4

start_capture v4-dhclient
in_cli dhclient -4 -v $(dhclient_files 4) lhcodec-c
sleep 8   # past the renew timer of 5 s
in_cli timeout 30 dhclient -4 -v -r $(dhclient_files 4) lhcodec-c
stop_capture

start_capture v4-perfdhcp
in_cli timeout 30 perfdhcp -4 -n 1 -R 1 -l 192.0.2.10 -b mac=02:00:00:00:0a:01 192.0.2.1 || true
stop_capture

start_capture v4-crafted
in_cli python3 "$here/craft4.py"
stop_capture
stop_kea

# --- DHCPv6
start_kea kea-dhcp6

start_capture v6-dhclient
in_cli dhclient -6 -v -N -P $(dhclient_files 6) lhcodec-c
sleep 8
in_cli timeout 30 dhclient -6 -v -r -N -P $(dhclient_files 6) lhcodec-c
stop_capture

start_capture v6-perfdhcp
in_cli timeout 30 perfdhcp -6 -n 1 -R 1 -e address-and-prefix -l lhcodec-c || true
in_cli timeout 30 perfdhcp -6 -n 1 -R 1 -A 1 -l lhcodec-c -b duid=000300010200000006a1 || true
stop_capture

start_capture v6-crafted
in_cli python3 "$here/craft6.py"
stop_capture
stop_kea

echo "pcap files in $out; logs in $work"
