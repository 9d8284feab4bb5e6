# shellcheck shell=bash disable=SC2034 # lab/fault reads SUMMARY
SUMMARY="celery.service stopped on the backend: no workers, no consumers on jobs.env.create"

inject() {
    backend systemctl stop celery
}

heal() {
    backend systemctl start celery
}
