# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="sshd stopped on the frontend node: 127.0.10.20:22 refuses connections"

inject() {
    in_node frontend systemctl stop ssh
}

heal() {
    node_is_up frontend || return 0
    in_node frontend systemctl start ssh
}
