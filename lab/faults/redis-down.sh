# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="Redis stopped on the deps node: port 127.0.10.32:6379 closed, /api/v1/health/ready fails naming redis"

inject() {
    in_node deps systemctl stop redis-server
    wait_for "port 127.0.10.32:6379 to close" port_closed 127.0.10.32 6379
}

heal() {
    in_node deps systemctl start redis-server
    wait_for "port 127.0.10.32:6379 to open" port_answers 127.0.10.32 6379
}
