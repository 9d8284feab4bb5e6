# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="PostgreSQL stopped on the deps node: port 127.0.10.31:5432 closed, /api/v1/health/ready fails naming postgresql"

inject() {
    in_node deps systemctl stop postgresql@15-main
    wait_for "port 127.0.10.31:5432 to close" port_closed 127.0.10.31 5432
}

heal() {
    in_node deps systemctl start postgresql@15-main
    wait_for "port 127.0.10.31:5432 to open" port_answers 127.0.10.31 5432
}
