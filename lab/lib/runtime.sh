# Helpers for running nodes, sourced after common.sh.
# A node is up when the PID in .lab/run/NODE/pid is a live systemd-nspawn
# whose command line names that node's root, so a recycled PID never counts.

node_pid() {
    local node=$1 pid_file pid
    pid_file=$(node_pid_file "$node")
    [[ -r $pid_file ]] || return 1
    pid=$(<"$pid_file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    is_node_nspawn "$node" "$pid" || return 1
    printf '%s' "$pid"
}

is_node_nspawn() {
    local node=$1 pid=$2 cmdline
    [[ -r /proc/$pid/cmdline ]] || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmdline == *systemd-nspawn* ]] || return 1
    [[ $cmdline == *"--directory=$(node_root "$node") "* ]]
}

node_is_up() { node_pid "$1" >/dev/null; }

# Prints the host PID of the container's init (PID 1 inside the node), which
# is the child of the recorded nspawn process.
node_leader() {
    local node=$1 pid child
    pid=$(node_pid "$node") || return 1
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
        if [[ $(cat "/proc/$child/comm" 2>/dev/null) != systemd-nspawn ]]; then
            printf '%s' "$child"
            return 0
        fi
    done
    return 1
}

# Prints a process's start time in clock ticks since boot, which tells a
# recorded PID from a later process that reused the number.
process_start_time() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    awk '{ print $20 }' <<<"$stat"
}

# Records the container's init as "PID START_TIME" in .lab/run/NODE/init-pid.
# nspawn's init can outlive nspawn when nspawn is killed with SIGKILL, and this
# record lets stop-node find and stop it.
record_init_pid() {
    local node=$1 deadline=$((SECONDS + 15)) leader
    while ((SECONDS < deadline)); do
        if leader=$(node_leader "$node"); then
            printf '%s %s\n' "$leader" "$(process_start_time "$leader")" \
                >"$(node_init_pid_file "$node")"
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# Prints the recorded init PID of NODE if that process still runs.
node_init_pid() {
    local file pid start_time
    file=$(node_init_pid_file "$1")
    [[ -r $file ]] || return 1
    read -r pid start_time <"$file"
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ $(process_start_time "$pid") == "$start_time" ]] || return 1
    printf '%s' "$pid"
}

# Mount points at or under the node's run folder, deepest first.
node_mounts() {
    local run_dir
    run_dir=$(node_run_dir "$1")
    awk -v dir="$run_dir" \
        '$2 == dir || index($2, dir "/") == 1 { print $2 }' /proc/mounts \
        | sort -r
}

port_answers() {
    local address=$1 port=$2
    timeout 1 bash -c "exec 3<>/dev/tcp/$address/$port" 2>/dev/null
}

# Prints the node's service lines "UNIT [ADDRESS:PORT]" from
# lab/nodes/NODE/services, or sshd alone for an SSH node without that file.
node_services() {
    local node=$1 file="$LAB_DIR/nodes/$1/services"
    if [[ -f $file ]]; then
        sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$file"
    elif [[ -n ${NODE_SSH_USER[$node]:-} ]]; then
        printf 'ssh %s:22\n' "${NODE_ADDRESS[$node]}"
    fi
}
