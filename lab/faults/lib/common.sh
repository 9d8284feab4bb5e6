# shellcheck shell=bash
# Helpers for the fault files; sourced by lab/fault and lab/heal after
# lab/lib/common.sh and lab/lib/runtime.sh.
# A fault file lab/faults/NAME.sh sets SUMMARY (one line: what breaks) and
# defines inject and heal. heal must be safe to run when the fault is not
# active, because lab/heal may run it again as a fallback.

FAULTS_DIR="$LAB_DIR/faults"
ACTIVE_FAULTS="$STATE_DIR/faults"
# Copies of every file a fault edits, kept in the backend image by provision
# and by configure.
PRISTINE=/usr/local/share/mbpanel-lab/pristine
WAIT_S=${LAB_FAULT_WAIT_S:-60}

in_node() { "$LAB_LIB/exec" "$@"; }
backend() { in_node backend "$@"; }

# Runs a sed expression on a file inside the backend and fails when the file
# did not change, so a fault never claims an edit that did not happen.
edit_backend_file() {
    local file=$1 expression=$2
    backend sh -c 'cp -p "$1" "$1.lab-before" && sed -i -e "$2" "$1" \
        && ! cmp -s "$1" "$1.lab-before"; rc=$?; rm -f "$1.lab-before"; exit $rc' \
        sh "$file" "$expression" \
        || die "editing $file in the backend with ${expression@Q} changed nothing"
}

# Puts back the image's copy of FILE, keeping owner and mode. Returns 0 when
# the file changed, 1 when it was already pristine.
restore_backend_file() {
    local file=$1
    backend sh -c 'if cmp -s "$2$1" "$1"; then exit 1; fi; cp -p "$2$1" "$1"' \
        sh "$file" "$PRISTINE"
}

# Both return once the app answers fast again, so a check run right after a
# fault sees the fault, not mod_wsgi loading the app.
reload_httpd() {
    backend systemctl reload httpd
    wait_for "the API to answer after the reload" "$FAULTS_DIR/lib/probe" warm
}

restart_httpd() {
    backend systemctl restart httpd
    wait_for "the API to answer after the restart" "$FAULTS_DIR/lib/probe" warm
}

wsgi_daemon_count() {
    backend pgrep -c -f '^\(wsgi:mbpanel\)' || true
}

# Waits until COMMAND succeeds, at most WAIT_S seconds; names WHAT on timeout.
wait_for() {
    local what=$1 deadline=$((SECONDS + WAIT_S))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "timed out after $WAIT_S s waiting for $what"
        sleep 0.5
    done
}

route_status_is() {
    [[ $("$FAULTS_DIR/lib/probe" status "$1") == "$2" ]]
}

wsgi_daemons_are() { [[ $(wsgi_daemon_count) == "$1" ]]; }

unit_is() {
    local node=$1 unit=$2 state=$3
    [[ $(in_node "$node" systemctl is-active "$unit" 2>/dev/null) == "$state" ]]
}

port_closed() { ! port_answers "$1" "$2"; }

# Serialises lab/fault and lab/heal runs, so two callers never edit the same
# file or read .lab/faults halfway through a change. Held until the caller exits.
lock_faults() {
    mkdir -p "$STATE_DIR"
    exec 9>"$STATE_DIR/faults.lock"
    flock --wait 600 9 || die "another lab/fault or lab/heal still runs after 600 s"
}

# Fault names are the file names under lab/faults without .sh.
fault_names() {
    local file
    for file in "$FAULTS_DIR"/*.sh; do
        [[ -f $file ]] && basename "$file" .sh
    done
}

fault_file() {
    local file="$FAULTS_DIR/$1.sh"
    [[ -f $file ]] || die "unknown fault ${1@Q}; lab/fault --list prints the known ones"
    printf '%s' "$file"
}

# Prints the recorded faults. A record older than the backend's current boot
# is dropped: every boot starts from the pristine image, which undid them.
active_faults() {
    [[ -f $ACTIVE_FAULTS ]] || return 0
    if [[ $ACTIVE_FAULTS -ot $(node_pid_file backend) ]]; then
        rm -f "$ACTIVE_FAULTS"
        return 0
    fi
    grep -v '^[[:space:]]*$' "$ACTIVE_FAULTS" || true
}
