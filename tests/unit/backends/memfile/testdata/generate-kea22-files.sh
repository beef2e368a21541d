#!/bin/bash
# Regenerates the Kea 2.2 golden lease files in this folder by running Debian 12's kea-dhcp4
# and kea-dhcp6 (2.2.0) with no interfaces, adding and deleting leases through lease_cmds on a
# UNIX control socket in a temporary directory. The tests only read the files; run this by hand
# after checking that `kea-dhcp4 -v` prints 2.2.0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KEA_PIDFILE_DIR=$work KEA_LOCKFILE_DIR=$work
hooks=/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so

# run_kea DAEMON FAMILY LEASE_FILE COMMAND...: starts the daemon, sends each command, stops it.
run_kea() {
  local daemon=$1 family=$2 file=$3
  shift 3
  local socket=$work/kea$family.sock
  local server_id=""
  local subnets='"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" }, { "id": 2, "subnet": "10.0.0.0/8" } ]'
  if [ "$family" = 6 ]; then
    server_id='"server-id": { "type": "EN", "enterprise-id": 2495, "identifier": "0102", "persist": false },'
    subnets='"subnet6": [ { "id": 1, "subnet": "2001:db8:1::/48" }, { "id": 2, "subnet": "2001:db8:2::/64" } ]'
  fi
  cat > "$work/kea$family.json" <<CONFIG
{ "Dhcp$family": {
  "interfaces-config": { "interfaces": [] }, $server_id
  "control-socket": { "socket-type": "unix", "socket-name": "$socket" },
  "lease-database": { "type": "memfile", "name": "$file", "lfc-interval": 0 },
  "hooks-libraries": [ { "library": "$hooks" } ],
  $subnets,
  "loggers": [ { "name": "kea-dhcp$family", "output_options": [ { "output": "$work/kea$family.log" } ], "severity": "INFO" } ]
} }
CONFIG
  "$daemon" -c "$work/kea$family.json" > "$work/kea$family.out" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
  for command in "$@"; do
    echo "$command" | socat - "UNIX-CONNECT:$socket" | grep -q '"result": 0' || {
      echo "command failed: $command" >&2; kill "$pid"; exit 1; }
  done
  kill "$pid"
  wait "$pid" || true
}

rm -f "$work/leases4.csv"
run_kea kea-dhcp4 4 "$work/leases4.csv" \
  '{"command":"lease4-add","arguments":{"ip-address":"192.0.2.1","hw-address":"1a:1b:1c:1d:1e:1f","expire":1900000000,"valid-lft":7200}}' \
  '{"command":"lease4-add","arguments":{"ip-address":"192.0.2.2","hw-address":"01:02:03:04:05:06","client-id":"01:aa:bb","valid-lft":3600,"expire":1900000000,"fqdn-fwd":true,"fqdn-rev":false,"hostname":"host,with,commas&amp.example.org","state":1,"user-context":{"a":"b,c","n":[1,2]}}}' \
  '{"command":"lease4-add","arguments":{"ip-address":"10.0.0.5","hw-address":"aa:bb:cc:dd:ee:ff","subnet-id":2,"hostname":"Mixed.Case.Example","state":2,"expire":1900000000,"valid-lft":600}}' \
  '{"command":"lease4-add","arguments":{"ip-address":"192.0.2.3","hw-address":"1a:1b:1c:1d:1e:20","expire":1900000000,"valid-lft":7200}}' \
  '{"command":"lease4-update","arguments":{"ip-address":"192.0.2.3","hw-address":"1a:1b:1c:1d:1e:21","hostname":"updated.example.org","expire":1900000100,"valid-lft":7200}}' \
  '{"command":"lease4-del","arguments":{"ip-address":"192.0.2.1"}}' \
  '{"command":"lease4-add","arguments":{"ip-address":"192.0.2.4","hw-address":"00:00:00:00:00:04","client-id":"ff:00:00:00:01:00:01:00:01:02:03","expire":6194967295,"valid-lft":4294967295}}'
cp "$work/leases4.csv" "$here/kea22-leases4.csv"

# Kea 2.2 writes a newline inside a hostname as it is, which breaks the record in two lines.
rm -f "$work/broken4.csv"
run_kea kea-dhcp4 4 "$work/broken4.csv" \
  '{"command":"lease4-add","arguments":{"ip-address":"192.0.2.7","hw-address":"1a:1b:1c:1d:1e:07","expire":1900000000,"valid-lft":7200}}' \
  '{"command":"lease4-add","arguments":{"ip-address":"192.0.2.8","hw-address":"1a:1b:1c:1d:1e:08","hostname":"first\nsecond","expire":1900000000,"valid-lft":7200}}' \
  '{"command":"lease4-add","arguments":{"ip-address":"192.0.2.9","hw-address":"1a:1b:1c:1d:1e:09","expire":1900000000,"valid-lft":7200}}'
cp "$work/broken4.csv" "$here/kea22-leases4-broken-hostname.csv"

rm -f "$work/leases6.csv"
run_kea kea-dhcp6 6 "$work/leases6.csv" \
  '{"command":"lease6-add","arguments":{"ip-address":"2001:db8:1::1","duid":"01:02:03:04:05:06:07:08","iaid":1234,"expire":1900000000,"valid-lft":7200,"preferred-lft":3600}}' \
  '{"command":"lease6-add","arguments":{"ip-address":"2001:db8:1::2","duid":"1a:1b:1c:1d:1e:1f:20:21:22:23:24","iaid":4294967295,"subnet-id":1,"valid-lft":3600,"preferred-lft":1800,"expire":1900000000,"fqdn-fwd":true,"fqdn-rev":true,"hostname":"host,six.example.org","hw-address":"0a:0b:0c:0d:0e:0f","state":1,"user-context":{"x":{"y":"1,2"}}}}' \
  '{"command":"lease6-add","arguments":{"ip-address":"2001:db8:1:8000::","type":"IA_PD","prefix-len":56,"subnet-id":1,"duid":"01:02:03:04:05:06:07:08","iaid":77,"hw-address":"00:11:22:33:44:55","expire":1900000000,"valid-lft":7200,"preferred-lft":3600}}' \
  '{"command":"lease6-add","arguments":{"ip-address":"2001:db8:2::5","duid":"01:02:03:04:05:06:07:09","iaid":5,"subnet-id":2,"state":2,"expire":1900000000,"valid-lft":7200,"preferred-lft":3600}}' \
  '{"command":"lease6-update","arguments":{"ip-address":"2001:db8:2::5","duid":"01:02:03:04:05:06:07:09","iaid":6,"subnet-id":2,"state":0,"expire":1900000200,"valid-lft":7200,"preferred-lft":3600}}' \
  '{"command":"lease6-del","arguments":{"ip-address":"2001:db8:1::1"}}'
cp "$work/leases6.csv" "$here/kea22-leases6.csv"
echo "wrote $here/kea22-leases4.csv, kea22-leases4-broken-hostname.csv and kea22-leases6.csv"
