# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="sshd stopped on the backend node: 127.0.10.10:22 refuses connections"

inject() {
    in_node backend systemctl stop ssh
}

heal() {
    node_is_up backend || return 0
    in_node backend systemctl start ssh
}
