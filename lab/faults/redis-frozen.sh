# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="Redis process frozen with SIGSTOP: port 6379 accepts connections but never answers"

inject() {
    in_node deps systemctl kill --signal=SIGSTOP redis-server
}

heal() {
    in_node deps systemctl kill --signal=SIGCONT redis-server
}
