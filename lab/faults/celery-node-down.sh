# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="Celery node w2 killed while celery.service stays active: 1 worker, 1 consumer"

inject() {
    # TERM to the node's main process is a warm shutdown of w2 alone;
    # celery.service keeps running with w1.
    backend sh -c 'kill -TERM "$(cat /run/celery/w2.pid)"'
    wait_for "celery node w2 to exit" w2_gone
}

w2_gone() { ! backend pgrep -f -- '-n w2@' >/dev/null; }

heal() {
    backend systemctl restart celery
}
