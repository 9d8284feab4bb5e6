# Shared settings and helpers for the lab scripts, sourced and never run.
# Paths, the node table and the state layout live here so every script agrees.

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB_LIB="$LAB_DIR/lib"
REPO_DIR="$(cd "$LAB_DIR/.." && pwd)"
STATE_DIR="${LAB_STATE_DIR:-$REPO_DIR/.lab}"
RUN_DIR="$STATE_DIR/run"
SECRETS_DIR="$STATE_DIR/secrets"
CREDENTIALS_FILE="$STATE_DIR/credentials.env"
CACHE_DIR="${LAB_CACHE_DIR:-/var/cache/mbpanel-lab}"
SUITE=bookworm

# Nodes in boot order, their addresses and the user that logs in over SSH.
# The deps node has no sshd: its services are reached on their own ports.
LAB_NODES=(deps backend frontend)
declare -A NODE_ADDRESS=(
    [deps]=127.0.10.31
    [backend]=127.0.10.10
    [frontend]=127.0.10.20
)
declare -A NODE_SSH_USER=(
    [backend]=apache
    [frontend]=nodejs
)

# Lines for /etc/hosts in every node, so each name resolves to its own
# loopback address. RabbitMQ's node name rabbit@deps needs the deps entry.
HOSTS_TABLE="127.0.0.1 localhost
127.0.10.10 backend backend.lab.test
127.0.10.20 frontend frontend.lab.test
127.0.10.31 postgresql postgresql.lab.test
127.0.10.32 redis redis.lab.test
127.0.10.33 deps rabbitmq rabbitmq.lab.test"

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# The running script's path from the repository root, such as lab/up.
script_name() {
    local path
    path=$(realpath "$0")
    printf '%s' "${path#"$REPO_DIR"/}"
}

require_root() {
    if [[ $EUID -ne 0 ]]; then
        die "$(script_name) needs root, because the lab runs debootstrap," \
            "mounts overlayfs and enters systemd-nspawn containers." \
            "Run it again with sudo."
    fi
}

# Serialize lab/up and lab/down, which would otherwise boot or stop the same
# node twice. A second caller waits up to LAB_LOCK_TIMEOUT_S, because a first
# build takes minutes.
lock_lab() {
    local timeout_s=${LAB_LOCK_TIMEOUT_S:-1200}
    mkdir -p "$STATE_DIR"
    exec 8>"$STATE_DIR/lock"
    flock --wait "$timeout_s" 8 \
        || die "another lab/up or lab/down held $STATE_DIR/lock for $timeout_s s"
}

is_lab_node() {
    local node
    for node in "${LAB_NODES[@]}"; do
        [[ $node == "$1" ]] && return 0
    done
    return 1
}

require_node() {
    is_lab_node "$1" || die "unknown node ${1@Q}; the nodes are: ${LAB_NODES[*]}"
}

node_run_dir() { printf '%s/%s' "$RUN_DIR" "$1"; }
node_root() { printf '%s/root' "$(node_run_dir "$1")"; }
node_pid_file() { printf '%s/pid' "$(node_run_dir "$1")"; }
node_init_pid_file() { printf '%s/init-pid' "$(node_run_dir "$1")"; }
machine_name() { printf '%s' "$1"; }
